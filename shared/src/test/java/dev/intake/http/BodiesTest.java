package dev.intake.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.intake.domain.IntakeException;
import dev.intake.json.Json;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Iterator;
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

    // The single pass: duplicate keys, characters and depth are checked as the body is read, with the errors a
    // check of the whole tree after parsing gave.

    private static IntakeException.Invalid invalidJson(String body) {
        return invalid(request(JSON, body));
    }

    @Test
    void flatValues_whenKeyRepeatsInANestedObject_throwsDuplicateKeyWithItsPlace() {
        var e = invalidJson("{\"a\":{\"b\":1,\"b\":2}}");

        assertEquals("duplicate_key", e.code());
        assertEquals("The JSON has the key 'b' twice (line 1, column 16); send each key once", e.getMessage());
    }

    @Test
    void flatValues_whenKeyRepeatsInOneObjectOfAnArray_throwsDuplicateKey() {
        var e = invalidJson("{\"a\":[{\"x\":1},{\"x\":2,\"x\":3}]}");

        assertEquals("duplicate_key", e.code());
        assertEquals("The JSON has the key 'x' twice (line 1, column 25); send each key once", e.getMessage());
    }

    @Test
    void flatValues_whenSameKeyInSiblingObjects_acceptsThem() {
        var values = Bodies.flatValues(request(JSON, "{\"a\":[{\"x\":1},{\"x\":2}],\"x\":{\"a\":3}}"));

        assertEquals(List.of("a", "x"), List.copyOf(values.keySet()));
        assertEquals(2, ((List<?>) values.get("a")).size());
    }

    @Test
    void flatValues_whenTopLevelKeyRepeatsOnAnotherLine_namesLineAndColumn() {
        var e = invalidJson("{\n\"a\":1,\n\"a\":2}");

        assertEquals("The JSON has the key 'a' twice (line 3, column 4); send each key once", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"\\ud83d\\ude00", "\\uD800\\uDC00", "\\uDBFF\\uDFFF", "\ud83d\ude00", "caf\\u00e9", "\\t\\n\\r", "\\\\u0000"})
    void flatValues_whenStringHoldsPairedSurrogatesOrAllowedEscapes_acceptsIt(String escaped) {
        var values = Bodies.flatValues(request(JSON, "{\"k\":\"" + escaped + "\",\"" + escaped + "\":[\"" + escaped + "\"]}"));

        String text = (String) values.get("k");
        assertEquals(text, ((List<?>) values.get(text)).get(0));
    }

    @Test
    void flatValues_whenEscapedSurrogatePair_decodesOneCharacter() {
        assertEquals("\ud83d\ude00", Bodies.flatValues(request(JSON, "{\"k\":\"\\ud83d\\ude00\"}")).get("k"));
    }

    @Test
    void flatValues_whenEscapedBackslashBeforeU_keepsTheTextAsSent() {
        assertEquals("\\u0000", Bodies.flatValues(request(JSON, "{\"k\":\"\\\\u0000\"}")).get("k"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\\ud83d", "x\\ud83d", "\\ud83dx", "\\ud83d\\ud83d", "\\ude00", "\\ude00\\ud83d", "a\\udfff"})
    void flatValues_whenStringHoldsALoneSurrogate_throwsInvalidCharacters(String escaped) {
        var e = invalidJson("{\"k\":\"" + escaped + "\"}");

        assertEquals("invalid_characters", e.code());
        assertTrue(e.getMessage().startsWith("The value of 'k' contains an unpaired surrogate U+D"), e.getMessage());
    }

    @Test
    void flatValues_whenLoneHighSurrogate_namesIt() {
        assertEquals("The value of 'k' contains an unpaired surrogate U+D83D, which is not a Unicode character",
                invalidJson("{\"k\":\"\\ud83dx\"}").getMessage());
    }

    @Test
    void flatValues_whenLoneLowSurrogate_namesIt() {
        assertEquals("The value of 'k' contains an unpaired surrogate U+DE00, which is not a Unicode character",
                invalidJson("{\"k\":\"\\ude00\\ud83d\"}").getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"\\u0000", "\\u0001", "\\u001f", "\\b", "\\f", "\\\\\\u0007"})
    void flatValues_whenKeyHoldsAControlCharacter_throwsInvalidCharacters(String escaped) {
        var e = invalidJson("{\"k" + escaped + "\":\"x\"}");

        assertEquals("invalid_characters", e.code());
        assertTrue(e.getMessage().startsWith("A key contains the control character U+00"), e.getMessage());
    }

    @Test
    void flatValues_whenNestedKeyHoldsAControlCharacter_throwsInvalidCharacters() {
        assertEquals("A key contains the control character U+001B; only tab, line feed and carriage return are allowed",
                invalidJson("{\"o\":[{\"\\u001b[31m\":1}]}").getMessage());
    }

    @Test
    void flatValues_whenKeyHoldsALoneSurrogate_throwsInvalidCharacters() {
        assertEquals("A key contains an unpaired surrogate U+D800, which is not a Unicode character",
                invalidJson("{\"o\":{\"k\\ud800\":1}}").getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"\\b", "\\f", "\\u0000", "\\u000b"})
    void flatValues_whenValueHoldsAControlCharacter_namesTheField(String escaped) {
        var e = invalidJson("{\"email\":\"a" + escaped + "@example.com\"}");

        assertEquals("invalid_characters", e.code());
        assertTrue(e.getMessage().startsWith("The value of 'email' contains the control character U+00"), e.getMessage());
    }

    @Test
    void flatValues_whenBadStringIsNested_namesTheTopLevelKey() {
        assertEquals("The value of 'outer' contains the control character U+0000; only tab, line feed and carriage return are allowed",
                invalidJson("{\"outer\":{\"inner\":[\"ok\",{\"deep\":\"\\u0000\"}]}}").getMessage());
    }

    @Test
    void flatValues_whenSeveralStringsAreBad_reportsTheFirst() {
        assertEquals("A key contains the control character U+0001; only tab, line feed and carriage return are allowed",
                invalidJson("{\"a\":\"ok\",\"\\u0001\":\"\\u0002\",\"b\":\"\\u0003\"}").getMessage());
        assertTrue(invalidJson("{\"a\":\"\\u0002\",\"b\":\"\\u0003\"}").getMessage().contains("U+0002"));
    }

    @Test
    void flatValues_whenBadStringThenMalformedJson_throwsInvalidJson() {
        var e = invalidJson("{\"a\":\"\\u0000\",\"b\":}");

        assertEquals("invalid_json", e.code());
        assertEquals("Malformed JSON at line 1, column 19", e.getMessage());
    }

    @Test
    void flatValues_whenBadStringThenDuplicateKey_throwsDuplicateKey() {
        assertEquals("duplicate_key", invalidJson("{\"a\":\"\\u0000\",\"b\":1,\"b\":2}").code());
    }

    @Test
    void flatValues_whenBadStringThenTooDeep_throwsTooDeep() {
        assertEquals("too_deep", invalidJson("{\"a\":\"\\u0000\",\"b\":" + nested(40) + "}").code());
    }

    @Test
    void flatValues_whenBadStringThenTrailingJson_throwsInvalidJson() {
        assertEquals("Malformed JSON at line 1, column 16", invalidJson("{\"a\":\"\\u0000\"} {}").getMessage());
        assertEquals("Malformed JSON at line 1, column 17", invalidJson("{\"a\":\"\\u0000\"} x").getMessage());
    }

    @Test
    void flatValues_whenNotAnObjectAndHoldsABadString_throwsInvalidCharacters() {
        assertEquals("The value of 'k' contains the control character U+0000; only tab, line feed and carriage return are allowed",
                invalidJson("[{\"k\":\"\\u0000\"}]").getMessage());
    }

    @Test
    void flatValues_whenRawControlCharacterInAString_throwsInvalidJson() {
        assertEquals("invalid_json", invalidJson("{\"a\":\"x\u0001y\"}").code());
        assertEquals("invalid_json", invalidJson("{\"a\u0000\":\"x\"}").code());
    }

    @Test
    void flatValues_whenNestedExactly32Deep_parses() {
        assertTrue(Bodies.flatValues(request(JSON, nested(32))).containsKey("a"));
    }

    @Test
    void flatValues_whenNested33Deep_throwsTooDeep() {
        var e = invalidJson(nested(33));

        assertEquals("too_deep", e.code());
        assertEquals("The JSON is nested more than 32 levels deep", e.getMessage());
    }

    @Test
    void flatValues_whenDeepObjectsInsteadOfArrays_throwsTooDeep() {
        assertEquals("too_deep", invalidJson("{\"a\":".repeat(33) + "1" + "}".repeat(33)).code());
        assertTrue(Bodies.flatValues(request(JSON, "{\"a\":".repeat(32) + "1" + "}".repeat(32))).containsKey("a"));
    }

    @Test
    void flatValues_whenNumbers_keepsThemAsWritten() {
        var values = Bodies.flatValues(request(JSON,
                "{\"i\":-0,\"l\":9223372036854775807,\"b\":123456789012345678901234567890,\"d\":1.50,\"e\":1E+2,\"t\":1e400}"));

        assertEquals(new BigDecimal("0"), values.get("i"));
        assertEquals(new BigDecimal("9223372036854775807"), values.get("l"));
        assertEquals(new BigDecimal("123456789012345678901234567890"), values.get("b"));
        assertEquals(new BigDecimal("1.50"), values.get("d"));
        assertEquals(new BigDecimal("1E+2"), values.get("e"));
        assertEquals(new BigDecimal("1E+400"), values.get("t"));
    }

    @Test
    void flatValues_whenValueIsAListOfMixedValues_keepsStringsAndNodes() {
        var list = (List<?>) Bodies.flatValues(request(JSON, "{\"a\":[\"x\",1,null,{\"b\":true}]}")).get("a");

        assertEquals("x", list.get(0));
        assertTrue(list.get(1) instanceof JsonNode n && n.isInt(), String.valueOf(list.get(1)));
        assertTrue(list.get(2) instanceof JsonNode n && n.isNull(), String.valueOf(list.get(2)));
        assertTrue(list.get(3) instanceof JsonNode n && n.get("b").booleanValue(), String.valueOf(list.get(3)));
    }

    @Test
    void flatValues_whenBase64BodyHoldsAReplacementCharacter_keepsIt() {
        byte[] body = "{\"a\":\"\ufffd\"}".getBytes(StandardCharsets.UTF_8);

        assertEquals(Map.of("a", "\ufffd"), Bodies.flatValues(base64Request(JSON, body)));
    }

    @Test
    void flatValues_whenBodyHoldsAnEncodedSurrogate_throwsInvalidEncoding() {
        byte[] cesu = {'{', '"', 'a', '"', ':', '"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"', '}'};

        assertEquals("invalid_encoding", invalid(base64Request(JSON, cesu)).code());
    }

    @Test
    void flatValues_whenBodyEndsInACutSequence_throwsInvalidEncoding() {
        byte[] cut = {'{', '"', 'a', '"', ':', '1', '}', (byte) 0xF0, (byte) 0x9F, (byte) 0x98};

        assertEquals("invalid_encoding", invalid(base64Request(JSON, cut)).code());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"s\":\"x\",\"i\":1,\"n\":-7,\"l\":4294967296,\"b\":18446744073709551616,\"d\":1.50,\"z\":0.0,\"e\":1e-400,\"t\":true,\"f\":false,\"u\":null}",
        "{\"a\":[[],{},[1,[2,[3]]],{\"b\":{\"c\":[null,\"\\u00e9\",2.5E3]}}],\"o\":{}}",
        "[1,\"a\",{\"k\":[true]}]", "\"text\"", "42", "-0.0", "null", "{\"big\":1e2147483647}"})
    void jsonObjectAndTrackingJson_buildTheTreeTheSharedMapperReads(String body) throws Exception {
        JsonNode expected = Json.mapper().readTree(body);

        if (expected.isObject()) {
            assertSameTree(expected, Bodies.jsonObject(request(JSON, body)));
            assertSameTree(expected, Bodies.trackingJson(request(JSON, body), 32 * 1024, "too_large"));
        } else {
            assertEquals("invalid_body", assertThrows(IntakeException.Invalid.class, () -> Bodies.jsonObject(request(JSON, body))).code());
        }
    }

    /** Equal, and of the same node classes (an int is an IntNode, 1.50 a DecimalNode of scale 2) all the way down. */
    private static void assertSameTree(JsonNode expected, JsonNode actual) {
        assertEquals(expected, actual);
        assertEquals(expected.getClass(), actual.getClass(), actual.toString());
        if (expected.isNumber()) assertEquals(expected.decimalValue().scale(), actual.decimalValue().scale(), actual.toString());
        Iterator<String> names = expected.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            assertSameTree(expected.get(name), actual.get(name));
        }
        assertEquals(List.copyOf(iterable(expected.fieldNames())), List.copyOf(iterable(actual.fieldNames())));
        for (int i = 0; i < expected.size() && expected.isArray(); i++) assertSameTree(expected.get(i), actual.get(i));
    }

    private static <T> List<T> iterable(Iterator<T> it) {
        List<T> out = new java.util.ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }

    @Test
    void trackingJson_whenStringsAreBad_throwsInvalidCharactersLikeTheOtherRoutes() {
        var e = assertThrows(IntakeException.Invalid.class, () -> Bodies.trackingJson(
                request(JSON, "{\"userId\":\"u1\",\"traits\":{\"name\":\"\\ud800\"}}"), 32 * 1024, "too_large"));

        assertEquals("The value of 'traits' contains an unpaired surrogate U+D800, which is not a Unicode character", e.getMessage());
    }

    @Test
    void jsonObject_whenKeyRepeats_throwsDuplicateKey() {
        var e = assertThrows(IntakeException.Invalid.class, () -> Bodies.jsonObject(request(JSON, "{\"name\":\"a\",\"name\":\"b\"}")));

        assertEquals("duplicate_key", e.code());
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"a\":\"plain text, caf\u00e9 \ud83d\ude00\"}", "{\"a\":\"line\\nbreak\\ttab\\rreturn\"}",
        "{\"a\":\"quote \\\" backslash \\\\ slash \\/\"}", "{\"a\":\"\\\\u0000 is written out\"}", "{\"a\":\"\\\\\\\\b\"}"})
    void mayHoldBadText_whenOnlyHarmlessEscapes_isFalse(String json) {
        assertFalse(Bodies.mayHoldBadText(json));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"a\":\"\\u0041\"}", "{\"a\":\"\\b\"}", "{\"a\":\"\\f\"}", "{\"a\":\"\\\\\\u0000\"}", "{\"\\ud800\":1}",
        "{\"a\":\"\\x\"}", "{\"a\":\"x\\"})
    void mayHoldBadText_whenAnyOtherEscape_isTrue(String json) {
        assertTrue(Bodies.mayHoldBadText(json));
    }
}
