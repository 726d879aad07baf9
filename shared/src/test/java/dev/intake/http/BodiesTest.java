package dev.intake.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.intake.domain.IntakeException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BodiesTest {
    private static final String JSON = "application/json";
    private static final String FORM = "application/x-www-form-urlencoded";

    private static ApiRequest request(String contentType, String body) {
        var event = new APIGatewayProxyRequestEvent().withHttpMethod("POST").withBody(body);
        if (contentType != null) event.withHeaders(Map.of("Content-Type", contentType));
        return new ApiRequest(event);
    }

    private static ApiRequest base64Request(String contentType, byte[] body) {
        return new ApiRequest(new APIGatewayProxyRequestEvent()
                .withHeaders(Map.of("Content-Type", contentType))
                .withBody(Base64.getEncoder().encodeToString(body))
                .withIsBase64Encoded(true));
    }

    private static IntakeException.Invalid invalid(ApiRequest req) {
        return assertThrows(IntakeException.Invalid.class, () -> Bodies.flatValues(req));
    }

    private static String nested(int depth) {
        return "{\"a\":" + "[".repeat(depth - 1) + "]".repeat(depth - 1) + "}";
    }

    @Test
    void flatValues_whenJsonObject_returnsNamesToValues() {
        var values = Bodies.flatValues(request(JSON,
                "{\"email\":\"ada@example.com\",\"age\":36,\"score\":1.50,\"ok\":true,\"tags\":[\"a\",\"b\"],\"none\":null}"));

        assertEquals(List.of("email", "age", "score", "ok", "tags", "none"), List.copyOf(values.keySet()));
        assertEquals("ada@example.com", values.get("email"));
        assertEquals(new BigDecimal("36"), values.get("age"));
        assertEquals(0, new BigDecimal("1.50").compareTo((BigDecimal) values.get("score")), String.valueOf(values.get("score")));
        assertEquals(Boolean.TRUE, values.get("ok"));
        assertEquals(List.of("a", "b"), values.get("tags"));
        assertNull(values.get("none"));
    }

    @Test
    void flatValues_whenValueIsNestedObject_returnsItForTheValidatorToReject() {
        var values = Bodies.flatValues(request(JSON, "{\"address\":{\"city\":\"Paris\"}}"));

        assertTrue(values.get("address") instanceof JsonNode n && n.isObject(), String.valueOf(values.get("address")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/json; charset=utf-8", "Application/JSON", "application/vnd.api+json", "text/json"})
    void flatValues_whenContentTypeIsAnyJson_parsesJson(String contentType) {
        assertEquals(Map.of("a", "b"), Bodies.flatValues(request(contentType, "{\"a\":\"b\"}")));
    }

    @Test
    void flatValues_whenNoContentType_parsesJson() {
        assertEquals(Map.of("a", "b"), Bodies.flatValues(request(null, "{\"a\":\"b\"}")));
    }

    @Test
    void flatValues_whenHeaderNameInOtherCase_stillReadsContentType() {
        var req = new ApiRequest(new APIGatewayProxyRequestEvent()
                .withHeaders(Map.of("content-type", FORM)).withBody("a=b"));

        assertEquals(Map.of("a", "b"), Bodies.flatValues(req));
    }

    @Test
    void flatValues_whenUrlencoded_decodesNamesAndValues() {
        var values = Bodies.flatValues(request(FORM + "; charset=UTF-8",
                "name=Ada+Lovelace&email=ada%40example.com&note=caf%C3%A9&empty=&flag"));

        assertEquals("Ada Lovelace", values.get("name"));
        assertEquals("ada@example.com", values.get("email"));
        assertEquals("caf\u00e9", values.get("note"));
        assertEquals("", values.get("empty"));
        assertEquals("", values.get("flag"));
    }

    @Test
    void flatValues_whenUrlencodedKeyRepeats_returnsListInOrder() {
        var values = Bodies.flatValues(request(FORM, "topic=news&email=a%40b.co&topic=offers&topic=events"));

        assertEquals(List.of("news", "offers", "events"), values.get("topic"));
        assertEquals("a@b.co", values.get("email"));
    }

    @Test
    void flatValues_whenUrlencodedKeyHasBrackets_stripsThemAndCollects() {
        var values = Bodies.flatValues(request(FORM, "topic%5B%5D=news&topic%5B%5D=offers"));

        assertEquals(List.of("news", "offers"), values.get("topic"));
    }

    @Test
    void flatValues_whenUrlencodedEscapeBroken_throwsInvalid() {
        var e = invalid(request(FORM, "name=%zz"));

        assertEquals("invalid_body", e.code());
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"a\":", "{a:1}", "{\"a\":1,}", "{} {}", "nonsense"})
    void flatValues_whenJsonMalformed_throwsInvalidJson(String body) {
        var e = invalid(request(JSON, body));

        assertEquals("invalid_json", e.code());
    }

    @ParameterizedTest
    @ValueSource(strings = {"[1,2]", "\"text\"", "42", "true", "null"})
    void flatValues_whenJsonIsNotAnObject_throwsInvalid(String body) {
        var e = invalid(request(JSON, body));

        assertTrue(e.code().equals("invalid_body") || e.code().equals("invalid_json"), e.code());
    }

    @Test
    void flatValues_whenJsonIsAnArray_saysAnObjectIsExpected() {
        var e = invalid(request(JSON, "[{\"a\":1}]"));

        assertEquals("invalid_body", e.code());
        assertTrue(e.getMessage().contains("object"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"text/plain", "multipart/form-data; boundary=x", "application/xml"})
    void flatValues_whenContentTypeUnsupported_throwsInvalidUnsupportedContentType(String contentType) {
        var e = invalid(request(contentType, "{\"a\":\"b\"}"));

        assertEquals("unsupported_content_type", e.code());
    }

    @Test
    void flatValues_whenBodyIsNotUtf8_throwsInvalidEncoding() {
        byte[] latin1 = "{\"name\":\"caf\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1);

        var e = invalid(base64Request(JSON, latin1));

        assertEquals("invalid_encoding", e.code());
    }

    @Test
    void flatValues_whenBodyHasOverlongUtf8Sequence_throwsInvalidEncoding() {
        byte[] overlong = {'{', '"', 'a', '"', ':', '"', (byte) 0xC0, (byte) 0xAF, '"', '}'};

        assertEquals("invalid_encoding", invalid(base64Request(JSON, overlong)).code());
    }

    @Test
    void flatValues_whenBase64BodyValidUtf8_decodesIt() {
        byte[] body = "{\"name\":\"caf\u00e9\"}".getBytes(StandardCharsets.UTF_8);

        assertEquals(Map.of("name", "caf\u00e9"), Bodies.flatValues(base64Request(JSON, body)));
    }

    @Test
    void flatValues_whenBodyMarkedBase64ButIsNot_throwsInvalid() {
        var req = new ApiRequest(new APIGatewayProxyRequestEvent()
                .withHeaders(Map.of("Content-Type", JSON)).withBody("{not base64!}").withIsBase64Encoded(true));

        assertEquals("invalid_body", invalid(req).code());
    }

    @Test
    void flatValues_whenBodyOver100KB_throwsTooLarge() {
        String body = "{\"a\":\"" + "x".repeat(Bodies.MAX_BODY_BYTES) + "\"}";

        var e = assertThrows(IntakeException.TooLarge.class, () -> Bodies.flatValues(request(JSON, body)));

        assertEquals("payload_too_large", e.code());
    }

    @Test
    void flatValues_whenBodyExactly100KB_acceptsIt() {
        String prefix = "{\"a\":\"";
        String suffix = "\"}";
        String body = prefix + "x".repeat(Bodies.MAX_BODY_BYTES - prefix.length() - suffix.length()) + suffix;
        assertEquals(Bodies.MAX_BODY_BYTES, body.getBytes(StandardCharsets.UTF_8).length);

        var values = Bodies.flatValues(request(JSON, body));

        assertEquals(Bodies.MAX_BODY_BYTES - prefix.length() - suffix.length(), ((String) values.get("a")).length());
    }

    @Test
    void flatValues_whenMultibyteBodyOver100KBInBytes_throwsTooLarge() {
        // 60,000 two-byte characters: under the limit in chars, over it in bytes.
        String body = "{\"a\":\"" + "\u00e9".repeat(60_000) + "\"}";

        assertThrows(IntakeException.TooLarge.class, () -> Bodies.flatValues(request(JSON, body)));
    }

    @Test
    void flatValues_whenJsonNestedDepth40_throwsInvalid() {
        var e = invalid(request(JSON, nested(40)));

        assertEquals("too_deep", e.code());
    }

    @Test
    void flatValues_whenNestingWithinLimit_parses() {
        var values = Bodies.flatValues(request(JSON, nested(10)));

        assertTrue(values.containsKey("a"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "\n"})
    void flatValues_whenBodyBlank_throwsInvalidEmptyBody(String body) {
        assertEquals("empty_body", invalid(request(JSON, body)).code());
    }

    @Test
    void flatValues_whenBodyAbsent_throwsInvalidEmptyBody() {
        assertEquals("empty_body", invalid(request(JSON, null)).code());
    }

    @Test
    void jsonObject_whenObject_returnsIt() {
        JsonNode node = Bodies.jsonObject(request(JSON, "{\"name\":\"Contact\"}"));

        assertEquals("Contact", node.get("name").textValue());
    }

    @Test
    void jsonObject_whenArray_throwsInvalidBody() {
        var e = assertThrows(IntakeException.Invalid.class, () -> Bodies.jsonObject(request(JSON, "[]")));

        assertEquals("invalid_body", e.code());
    }

    @Test
    void jsonObject_whenNestedTooDeep_throwsInvalidTooDeep() {
        var e = assertThrows(IntakeException.Invalid.class, () -> Bodies.jsonObject(request(JSON, nested(40))));

        assertEquals("too_deep", e.code());
    }

    @Test
    void formValues_whenPercentEncodedUtf8_decodesIt() {
        var values = Bodies.formValues(request(FORM, "name=Zo%C3%AB+%E6%97%A5%E6%9C%AC&emoji=%F0%9F%98%80&raw=\u00e9t\u00e9"));

        assertEquals("Zo\u00eb \u65e5\u672c", values.get("name"));
        assertEquals("\ud83d\ude00", values.get("emoji"));
        assertEquals("\u00e9t\u00e9", values.get("raw"));
    }

    @Test
    void formValues_whenPercentBytesAreLatin1_isInvalidEncodingNotReplacementCharacters() {
        var e = assertThrows(IntakeException.Invalid.class, () -> Bodies.formValues(request(FORM, "name=Ren%E9e")));

        assertEquals("invalid_encoding", e.code());
    }

    @Test
    void formValues_whenPercentEscapeIsCutShort_isInvalidBody() {
        for (String body : new String[] {"a=%", "a=%4", "a=%zz"}) {
            var e = assertThrows(IntakeException.Invalid.class, () -> Bodies.formValues(request(FORM, body)), body);
            assertEquals("invalid_body", e.code());
        }
    }

    @Test
    void formValues_whenJson_isUnsupportedContentType() {
        var e = assertThrows(IntakeException.Invalid.class, () -> Bodies.formValues(request(JSON, "{\"a\":1}")));

        assertEquals("unsupported_content_type", e.code());
    }
}
