package dev.intake.domain;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;

/**
 * Identifier formats. Random parts use base62 over {@code 0-9A-Za-z}, whose ASCII order is the numeric
 * order, so ids with a time prefix ({@code sub_}, {@code evt_}) sort by creation time as plain strings.
 */
public final class Ids {
    private static final char[] ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();
    /**
     * An unused SHA-256 digest that {@link #digest} copies: a copy is cheaper than looking the algorithm up among the
     * security providers for each id.
     */
    private static final MessageDigest SHA_256 = sha256();
    private static final int TIME_CHARS = 8;
    /** The last instant 8 base62 characters of milliseconds can hold (year 8888); later times are clamped. */
    private static final Instant LAST = Instant.ofEpochMilli(218_340_105_584_895L);

    private Ids() {}

    public static String form() { return "frm_" + random(10); }

    /** The id of the form that the idempotent request {@code attempt} ({@link #attempt}) of {@code workspaceId} creates. */
    public static String form(String workspaceId, String attempt) {
        return "frm_" + hashToBase62("form\u0000" + workspaceId + "\u0000" + attempt, 10);
    }

    /** The id of the campaign that the idempotent request {@code attempt} of {@code workspaceId} creates. */
    public static String campaign(String workspaceId, String attempt) {
        return "cmp_" + hashToBase62("campaign\u0000" + workspaceId + "\u0000" + attempt, 10);
    }
    public static String field() { return "fld_" + random(8); }
    public static String workspace() { return "ws_" + random(10); }
    public static String campaign() { return "cmp_" + random(10); }
    public static String apiKey() { return "sk_live_" + random(32); }
    public static String trackKey() { return "tk_" + random(32); }
    public static String writeKey() { return "wk_" + random(32); }
    public static String siteId() { return HexFormat.of().formatHex(bytes(10)); }
    /** The value of an API Gateway usage-plan key: {@code uk_} + 32 URL-safe characters. */
    public static String usageKey() { return "uk_" + random(32); }

    /** The public id of a stored credential: a digest of its digest, so it reveals nothing of the secret. */
    public static String credentialId(String hash) { return "key_" + hashToBase62(hash, 16); }

    /** A submission id that sorts by {@code at}: {@code sub_} + 8 time chars + 8 random chars. */
    public static String submission(Instant at) { return "sub_" + time(at) + random(8); }

    public static String erasure(Instant at) { return "era_" + time(at) + random(8); }

    /**
     * The token of an idempotent request's first attempt, made when its key is first claimed: 8 time chars
     * ({@code at}) + 8 random chars. A retry that takes over the claim gets the same token, so whatever the
     * first attempt created can be found again: a submission's id is {@code sub_} + this token.
     */
    public static String attempt(Instant at) { return time(at) + random(8); }

    /** Whether {@code token} has the shape of {@link #attempt}. */
    public static boolean isAttempt(String token) { return token != null && ATTEMPT.matcher(token).matches(); }

    private static final java.util.regex.Pattern ATTEMPT = java.util.regex.Pattern.compile("[0-9A-Za-z]{16}");

    /** The instant an {@link #attempt} token was made at, to the millisecond. */
    public static Instant attemptTime(String token) {
        long ms = 0;
        for (int i = 0; i < TIME_CHARS; i++) {
            char c = token.charAt(i);
            ms = ms * 62 + (c <= '9' ? c - '0' : c <= 'Z' ? c - 'A' + 10 : c - 'a' + 36);
        }
        return Instant.ofEpochMilli(ms);
    }

    /**
     * The id of a tracked event: its time, then a digest of the workspace and the message id, so every
     * retry of one message (the same {@code at}, the time its sender stamped on it) is the same event.
     */
    public static String trackedEvent(String workspaceId, String messageId, Instant at) {
        return "evt_" + time(at) + hashToBase62(workspaceId + "\u0000" + messageId, 16);
    }

    /**
     * The smallest submission id that could have been created at {@code at}; used as a key bound for
     * {@code created_after} / {@code created_before} queries.
     */
    public static String submissionLowerBound(Instant at) { return "sub_" + time(at); }

    /** Person ids are derived from the identifier so that an upsert needs no read first. */
    public static String person(String workspaceId, String identifierKind, String identifierValue) {
        return "per_" + hashToBase62(workspaceId + "\u0000" + identifierKind + "\u0000" + identifierValue, 16);
    }

    public static boolean isSubmission(String id) { return id != null && id.matches("sub_[0-9A-Za-z]{16}"); }

    public static boolean isPerson(String id) { return id != null && id.matches("per_[0-9A-Za-z]{16}"); }

    /**
     * The largest submission id that could have been created at {@code at}: every id with that time
     * prefix sorts at or below it.
     */
    public static String submissionUpperBound(Instant at) { return "sub_" + time(at) + "~"; }

    /** SHA-256 hex digest; secrets are high-entropy random strings, so an unsalted digest is sufficient. */
    public static String sha256(String secret) {
        return HexFormat.of().formatHex(digest(secret.getBytes(StandardCharsets.UTF_8)));
    }

    static String time(Instant at) {
        long ms = at.isBefore(Instant.EPOCH) ? 0 : at.isAfter(LAST) ? LAST.toEpochMilli() : at.toEpochMilli();
        char[] out = new char[TIME_CHARS];
        for (int i = TIME_CHARS - 1; i >= 0; i--) {
            out[i] = ALPHABET[(int) (ms % 62)];
            ms /= 62;
        }
        return new String(out);
    }

    /**
     * {@code n} random base62 characters, each of the 62 equally likely. One draw of bytes serves the whole id (a
     * call to the generator costs far more than the bytes it returns: NativePRNG takes a lock and runs SHA-1 each
     * time, and {@code nextInt} is one call per character): a byte's low 6 bits pick a character, and 62 and 63
     * are passed over, which leaves 0 to 61 uniform.
     */
    static String random(int n) {
        char[] out = new char[n];
        byte[] bytes = new byte[n + n / 4 + 4]; // one id of 8 in about ten million needs a second draw
        int next = bytes.length;
        for (int i = 0; i < n; ) {
            if (next == bytes.length) {
                RANDOM.nextBytes(bytes);
                next = 0;
            }
            int v = bytes[next++] & 63;
            if (v < ALPHABET.length) out[i++] = ALPHABET[v];
        }
        return new String(out);
    }

    private static String hashToBase62(String input, int n) {
        byte[] d = digest(input.getBytes(StandardCharsets.UTF_8));
        char[] out = new char[n];
        for (int i = 0; i < n; i++) out[i] = ALPHABET[(d[i] & 0xff) % 62];
        return new String(out);
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    private static byte[] digest(byte[] in) {
        try {
            return ((MessageDigest) SHA_256.clone()).digest(in);
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
