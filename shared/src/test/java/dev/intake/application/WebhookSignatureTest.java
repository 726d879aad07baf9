package dev.intake.application;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WebhookSignatureTest {
    // Known answer computed outside Java, and used by the snippets in docs/webhooks.md:
    //   printf '%s' "1767225600.$BODY" | openssl dgst -sha256 -hmac "$SECRET"
    static final String SECRET = "whsec_dGVzdC1vbmx5LXdlYmhvb2stc2VjcmV0LWRvLW5vdC11c2U";
    static final long T = 1767225600L; // 2026-01-01T00:00:00Z
    static final String BODY = "{\"type\":\"form.submitted\",\"id\":\"evt_01JGZ8ZQ0000000000000000\",\"data\":{\"email\":\"ada@example.com\"}}";
    static final String HEADER = "t=1767225600,v1=fc36951b818bdfc4c6ef6ea83b37e20a740d77bad880ba7776eab4beea56e02a";
    private static final long TOLERANCE = 300;

    private static byte[] body() { return BODY.getBytes(StandardCharsets.UTF_8); }

    @Test
    void header_whenKnownInput_matchesOpenSslVector() {
        assertEquals(HEADER, WebhookSignature.header(SECRET, T, body()));
    }

    @Test
    void verify_whenKnownVector_returnsTrue() {
        assertTrue(WebhookSignature.verify(SECRET, HEADER, body(), T + 10, TOLERANCE));
    }

    @Test
    void verify_whenBodyTampered_returnsFalse() {
        byte[] tampered = BODY.replace("ada@", "eve@").getBytes(StandardCharsets.UTF_8);

        assertFalse(WebhookSignature.verify(SECRET, HEADER, tampered, T, TOLERANCE));
    }

    @Test
    void verify_whenBodyHasTrailingNewline_returnsFalse() {
        assertFalse(WebhookSignature.verify(SECRET, HEADER, (BODY + "\n").getBytes(StandardCharsets.UTF_8), T, TOLERANCE));
    }

    @Test
    void verify_whenSecretWrong_returnsFalse() {
        assertFalse(WebhookSignature.verify(SECRET + "x", HEADER, body(), T, TOLERANCE));
        assertFalse(WebhookSignature.verify(SECRET.substring("whsec_".length()), HEADER, body(), T, TOLERANCE));
    }

    @Test
    void verify_whenTimestampReplacedWithFreshOne_returnsFalse() {
        String replayed = HEADER.replace("t=1767225600", "t=1767229200");

        assertFalse(WebhookSignature.verify(SECRET, replayed, body(), T + 3600, TOLERANCE));
    }

    @Test
    void verify_whenTimestampOlderThanTolerance_returnsFalse() {
        assertFalse(WebhookSignature.verify(SECRET, HEADER, body(), T + TOLERANCE + 1, TOLERANCE));
    }

    @Test
    void verify_whenTimestampExactlyAtTolerance_returnsTrue() {
        assertTrue(WebhookSignature.verify(SECRET, HEADER, body(), T + TOLERANCE, TOLERANCE));
        assertTrue(WebhookSignature.verify(SECRET, HEADER, body(), T - TOLERANCE, TOLERANCE));
    }

    @Test
    void verify_whenTimestampInTheFuture_returnsFalse() {
        assertFalse(WebhookSignature.verify(SECRET, HEADER, body(), T - TOLERANCE - 1, TOLERANCE));
    }

    @Test
    void verify_whenOneOfSeveralV1Matches_returnsTrue() {
        String other = WebhookSignature.header("whsec_old", T, body()).substring("t=1767225600,".length());

        assertTrue(WebhookSignature.verify(SECRET, HEADER + "," + other, body(), T, TOLERANCE));
        assertTrue(WebhookSignature.verify(SECRET, "t=1767225600," + other + "," + HEADER.substring(13), body(), T, TOLERANCE));
        assertTrue(WebhookSignature.verify("whsec_old", HEADER + "," + other, body(), T, TOLERANCE));
    }

    @Test
    void verify_whenNoV1Matches_returnsFalse() {
        String other = WebhookSignature.header("whsec_old", T, body()).substring("t=1767225600,".length());

        assertFalse(WebhookSignature.verify(SECRET, "t=1767225600," + other + "," + other, body(), T, TOLERANCE));
    }

    @Test
    void verify_whenUnknownSchemesPresent_ignoresThem() {
        assertTrue(WebhookSignature.verify(SECRET, "v0=abc," + HEADER + ",v2=zzz", body(), T, TOLERANCE));
        assertFalse(WebhookSignature.verify(SECRET, "t=1767225600,v2=" + HEADER.substring(16), body(), T, TOLERANCE));
    }

    @Test
    void verify_whenUppercaseHexOrSpacesAfterCommas_returnsTrue() {
        String upper = "t=1767225600, v1=" + HEADER.substring(16).toUpperCase();

        assertTrue(WebhookSignature.verify(SECRET, upper, body(), T, TOLERANCE));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "", ",", "t=1767225600", "v1=fc36951b818bdfc4c6ef6ea83b37e20a740d77bad880ba7776eab4beea56e02a",
            "t=,v1=fc36951b818bdfc4c6ef6ea83b37e20a740d77bad880ba7776eab4beea56e02a",
            "t=abc,v1=fc36951b818bdfc4c6ef6ea83b37e20a740d77bad880ba7776eab4beea56e02a",
            "t=+1767225600,v1=fc36951b818bdfc4c6ef6ea83b37e20a740d77bad880ba7776eab4beea56e02a",
            "t=99999999999999999999999,v1=fc36951b818bdfc4c6ef6ea83b37e20a740d77bad880ba7776eab4beea56e02a",
            "t=1767225600,t=1767225600,v1=fc36951b818bdfc4c6ef6ea83b37e20a740d77bad880ba7776eab4beea56e02a",
            "t=1767225600,v1=",
            "t=1767225600,v1=fc36951b818bdfc4c6ef6ea83b37e20a740d77bad880ba7776eab4beea56e0",
            "t=1767225600,v1=fc36951b818bdfc4c6ef6ea83b37e20a740d77bad880ba7776eab4beea56e02a00",
            "t=1767225600,v1=zz36951b818bdfc4c6ef6ea83b37e20a740d77bad880ba7776eab4beea56e02a",
            "t=1767225600;v1=fc36951b818bdfc4c6ef6ea83b37e20a740d77bad880ba7776eab4beea56e02a",
            "t=1767225600,garbage,v1=fc36951b818bdfc4c6ef6ea83b37e20a740d77bad880ba7776eab4beea56e02a",
            "sha256=fc36951b818bdfc4c6ef6ea83b37e20a740d77bad880ba7776eab4beea56e02a",
    })
    void verify_whenHeaderMalformed_returnsFalse(String header) {
        assertFalse(WebhookSignature.verify(SECRET, header, body(), T, TOLERANCE));
    }

    @Test
    void verify_whenArgumentsMissing_returnsFalseWithoutThrowing() {
        assertFalse(WebhookSignature.verify(SECRET, null, body(), T, TOLERANCE));
        assertFalse(WebhookSignature.verify(null, HEADER, body(), T, TOLERANCE));
        assertFalse(WebhookSignature.verify("", HEADER, body(), T, TOLERANCE));
        assertFalse(WebhookSignature.verify(SECRET, HEADER, null, T, TOLERANCE));
    }

    @Test
    void verify_whenSignedByHeader_roundTripsForBinaryBodies() {
        byte[] binary = {0, (byte) 0xff, (byte) 0xc3, 0x28, '\n'};
        String header = WebhookSignature.header(SECRET, T, binary);

        assertTrue(WebhookSignature.verify(SECRET, header, binary, T, TOLERANCE));
    }

    @Test
    void header_whenSecretEmpty_throws() {
        assertThrows(IllegalArgumentException.class, () -> WebhookSignature.header("", T, body()));
    }

    @Test
    void newSecret_whenCalled_isPrefixedUnpaddedBase64urlOf32Bytes() {
        String secret = WebhookSignature.newSecret();

        assertTrue(secret.startsWith("whsec_"), secret);
        assertTrue(secret.substring(6).matches("[A-Za-z0-9_-]{43}"), secret);
        assertEquals(32, Base64.getUrlDecoder().decode(secret.substring(6)).length);
        assertNotEquals(secret, WebhookSignature.newSecret());
    }
}
