package dev.intake.application;

import dev.intake.application.port.SubmissionStore.Range;
import dev.intake.domain.Ids;
import dev.intake.domain.IntakeException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * Opaque list cursors: {@code cur_} + base64url(last submission id + 16-byte HMAC). The HMAC covers the
 * workspace, the form and the id bounds of the filter, so a cursor works only for the listing that issued
 * it: an edited cursor, or one from another form, workspace or filter, is a 400, and no cursor can reach
 * another tenant's data. Nothing is stored; the cursor is the last key read.
 */
final class SubmissionCursors {
    private static final String PREFIX = "cur_";
    private static final String VERSION = "cur1";
    private static final int ID_LENGTH = 20;
    private static final int MAC_LENGTH = 16;

    private final Signer signer;

    SubmissionCursors(Signer signer) {
        this.signer = signer;
    }

    String issue(String workspaceId, String formKey, Range filter, String lastId) {
        byte[] id = lastId.getBytes(StandardCharsets.US_ASCII);
        byte[] mac = Arrays.copyOf(signer.sign(signed(workspaceId, formKey, filter, lastId)), MAC_LENGTH);
        byte[] out = Arrays.copyOf(id, ID_LENGTH + MAC_LENGTH);
        System.arraycopy(mac, 0, out, ID_LENGTH, MAC_LENGTH);
        return PREFIX + Signer.b64(out);
    }

    /** The last id the cursor's page returned; a cursor not issued for exactly this listing is a 400. */
    String verify(String workspaceId, String formKey, Range filter, String cursor) {
        if (cursor.length() > 128 || !cursor.startsWith(PREFIX)) throw invalid();
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(cursor.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            throw invalid();
        }
        if (raw.length != ID_LENGTH + MAC_LENGTH) throw invalid();
        String id = new String(raw, 0, ID_LENGTH, StandardCharsets.US_ASCII);
        if (!Ids.isSubmission(id)) throw invalid();
        // Compare the text as issued: base64 ignores a last character's unused bits.
        byte[] expected = issue(workspaceId, formKey, filter, id).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, cursor.getBytes(StandardCharsets.US_ASCII))) throw invalid();
        return id;
    }

    private static byte[] signed(String workspaceId, String formKey, Range filter, String lastId) {
        return String.join("|", VERSION, workspaceId, formKey, filter.fromId(), filter.toId(), lastId)
                .getBytes(StandardCharsets.UTF_8);
    }

    private static IntakeException.Invalid invalid() {
        return new IntakeException.Invalid("invalid_cursor",
                "'cursor' is not a cursor this listing issued: pass next_cursor unchanged, with the same form and the same "
                        + "created_after / created_before as the first page", List.of("cursor"));
    }
}
