package dev.intake.application;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.intake.domain.IntakeException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ConsentTokensTest {
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private final ConsentTokens tokens = new ConsentTokens("k".repeat(32).getBytes(StandardCharsets.UTF_8));

    @Test
    void verify_whenIssuedByUs_returnsTheClaims() {
        var claims = tokens.verify(tokens.issue("ws_a", "per_1", "frm_1", NOW), NOW.plusSeconds(60));

        assertEquals(new ConsentTokens.Claims("ws_a", "per_1", "frm_1", NOW.plus(ConsentTokens.VALIDITY)), claims);
    }

    @Test
    void verify_whenExpired_saysSo() {
        String t = tokens.issue("ws_a", "per_1", "frm_1", NOW);

        var e = assertThrows(IntakeException.Invalid.class, () -> tokens.verify(t, NOW.plus(ConsentTokens.VALIDITY)));
        assertEquals("token_expired", e.code());
    }

    @Test
    void verify_whenPayloadEdited_isInvalid() {
        String t = tokens.issue("ws_a", "per_1", "frm_1", NOW);
        String forgedPayload = java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString("c1|ws_a|per_2|frm_1|9999999999".getBytes(StandardCharsets.UTF_8));

        var e = assertThrows(IntakeException.Invalid.class, () -> tokens.verify(forgedPayload + t.substring(t.indexOf('.')), NOW));
        assertEquals("invalid_token", e.code());
    }

    @Test
    void verify_whenSignedWithAnotherSecret_isInvalid() {
        var other = new ConsentTokens("x".repeat(32).getBytes(StandardCharsets.UTF_8));

        assertThrows(IntakeException.Invalid.class, () -> tokens.verify(other.issue("ws_a", "per_1", "frm_1", NOW), NOW));
    }

    @Test
    void verify_whenAnyCharacterOfTheTokenChanges_isInvalid() {
        String t = tokens.issue("ws_a", "per_1", "frm_1", NOW);
        for (int i = 0; i < t.length(); i++) {
            if (t.charAt(i) == '.') continue;
            char c = t.charAt(i);
            // The neighbouring base64url character differs only in its low bit, which base64 may ignore.
            char other = c == 'A' ? 'B' : (char) (c ^ 1);
            String altered = t.substring(0, i) + other + t.substring(i + 1);
            assertThrows(IntakeException.Invalid.class, () -> tokens.verify(altered, NOW), "position " + i);
        }
    }

    @Test
    void verify_whenGarbage_isInvalidNotA500() {
        for (String t : new String[] {"", "abc", ".", "a.b", "%%%.%%%", "a".repeat(5000)}) {
            assertThrows(IntakeException.Invalid.class, () -> tokens.verify(t, NOW), t);
        }
    }
}
