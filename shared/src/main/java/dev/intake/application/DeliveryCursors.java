package dev.intake.application;

import dev.intake.domain.IntakeException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Opaque cursors of a campaign's delivery listing: {@code cur_} + base64url(last event id + 16-byte HMAC).
 * The HMAC covers its own version tag, the workspace and the campaign, so a cursor works only for the
 * listing that issued it: an edited cursor, a submissions cursor, or one of another campaign or workspace is
 * a 400. Nothing is stored; the cursor is the last key read.
 */
final class DeliveryCursors {
    private static final String PREFIX = "cur_";
    /** Distinct from the submission cursors' tag, so neither kind passes as the other. */
    private static final String VERSION = "dlv1";
    private static final int MAC_LENGTH = 16;
    /** Event ids are {@code evt_} and 16 (form.submitted) or 24 (event.tracked) base62 characters. */
    private static final Pattern EVENT_ID = Pattern.compile("evt_[0-9A-Za-z]{16,40}");

    private final Signer signer;

    DeliveryCursors(Signer signer) {
        this.signer = signer;
    }

    String issue(String workspaceId, String campaignId, String lastEventId) {
        byte[] id = lastEventId.getBytes(StandardCharsets.US_ASCII);
        byte[] mac = Arrays.copyOf(signer.sign(signed(workspaceId, campaignId, lastEventId)), MAC_LENGTH);
        byte[] out = Arrays.copyOf(id, id.length + MAC_LENGTH);
        System.arraycopy(mac, 0, out, id.length, MAC_LENGTH);
        return PREFIX + Signer.b64(out);
    }

    /** The last event id the cursor's page returned; a cursor not issued for exactly this listing is a 400. */
    String verify(String workspaceId, String campaignId, String cursor) {
        if (cursor.length() > 128 || !cursor.startsWith(PREFIX)) throw invalid();
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(cursor.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            throw invalid();
        }
        if (raw.length <= MAC_LENGTH) throw invalid();
        String id = new String(raw, 0, raw.length - MAC_LENGTH, StandardCharsets.US_ASCII);
        if (!EVENT_ID.matcher(id).matches()) throw invalid();
        // Compare the text as issued: base64 ignores a last character's unused bits.
        byte[] expected = issue(workspaceId, campaignId, id).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, cursor.getBytes(StandardCharsets.US_ASCII))) throw invalid();
        return id;
    }

    private static byte[] signed(String workspaceId, String campaignId, String lastEventId) {
        return String.join("|", VERSION, workspaceId, campaignId, lastEventId).getBytes(StandardCharsets.UTF_8);
    }

    private static IntakeException.Invalid invalid() {
        return new IntakeException.Invalid("invalid_cursor",
                "'cursor' is not a cursor this listing issued: pass next_cursor unchanged, for the same campaign", List.of("cursor"));
    }
}
