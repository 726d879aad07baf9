package dev.intake.application;

import dev.intake.domain.IntakeException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

/**
 * Signed, expiring double opt-in tokens: {@code base64url(payload) "." base64url(HMAC-SHA256(payload))},
 * where the payload names the workspace, the person, the form and the expiry. Nothing is stored: the
 * signature proves that Intake issued the token, and the expiry bounds how long a leaked link works.
 */
public final class ConsentTokens {
    public static final Duration VALIDITY = Duration.ofDays(7);
    private static final String VERSION = "c1";

    private final Signer signer;

    /** What a valid token says. */
    public record Claims(String workspaceId, String personId, String formId, Instant expiresAt) {}

    /**
     * @param secret at least 32 bytes of key material, the same in every function of a deployment; null
     *     gives an instance that fails when used, so functions that never sign need no secret
     */
    public ConsentTokens(byte[] secret) {
        this.signer = new Signer(secret);
    }

    public String issue(String workspaceId, String personId, String formId, Instant now) {
        String payload = String.join("|", VERSION, workspaceId, personId, formId,
                Long.toString(now.plus(VALIDITY).getEpochSecond()));
        byte[] p = payload.getBytes(StandardCharsets.UTF_8);
        return b64(p) + "." + b64(mac(p));
    }

    /** The token's claims; a forged, altered, malformed or expired token gives a 400 that says which. */
    public Claims verify(String token, Instant now) {
        if (token == null || token.isBlank()) throw invalid("missing_token", "The confirmation link has no token");
        int dot = token.indexOf('.');
        if (dot <= 0 || token.length() > 1024) throw invalid("invalid_token", "The confirmation link is not valid");
        byte[] payload;
        byte[] signature;
        try {
            payload = Base64.getUrlDecoder().decode(token.substring(0, dot));
            signature = Base64.getUrlDecoder().decode(token.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            throw invalid("invalid_token", "The confirmation link is not valid");
        }
        // Compare the text as issued: base64 ignores a last character's unused bits, and an altered link
        // must never pass.
        byte[] expected = (b64(payload) + "." + b64(mac(payload))).getBytes(StandardCharsets.UTF_8);
        if (signature.length == 0 || !MessageDigest.isEqual(expected, token.getBytes(StandardCharsets.UTF_8))) {
            throw invalid("invalid_token", "The confirmation link is not valid");
        }
        String[] parts = new String(payload, StandardCharsets.UTF_8).split("\\|", -1);
        if (parts.length != 5 || !parts[0].equals(VERSION)) throw invalid("invalid_token", "The confirmation link is not valid");
        Instant expires = Instant.ofEpochSecond(Long.parseLong(parts[4]));
        if (!now.isBefore(expires)) {
            throw invalid("token_expired", "The confirmation link has expired; submit the form again to get a new one");
        }
        return new Claims(parts[1], parts[2], parts[3], expires);
    }

    private byte[] mac(byte[] payload) { return signer.sign(payload); }

    private static String b64(byte[] b) { return Signer.b64(b); }

    private static IntakeException.Invalid invalid(String code, String message) {
        return new IntakeException.Invalid(code, message);
    }
}
