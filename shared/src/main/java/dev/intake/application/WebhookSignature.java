package dev.intake.application;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs webhook bodies the way Stripe does: {@code Intake-Signature: t=<unix seconds>,v1=<hex>}, where
 * {@code <hex>} is the lowercase hex HMAC-SHA256 of {@code "<t>.<raw body>"}. The timestamp is signed
 * so a captured request cannot be replayed later with a fresh {@code t}.
 *
 * <p>The HMAC key is the UTF-8 bytes of the whole secret string, {@code whsec_} prefix included; it is
 * not base64-decoded. Receivers therefore use the secret exactly as Intake shows it.
 */
public final class WebhookSignature {
    /** The name of the header that carries the signature. */
    public static final String HEADER = "Intake-Signature";
    /** Marks a string as a webhook secret, so a leaked one is recognisable in logs and scanners. */
    public static final String SECRET_PREFIX = "whsec_";

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final HexFormat HEX = HexFormat.of();

    private WebhookSignature() {}

    /**
     * The {@value #HEADER} value for {@code body} sent at {@code unixSeconds}.
     *
     * @throws IllegalArgumentException when {@code secret} is empty
     */
    public static String header(String secret, long unixSeconds, byte[] body) {
        return "t=" + unixSeconds + ",v1=" + HEX.formatHex(mac(secret, unixSeconds, body));
    }

    /**
     * True when {@code header} carries a {@code v1} signature of {@code body} by {@code secret} and its
     * timestamp is within {@code toleranceSeconds} of {@code nowUnixSeconds}, in either direction.
     * Several {@code v1} entries are accepted (one per secret while a secret is being rotated); entries of
     * other schemes are ignored. Malformed input gives false, never an exception.
     */
    public static boolean verify(String secret, String header, byte[] body, long nowUnixSeconds, long toleranceSeconds) {
        if (secret == null || secret.isEmpty() || header == null || body == null || toleranceSeconds < 0) return false;
        Long t = null;
        List<byte[]> candidates = new ArrayList<>();
        for (String part : header.split(",", -1)) {
            int eq = part.indexOf('=');
            if (eq < 0) return false;
            String key = part.substring(0, eq).trim();
            String value = part.substring(eq + 1).trim();
            if (key.equals("t")) {
                // Digits only: Long.parseLong would also take "+" and "-", which the sender never writes.
                if (t != null || !value.matches("[0-9]{1,18}")) return false;
                t = Long.parseLong(value);
            } else if (key.equals("v1")) {
                if (value.length() == 64 && value.matches("[0-9a-fA-F]+")) candidates.add(HEX.parseHex(value));
            }
        }
        if (t == null || candidates.isEmpty() || Math.abs(nowUnixSeconds - t) > toleranceSeconds) return false;
        byte[] expected = mac(secret, t, body);
        boolean match = false;
        for (byte[] candidate : candidates) match |= MessageDigest.isEqual(expected, candidate);
        return match;
    }

    /** A new secret: {@value #SECRET_PREFIX} followed by 32 random bytes in unpadded base64url. */
    public static String newSecret() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return SECRET_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static byte[] mac(String secret, long unixSeconds, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((unixSeconds + ".").getBytes(StandardCharsets.US_ASCII));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
