package dev.intake.application;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.intake.application.port.SubmissionStore.Range;
import dev.intake.domain.Ids;
import dev.intake.domain.IntakeException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class SubmissionCursorsTest {
    private static final String WS = "ws_a";
    private static final String FORM = "frm_contact001";
    private static final Instant NOW = Instant.parse("2025-03-04T05:06:07.089Z");
    private static final Range ALL = new Range("sub_", "sub_~", null);
    private static final byte[] SECRET = "k".repeat(32).getBytes(StandardCharsets.UTF_8);
    /** The base64url alphabet, and characters that are not in it. */
    private static final String REPLACEMENTS =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_" + "+/=.~ %!";

    private final SubmissionCursors cursors = new SubmissionCursors(new Signer(SECRET));
    private final String lastId = Ids.submission(NOW);

    private static IntakeException.Invalid rejected(Runnable r, String message) {
        var e = assertThrows(IntakeException.Invalid.class, r::run, message);
        assertEquals("invalid_cursor", e.code(), message);
        assertEquals(List.of("cursor"), e.fields(), message);
        return e;
    }

    private void assertRejected(String cursor) {
        rejected(() -> cursors.verify(WS, FORM, ALL, cursor), "cursor " + cursor);
    }

    @Test
    void verify_whenIssuedForTheSameListing_returnsTheLastId() {
        String cursor = cursors.issue(WS, FORM, ALL, lastId);

        assertEquals(lastId, cursors.verify(WS, FORM, ALL, cursor));
    }

    @Test
    void verify_whenIssuedForARestrictedFilter_roundTripsWithThatFilter() {
        Range filter = new Range(Ids.submissionLowerBound(NOW.minusSeconds(60)), Ids.submissionUpperBound(NOW), null);
        String cursor = cursors.issue(WS, "ws_a:newsletter", filter, lastId);

        assertEquals(lastId, cursors.verify(WS, "ws_a:newsletter", filter, cursor));
    }

    @Test
    void issue_forDifferentLastIds_givesDifferentCursors() {
        String other = Ids.submission(NOW.plusMillis(1));

        assertNotEquals(cursors.issue(WS, FORM, ALL, lastId), cursors.issue(WS, FORM, ALL, other));
        assertEquals(other, cursors.verify(WS, FORM, ALL, cursors.issue(WS, FORM, ALL, other)));
    }

    @Test
    void issue_isUrlSafeWithoutPaddingAndFitsTheLengthLimit() {
        for (int i = 0; i < 200; i++) {
            String cursor = cursors.issue(WS + i, FORM, ALL, Ids.submission(NOW.plusMillis(i * 7919L)));

            assertTrue(cursor.matches("cur_[A-Za-z0-9_-]+"), cursor);
            assertTrue(cursor.length() <= 128, cursor);
        }
    }

    @Test
    void verify_whenWorkspaceDiffers_isInvalidCursor() {
        String cursor = cursors.issue(WS, FORM, ALL, lastId);

        rejected(() -> cursors.verify("ws_b", FORM, ALL, cursor), "other workspace");
    }

    @Test
    void verify_whenFormKeyDiffers_isInvalidCursor() {
        String cursor = cursors.issue(WS, FORM, ALL, lastId);

        rejected(() -> cursors.verify(WS, "frm_contact002", ALL, cursor), "other form");
        rejected(() -> cursors.verify(WS, "ws_a:newsletter", ALL, cursor), "other caller-chosen form");
    }

    @Test
    void verify_whenFromIdDiffers_isInvalidCursor() {
        String cursor = cursors.issue(WS, FORM, ALL, lastId);
        Range later = new Range(Ids.submissionLowerBound(NOW.minusSeconds(1)), ALL.toId(), null);

        rejected(() -> cursors.verify(WS, FORM, later, cursor), "other fromId");
    }

    @Test
    void verify_whenToIdDiffers_isInvalidCursor() {
        String cursor = cursors.issue(WS, FORM, ALL, lastId);
        Range earlier = new Range(ALL.fromId(), Ids.submissionUpperBound(NOW.plusSeconds(1)), null);

        rejected(() -> cursors.verify(WS, FORM, earlier, cursor), "other toId");
    }

    @Test
    void verify_whenIssuedForARestrictedFilterButUsedWithoutIt_isInvalidCursor() {
        Range filter = new Range(Ids.submissionLowerBound(NOW.minusSeconds(60)), Ids.submissionUpperBound(NOW), null);
        String cursor = cursors.issue(WS, FORM, filter, lastId);

        rejected(() -> cursors.verify(WS, FORM, ALL, cursor), "filter dropped");
    }

    @Test
    void verify_whenStartAfterOfTheFilterDiffers_stillAcceptsIt() {
        // startAfter is what the cursor carries; only the id bounds are part of the listing.
        String cursor = cursors.issue(WS, FORM, ALL, lastId);

        assertEquals(lastId, cursors.verify(WS, FORM, new Range(ALL.fromId(), ALL.toId(), "sub_whatever"), cursor));
    }

    @Test
    void verify_whenAnySingleCharacterIsChanged_isInvalidCursor() {
        String cursor = cursors.issue(WS, FORM, ALL, lastId);
        int tried = 0;
        for (int i = 0; i < cursor.length(); i++) {
            for (char c : REPLACEMENTS.toCharArray()) {
                if (c == cursor.charAt(i)) continue;
                String altered = cursor.substring(0, i) + c + cursor.substring(i + 1);
                assertRejected(altered);
                tried++;
            }
        }
        assertTrue(tried > cursor.length() * 60, "tried " + tried);
    }

    @Test
    void verify_whenAnyCharacterIsRemoved_isInvalidCursor() {
        String cursor = cursors.issue(WS, FORM, ALL, lastId);
        for (int i = 0; i < cursor.length(); i++) {
            assertRejected(cursor.substring(0, i) + cursor.substring(i + 1));
        }
    }

    @Test
    void verify_whenTruncated_isInvalidCursor() {
        String cursor = cursors.issue(WS, FORM, ALL, lastId);
        for (int n = 0; n < cursor.length(); n++) {
            assertRejected(cursor.substring(0, n));
        }
    }

    @Test
    void verify_whenExtended_isInvalidCursor() {
        String cursor = cursors.issue(WS, FORM, ALL, lastId);
        for (String tail : List.of("A", "AA", "AAA", "AAAA", "=", "==", " ", "\n", "_", "-")) {
            assertRejected(cursor + tail);
        }
        assertRejected(" " + cursor);
        assertRejected(cursor + cursor.substring(4));
    }

    @Test
    void verify_whenPaddedBase64OfTheSameBytes_isInvalidCursor() {
        String cursor = cursors.issue(WS, FORM, ALL, lastId);
        byte[] raw = Base64.getUrlDecoder().decode(cursor.substring(4));

        assertRejected("cur_" + Base64.getUrlEncoder().encodeToString(raw) + "=");
        assertRejected(cursor + "==");
    }

    @Test
    void verify_whenTheSameBytesAreInStandardBase64_isInvalidCursor() {
        int differed = 0;
        for (int i = 0; i < 50; i++) {
            String id = Ids.submission(NOW.plusMillis(i));
            String cursor = cursors.issue(WS, FORM, ALL, id);
            String standard = "cur_" + Base64.getEncoder().withoutPadding()
                    .encodeToString(Base64.getUrlDecoder().decode(cursor.substring(4)));
            if (standard.equals(cursor)) continue; // no '-' or '_' in this one
            differed++;
            String s = standard;
            rejected(() -> cursors.verify(WS, FORM, ALL, s), s);
        }
        assertTrue(differed > 0, "no cursor had a '-' or '_' to re-encode");
    }

    @Test
    void verify_whenIdIsSwappedButMacKept_isInvalidCursor() {
        String cursor = cursors.issue(WS, FORM, ALL, lastId);
        byte[] raw = Base64.getUrlDecoder().decode(cursor.substring(4));
        String older = Ids.submission(NOW.minusSeconds(3600));
        System.arraycopy(older.getBytes(StandardCharsets.US_ASCII), 0, raw, 0, 20);

        assertRejected("cur_" + Base64.getUrlEncoder().withoutPadding().encodeToString(raw));
    }

    @Test
    void verify_whenMacIsZeroedOrShortened_isInvalidCursor() {
        byte[] id = lastId.getBytes(StandardCharsets.US_ASCII);
        byte[] zeroMac = Arrays.copyOf(id, 36);
        byte[] shortMac = Arrays.copyOf(id, 28);

        assertRejected("cur_" + Base64.getUrlEncoder().withoutPadding().encodeToString(zeroMac));
        assertRejected("cur_" + Base64.getUrlEncoder().withoutPadding().encodeToString(shortMac));
        assertRejected("cur_" + Base64.getUrlEncoder().withoutPadding().encodeToString(id));
    }

    @Test
    void verify_whenGarbage_isInvalidCursorNotA500() {
        String b64Of36 = Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[36]);
        byte[] notASubmission = Arrays.copyOf("per_0123456789abcdef".getBytes(StandardCharsets.US_ASCII), 36);
        for (String garbage : List.of("", "c", "cur", "cur_", "CUR_" + b64Of36, "cursor", "abc",
                "cur_!!!!", "cur_%%%%%%%%", "cur_" + b64Of36, "cur_" + "A".repeat(48),
                "cur_" + Base64.getUrlEncoder().withoutPadding().encodeToString(notASubmission),
                "cur_" + "é".repeat(48), "cur_" + "\u0000".repeat(48), lastId)) {
            assertRejected(garbage);
        }
    }

    @Test
    void verify_whenNotBase64_isInvalidCursor() {
        for (String notBase64 : List.of("cur_ab cd", "cur_abc*", "cur_a", "cur_abcde", "cur_ab==cd", "cur_....")) {
            assertRejected(notBase64);
        }
    }

    @Test
    void verify_whenTooLong_isInvalidCursorWithoutDecoding() {
        String cursor = cursors.issue(WS, FORM, ALL, lastId);

        assertRejected("cur_" + "A".repeat(125));
        assertRejected(cursor + "A".repeat(200));
        assertRejected("cur_" + "A".repeat(100_000));
    }

    @Test
    void verify_whenSignedWithAnotherSecret_isInvalidCursor() {
        var other = new SubmissionCursors(new Signer("x".repeat(32).getBytes(StandardCharsets.UTF_8)));
        String theirs = other.issue(WS, FORM, ALL, lastId);

        assertNotEquals(cursors.issue(WS, FORM, ALL, lastId), theirs);
        assertRejected(theirs);
        assertEquals(lastId, other.verify(WS, FORM, ALL, theirs));
    }

    @Test
    void signer_whenSecretIsNull_constructsButFailsWhenUsed() {
        Signer unset = assertDoesNotThrow(() -> new Signer(null));
        var withoutSecret = new SubmissionCursors(unset);
        String cursor = cursors.issue(WS, FORM, ALL, lastId);

        assertThrows(IllegalStateException.class, () -> unset.sign(new byte[] {1}));
        assertThrows(IllegalStateException.class, () -> withoutSecret.issue(WS, FORM, ALL, lastId));
        assertThrows(IllegalStateException.class, () -> withoutSecret.verify(WS, FORM, ALL, cursor));
    }

    @Test
    void signer_whenSecretShorterThan32Bytes_throwsIllegalArgument() {
        assertThrows(IllegalArgumentException.class, () -> new Signer(new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> new Signer(new byte[31]));
        assertThrows(IllegalArgumentException.class, () -> new Signer("k".repeat(31).getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void signer_whenSecretIs32Bytes_signsDeterministicallyPerSecret() {
        Signer a = new Signer(new byte[32]);
        byte[] payload = "cur1|ws_a".getBytes(StandardCharsets.UTF_8);

        assertEquals(32, a.sign(payload).length);
        assertTrue(Arrays.equals(a.sign(payload), new Signer(new byte[32]).sign(payload)));
        assertTrue(!Arrays.equals(a.sign(payload), new Signer(SECRET).sign(payload)));
    }

    @Test
    void manageSubmissions_whenSecretShorterThan32Bytes_throwsIllegalArgument() {
        assertThrows(IllegalArgumentException.class, () -> new ManageSubmissions(null, null, null, null, new byte[16]));
    }
}
