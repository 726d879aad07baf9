package dev.intake.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.intake.domain.IntakeException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class MultipartTest {
    private static final String CHROME_BOUNDARY = "----WebKitFormBoundary7MA4YWxkTrZu0gW";
    private static final String CHROME_CT = "multipart/form-data; boundary=" + CHROME_BOUNDARY;
    private static final String CT = "multipart/form-data; boundary=XyZ";

    /** Joins lines with CRLF, as browsers do; the last line gets no line break of its own. */
    private static byte[] crlf(String... lines) {
        return String.join("\r\n", lines).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] field(String name, String value) {
        return crlf("--XyZ", "Content-Disposition: form-data; name=\"" + name + "\"", "", value, "--XyZ--", "");
    }

    private static byte[] chromiumBody() {
        return crlf(
                "------WebKitFormBoundary7MA4YWxkTrZu0gW",
                "Content-Disposition: form-data; name=\"email\"",
                "",
                "ada@example.com",
                "------WebKitFormBoundary7MA4YWxkTrZu0gW",
                "Content-Disposition: form-data; name=\"message\"",
                "",
                "Hello,",
                "second line",
                "------WebKitFormBoundary7MA4YWxkTrZu0gW",
                "Content-Disposition: form-data; name=\"attachment\"; filename=\"\"",
                "Content-Type: application/octet-stream",
                "",
                "",
                "------WebKitFormBoundary7MA4YWxkTrZu0gW--",
                "");
    }

    private static IntakeException.Invalid invalid(byte[] body, String contentType) {
        return assertThrows(IntakeException.Invalid.class, () -> Multipart.parse(body, contentType));
    }

    @Test
    void parse_whenChromiumBody_returnsFieldsInOrderAndKeepsLineBreaksInValues() {
        Map<String, Object> values = Multipart.parse(chromiumBody(), CHROME_CT);

        assertEquals(List.of("email", "message"), List.copyOf(values.keySet()));
        assertEquals("ada@example.com", values.get("email"));
        assertEquals("Hello,\r\nsecond line", values.get("message"));
    }

    @Test
    void parse_whenFirefoxBody_returnsFields() {
        String boundary = "---------------------------91234567890123456789012345";
        byte[] body = crlf(
                "--" + boundary,
                "Content-Disposition: form-data; name=\"name\"",
                "",
                "Ada",
                "--" + boundary,
                "Content-Disposition: form-data; name=\"plan\"",
                "",
                "pro",
                "--" + boundary + "--",
                "");

        Map<String, Object> values = Multipart.parse(body, "multipart/form-data; boundary=" + boundary);

        assertEquals(Map.of("name", "Ada", "plan", "pro"), values);
    }

    @Test
    void parse_whenNameRepeats_returnsListOfAllValuesInOrder() {
        byte[] body = crlf(
                "--XyZ", "Content-Disposition: form-data; name=\"topic\"", "", "billing",
                "--XyZ", "Content-Disposition: form-data; name=\"email\"", "", "a@example.com",
                "--XyZ", "Content-Disposition: form-data; name=\"topic\"", "", "sales",
                "--XyZ", "Content-Disposition: form-data; name=\"topic\"", "", "support",
                "--XyZ--");

        Map<String, Object> values = Multipart.parse(body, CT);

        assertEquals(List.of("topic", "email"), List.copyOf(values.keySet()));
        assertEquals(List.of("billing", "sales", "support"), values.get("topic"));
        assertEquals("a@example.com", values.get("email"));
    }

    @Test
    void parse_whenNameEndsWithBrackets_stripsSuffixAndCollectsValues() {
        byte[] body = crlf(
                "--XyZ", "Content-Disposition: form-data; name=\"tags[]\"", "", "a",
                "--XyZ", "Content-Disposition: form-data; name=\"tags[]\"", "", "b",
                "--XyZ", "Content-Disposition: form-data; name=\"single[]\"", "", "only",
                "--XyZ--");

        Map<String, Object> values = Multipart.parse(body, CT);

        assertEquals(List.of("a", "b"), values.get("tags"));
        assertEquals("only", values.get("single"));
        assertFalse(values.containsKey("tags[]"));
    }

    @Test
    void parse_whenBoundaryQuotedAmongOtherParams_usesIt() {
        byte[] body = crlf("--a b:c", "Content-Disposition: form-data; name=\"x\"", "", "1", "--a b:c--");

        Map<String, Object> values = Multipart.parse(body, "Multipart/Form-Data; charset=UTF-8; BOUNDARY=\"a b:c\"");

        assertEquals(Map.of("x", "1"), values);
    }

    @Test
    void parse_whenPreambleAndEpilogue_ignoresThem() {
        byte[] body = crlf(
                "This is a preamble a client may add.",
                "--XyZ", "Content-Disposition: form-data; name=\"x\"", "", "1",
                "--XyZ--",
                "This epilogue is ignored, even --XyZ in it.");

        assertEquals(Map.of("x", "1"), Multipart.parse(body, CT));
    }

    @Test
    void parse_whenValuesAndNamesAreUtf8_decodesThem() {
        byte[] body = crlf(
                "--XyZ", "Content-Disposition: form-data; name=\"name\"", "", "Zoë 日本",
                "--XyZ", "Content-Disposition: form-data; name=\"città\"", "Content-Type: text/plain; charset=UTF-8", "",
                "😀",
                "--XyZ--");

        Map<String, Object> values = Multipart.parse(body, CT);

        assertEquals("Zoë 日本", values.get("name"));
        assertEquals("😀", values.get("città"));
    }

    @Test
    void parse_whenValueEmpty_returnsEmptyString() {
        byte[] body = crlf(
                "--XyZ", "Content-Disposition: form-data; name=\"a\"", "", "",
                "--XyZ", "Content-Disposition: form-data; name=\"b\"", "", "2",
                "--XyZ--");

        assertEquals(Map.of("a", "", "b", "2"), Multipart.parse(body, CT));
    }

    @Test
    void parse_whenEmptyPartHasNoBlankLineBeforeDelimiter_doesNotSwallowNextPart() {
        // RFC 2046 allows a part of headers only: its CRLF CRLF ends headers and starts the delimiter at once.
        byte[] body = crlf(
                "--XyZ", "Content-Disposition: form-data; name=\"a\"", "",
                "--XyZ", "Content-Disposition: form-data; name=\"b\"", "", "2",
                "--XyZ--");

        assertEquals(Map.of("a", "", "b", "2"), Multipart.parse(body, CT));
    }

    @Test
    void parse_whenEmptyFileInput_skipsIt() {
        Map<String, Object> values = Multipart.parse(chromiumBody(), CHROME_CT);

        assertFalse(values.containsKey("attachment"));
        assertEquals(2, values.size());
    }

    @Test
    void parse_whenFileHasContent_throwsFileUploadNotSupported() {
        byte[] body = crlf(
                "--XyZ", "Content-Disposition: form-data; name=\"cv\"; filename=\"cv.pdf\"",
                "Content-Type: application/pdf", "", "%PDF-1.7 secret",
                "--XyZ--");

        var e = invalid(body, CT);

        assertEquals("file_upload_not_supported", e.code());
        assertEquals("File uploads are not accepted; field 'cv' carries a file", e.getMessage());
    }

    @Test
    void parse_whenFileNamedButEmpty_throwsFileUploadNotSupported() {
        byte[] body = crlf("--XyZ", "Content-Disposition: form-data; name=\"cv\"; filename=\"empty.txt\"", "", "", "--XyZ--");

        assertEquals("file_upload_not_supported", invalid(body, CT).code());
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"multipart/form-data", "multipart/form-data; charset=utf-8", "multipart/form-data; boundary=",
            "multipart/form-data; boundary=\"\"", "multipart/form-data; boundary=\"unterminated"})
    void parse_whenBoundaryMissing_throwsInvalidBody(String contentType) {
        assertEquals("invalid_body", invalid(field("x", "1"), contentType).code());
    }

    @Test
    void parse_whenBoundaryLongerThan70Chars_throwsInvalidBody() {
        String boundary = "b".repeat(71);
        byte[] body = crlf("--" + boundary, "Content-Disposition: form-data; name=\"x\"", "", "1", "--" + boundary + "--");

        var e = invalid(body, "multipart/form-data; boundary=" + boundary);

        assertEquals("invalid_body", e.code());
        assertTrue(e.getMessage().contains("70"), e.getMessage());
    }

    @Test
    void parse_whenBoundaryExactly70Chars_parses() {
        String boundary = "b".repeat(70);
        byte[] body = crlf("--" + boundary, "Content-Disposition: form-data; name=\"x\"", "", "1", "--" + boundary + "--");

        assertEquals(Map.of("x", "1"), Multipart.parse(body, "multipart/form-data; boundary=" + boundary));
    }

    @Test
    void parse_whenContentTypeIsNotMultipart_throwsUnsupportedContentType() {
        assertEquals("unsupported_content_type", invalid(field("x", "1"), "text/plain; boundary=XyZ").code());
    }

    @Test
    void parse_whenClosingDelimiterMissing_throwsInvalidBody() {
        byte[] body = crlf("--XyZ", "Content-Disposition: form-data; name=\"x\"", "", "1", "");

        var e = invalid(body, CT);

        assertEquals("invalid_body", e.code());
        assertTrue(e.getMessage().startsWith("Malformed multipart body: "), e.getMessage());
    }

    @Test
    void parse_whenBodyEndsAfterDelimiterWithoutDashes_throwsInvalidBody() {
        byte[] body = crlf("--XyZ", "Content-Disposition: form-data; name=\"x\"", "", "1", "--XyZ");

        assertEquals("invalid_body", invalid(body, CT).code());
    }

    @Test
    void parse_whenNoDelimiterAtAll_throwsInvalidBody() {
        assertEquals("invalid_body", invalid("name=value".getBytes(StandardCharsets.UTF_8), CT).code());
        assertEquals("invalid_body", invalid(new byte[0], CT).code());
        assertEquals("invalid_body", invalid(null, CT).code());
    }

    @Test
    void parse_whenPartTruncatedInsideValue_throwsInvalidBodyWithoutEchoingValue() {
        byte[] full = field("secret", "hunter2-password");
        byte[] truncated = Arrays.copyOf(full, full.length - "\r\n--XyZ--\r\n".length());

        var e = invalid(truncated, CT);

        assertEquals("invalid_body", e.code());
        assertTrue(e.getMessage().contains("'secret'"), e.getMessage());
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
    }

    @Test
    void parse_whenPartTruncatedInsideHeaders_throwsInvalidBody() {
        byte[] body = "--XyZ\r\nContent-Disposition: form-da".getBytes(StandardCharsets.UTF_8);

        assertEquals("invalid_body", invalid(body, CT).code());
    }

    @Test
    void parse_whenHeadersHaveNoBlankLine_throwsInvalidBody() {
        byte[] body = crlf("--XyZ", "Content-Disposition: form-data; name=\"x\"", "value", "--XyZ--");

        assertEquals("invalid_body", invalid(body, CT).code());
    }

    @Test
    void parse_whenEveryPrefixOfValidBody_returnsOrThrowsOnlyIntakeException() {
        byte[] full = chromiumBody();
        for (int len = 0; len <= full.length; len++) {
            byte[] prefix = Arrays.copyOf(full, len);
            try {
                Multipart.parse(prefix, CHROME_CT);
            } catch (RuntimeException e) {
                assertInstanceOf(IntakeException.class, e, "prefix of " + len + " bytes");
            }
        }
    }

    @Test
    void parse_whenRandomBytes_throwsOnlyIntakeException() {
        Random random = new Random(7578);
        byte[] alphabet = "-XyZ\r\n\"=;: nameform-dataContent-Disposition\\filename\u00ff".getBytes(StandardCharsets.ISO_8859_1);
        for (int round = 0; round < 5_000; round++) {
            byte[] body = new byte[random.nextInt(200)];
            for (int i = 0; i < body.length; i++) body[i] = alphabet[random.nextInt(alphabet.length)];
            if (random.nextBoolean()) System.arraycopy("--XyZ\r\n".getBytes(StandardCharsets.US_ASCII), 0, body, 0, Math.min(7, body.length));
            try {
                Multipart.parse(body, CT);
            } catch (RuntimeException e) {
                assertInstanceOf(IntakeException.class, e, "round " + round);
            }
        }
    }

    @Test
    void parse_whenPartHasNoName_throwsInvalidBody() {
        byte[] body = crlf("--XyZ", "Content-Disposition: form-data", "", "1", "--XyZ--");

        var e = invalid(body, CT);

        assertEquals("invalid_body", e.code());
        assertTrue(e.getMessage().contains("no field name"), e.getMessage());
    }

    @Test
    void parse_whenPartHasNoContentDisposition_throwsInvalidBody() {
        byte[] body = crlf("--XyZ", "Content-Type: text/plain", "", "1", "--XyZ--");

        assertEquals("invalid_body", invalid(body, CT).code());
    }

    @Test
    void parse_whenNameHasEscapedQuoteAndSemicolon_unescapesIt() {
        byte[] body = crlf("--XyZ", "content-disposition: FORM-DATA; NAME=\"say \\\"hi\\\"; now\"", "", "1", "--XyZ--");

        assertEquals(Map.of("say \"hi\"; now", "1"), Multipart.parse(body, CT));
    }

    @Test
    void parse_whenValueIsNotUtf8_throwsInvalidEncoding() {
        byte[] head = crlf("--XyZ", "Content-Disposition: form-data; name=\"city\"", "", "");
        byte[] tail = crlf("", "--XyZ--");
        byte[] body = new byte[head.length + 2 + tail.length];
        System.arraycopy(head, 0, body, 0, head.length);
        body[head.length] = (byte) 0xC3; // Latin-1 "Zö" would be 'Z', 0xF6; a lone lead byte is malformed too
        body[head.length + 1] = (byte) 0x28;
        System.arraycopy(tail, 0, body, head.length + 2, tail.length);

        var e = invalid(body, CT);

        assertEquals("invalid_encoding", e.code());
        assertEquals("Field 'city' is not valid UTF-8", e.getMessage());
    }

    @Test
    void parse_whenPartDeclaresOtherCharset_throwsUnsupportedCharset() {
        byte[] body = crlf("--XyZ", "Content-Disposition: form-data; name=\"x\"",
                "Content-Type: text/plain; charset=ISO-8859-1", "", "1", "--XyZ--");

        assertEquals("unsupported_charset", invalid(body, CT).code());
    }

    @Test
    void parse_whenPartDeclaresUsAscii_parses() {
        byte[] body = crlf("--XyZ", "Content-Disposition: form-data; name=\"x\"",
                "Content-Type: text/plain; charset=\"us-ascii\"", "", "1", "--XyZ--");

        assertEquals(Map.of("x", "1"), Multipart.parse(body, CT));
    }

    @Test
    void parse_whenLineBreaksAreBareLf_parses() {
        byte[] body = String.join("\n",
                "--XyZ", "Content-Disposition: form-data; name=\"a\"", "", "one\ntwo",
                "--XyZ", "Content-Disposition: form-data; name=\"b\"", "", "",
                "--XyZ--", "").getBytes(StandardCharsets.UTF_8);

        assertEquals(Map.of("a", "one\ntwo", "b", ""), Multipart.parse(body, CT));
    }

    @Test
    void parse_whenValueContainsBoundaryTextNotAtLineStart_keepsIt() {
        assertEquals(Map.of("x", "a --XyZ b"), Multipart.parse(field("x", "a --XyZ b"), CT));
    }

    @Test
    void parse_whenFormHasNoFields_returnsEmptyMap() {
        assertEquals(Map.of(), Multipart.parse(crlf("--XyZ--", ""), CT));
    }

    @Test
    void parse_whenExactly1000Parts_parses() {
        assertEquals(1000, Multipart.parse(parts(1000), CT).size());
    }

    @Test
    void parse_whenMoreThan1000Parts_throwsTooManyFields() {
        assertEquals("too_many_fields", invalid(parts(1001), CT).code());
    }

    private static byte[] parts(int count) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < count; i++) {
            sb.append("--XyZ\r\nContent-Disposition: form-data; name=\"f").append(i).append("\"\r\n\r\nv\r\n");
        }
        return sb.append("--XyZ--\r\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void parse_whenPartHeadersExceed8Kb_throwsInvalidBody() {
        byte[] body = crlf("--XyZ", "Content-Disposition: form-data; name=\"x\"", "X-Padding: " + "p".repeat(8200), "",
                "1", "--XyZ--");

        var e = invalid(body, CT);

        assertEquals("invalid_body", e.code());
        assertTrue(e.getMessage().contains("8192"), e.getMessage());
    }

    @Test
    void parse_whenContentTransferEncodingIsBase64_throwsInvalidBody() {
        byte[] body = crlf("--XyZ", "Content-Disposition: form-data; name=\"x\"", "Content-Transfer-Encoding: base64",
                "", "MQ==", "--XyZ--");

        assertEquals("invalid_body", invalid(body, CT).code());
    }
}
