package dev.intake.application;

import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 with the deployment's signing secret, for the tokens Intake hands out and takes back
 * (double opt-in links, list cursors). Each kind of token puts its own version tag first in what it
 * signs, so one kind can never pass as another.
 */
final class Signer {
    private final SecretKeySpec key;

    /**
     * @param secret at least 32 bytes of key material, the same in every function of a deployment; null
     *     gives an instance that fails when used, so functions that never sign need no secret
     */
    Signer(byte[] secret) {
        if (secret != null && secret.length < 32) throw new IllegalArgumentException("the signing secret needs at least 32 bytes");
        this.key = secret == null ? null : new SecretKeySpec(secret, "HmacSHA256");
    }

    byte[] sign(byte[] payload) {
        if (key == null) throw new IllegalStateException("INTAKE_SIGNING_SECRET is not set");
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(payload);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static String b64(byte[] b) { return Base64.getUrlEncoder().withoutPadding().encodeToString(b); }
}
