package dev.intake.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.intake.domain.IntakeException;
import dev.intake.domain.TrackCall;
import dev.intake.domain.TrackCall.Type;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class TrackingJsonTest {
    private static final Instant RECEIVED = Instant.parse("2025-03-04T05:06:07.089Z");

    private static JsonNode tree(String json) {
        try {
            return Json.mapper().readTree(json);
        } catch (JsonProcessingException e) {
            throw new AssertionError("bad test JSON: " + json, e);
        }
    }

    private static TrackCall single(Type type, String json) {
        List<TrackCall> calls = TrackingJson.single(tree(json), type, RECEIVED);
        assertEquals(1, calls.size());
        return calls.get(0);
    }

    private static IntakeException.Invalid invalidSingle(Type type, String json) {
        var e = assertThrows(IntakeException.Invalid.class, () -> TrackingJson.single(tree(json), type, RECEIVED));
        assertEquals("invalid_message", e.code(), e.getMessage());
        return e;
    }

    private static IntakeException.Invalid invalidBatch(String json) {
        return assertThrows(IntakeException.Invalid.class, () -> TrackingJson.batch(tree(json), RECEIVED));
    }

    /** A body complete for every type but the identifiers, so only the identifiers are missing. */
    private static final String NO_IDS = "{\"event\":\"Signed Up\",\"groupId\":\"acme\",\"name\":\"Home\"}";

    // ---- required fields per type -------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(value = Type.class, names = {"IDENTIFY", "TRACK", "PAGE", "SCREEN", "GROUP"})
    void single_withoutUserIdOrAnonymousId_isInvalidNamingBoth(Type type) {
        var e = invalidSingle(type, NO_IDS);

        assertEquals(type.wireName() + " needs userId or anonymousId", e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(value = Type.class, names = {"IDENTIFY", "TRACK", "PAGE", "SCREEN", "GROUP"})
    void single_withOnlyAnonymousId_isAccepted(Type type) {
        TrackCall c = single(type, "{\"anonymousId\":\"a1\",\"event\":\"Signed Up\",\"groupId\":\"acme\",\"name\":\"Home\"}");

        assertEquals(type, c.type());
        assertNull(c.userId());
        assertEquals("a1", c.anonymousId());
        assertTrue(c.missing().isEmpty(), c.missing().toString());
    }

    @ParameterizedTest
    @EnumSource(value = Type.class, names = {"IDENTIFY", "TRACK", "PAGE", "SCREEN", "GROUP"})
    void single_withOnlyUserId_isAccepted(Type type) {
        TrackCall c = single(type, "{\"userId\":\"u1\",\"event\":\"Signed Up\",\"groupId\":\"acme\",\"name\":\"Home\"}");

        assertEquals("u1", c.userId());
        assertNull(c.anonymousId());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "TRACK  | {\"userId\":\"u1\"}                    | track needs event",
            "GROUP  | {\"userId\":\"u1\"}                    | group needs groupId",
            "SCREEN | {\"userId\":\"u1\"}                    | screen needs name",
            "ALIAS  | {\"userId\":\"u1\"}                    | alias needs previousId",
            "ALIAS  | {\"previousId\":\"a1\"}                | alias needs userId",
            "ALIAS  | {\"previousId\":\"a1\",\"anonymousId\":\"a2\"} | alias needs userId",
    })
    void single_missingTheTypesRequiredField_isInvalidNamingIt(Type type, String json, String expected) {
        var e = invalidSingle(type, json);

        assertEquals(expected, e.getMessage());
    }

    @Test
    void alias_withoutPreviousIdOrUserId_namesBoth() {
        var e = invalidSingle(Type.ALIAS, "{\"anonymousId\":\"a1\"}");

        assertTrue(e.getMessage().contains("alias needs previousId"), e.getMessage());
        assertTrue(e.getMessage().contains("alias needs userId"), e.getMessage());
    }

    @Test
    void alias_withPreviousIdAndUserId_isAccepted() {
        TrackCall c = single(Type.ALIAS, "{\"previousId\":\"a1\",\"userId\":\"u1\"}");

        assertEquals("a1", c.previousId());
        assertEquals("u1", c.userId());
    }

    @Test
    void page_withoutName_isAccepted() {
        TrackCall c = single(Type.PAGE, "{\"userId\":\"u1\"}");

        assertNull(c.name());
    }

    @Test
    void track_parsesEventPropertiesContextAndIntegrations() {
        TrackCall c = single(Type.TRACK, """
                {"userId":"u1","event":"Order Completed","properties":{"total":12.50,"items":["a","b"],"coupon":null},
                 "context":{"ip":"203.0.113.9"},"integrations":{"All":true},"version":2}""");

        assertEquals(Type.TRACK, c.type());
        assertEquals("Order Completed", c.event());
        assertEquals(new BigDecimal("12.50"), c.properties().get("total"));
        assertEquals(List.of("a", "b"), c.properties().get("items"));
        assertTrue(c.properties().containsKey("coupon"));
        assertNull(c.properties().get("coupon"));
        assertEquals(Map.of("ip", "203.0.113.9"), c.context());
        assertEquals(Map.of("All", true), c.integrations());
        assertEquals(RECEIVED, c.receivedAt());
    }

    // ---- identifiers ---------------------------------------------------------------------------------

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "42       | 42",
            "42.0     | 42",
            "42.000   | 42",
            "4.2e1    | 42",
            "1.50     | 1.5",
            "0        | 0",
            "12345678901234567890 | 12345678901234567890",
    })
    void numericUserId_isCanonicalised(String number, String expected) {
        TrackCall c = single(Type.IDENTIFY, "{\"userId\":" + number + "}");

        assertEquals(expected, c.userId());
    }

    @Test
    void numericAnonymousIdGroupIdAndMessageId_areCanonicalisedToo() {
        TrackCall c = single(Type.GROUP, "{\"anonymousId\":7.0,\"groupId\":100.00,\"messageId\":9}");

        assertEquals("7", c.anonymousId());
        assertEquals("100", c.groupId());
        assertEquals("9", c.messageId());
    }

    @Test
    void stringIds_areTrimmed() {
        TrackCall c = single(Type.IDENTIFY, "{\"userId\":\"  u1 \",\"anonymousId\":\"\\ta1\\n\"}");

        assertEquals("u1", c.userId());
        assertEquals("a1", c.anonymousId());
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"\"", "\"   \"", "null"})
    void blankUserId_countsAsAbsent(String blank) {
        TrackCall c = single(Type.IDENTIFY, "{\"userId\":" + blank + ",\"anonymousId\":\"a1\"}");

        assertNull(c.userId());
        assertEquals("a1", c.anonymousId());
    }

    @Test
    void blankUserIdAndAnonymousId_areMissing() {
        var e = invalidSingle(Type.TRACK, "{\"userId\":\" \",\"anonymousId\":\"\",\"event\":\"E\"}");

        assertEquals("track needs userId or anonymousId", e.getMessage());
    }

    @Test
    void blankEventGroupIdNameAndPreviousId_areMissing() {
        assertEquals("track needs event", invalidSingle(Type.TRACK, "{\"userId\":\"u1\",\"event\":\"  \"}").getMessage());
        assertEquals("group needs groupId", invalidSingle(Type.GROUP, "{\"userId\":\"u1\",\"groupId\":\" \"}").getMessage());
        assertEquals("screen needs name", invalidSingle(Type.SCREEN, "{\"userId\":\"u1\",\"name\":\"\"}").getMessage());
        assertEquals("alias needs previousId", invalidSingle(Type.ALIAS, "{\"userId\":\"u1\",\"previousId\":\" \"}").getMessage());
    }

    @Test
    void idLongerThan1024BytesOfUtf8_isInvalid() {
        var e = invalidSingle(Type.IDENTIFY, "{\"userId\":\"" + "u".repeat(1025) + "\"}");

        assertTrue(e.getMessage().contains("userId is longer than 1024 bytes of UTF-8"), e.getMessage());
        single(Type.IDENTIFY, "{\"userId\":\"" + "u".repeat(1024) + "\"}");
        var multiByte = invalidSingle(Type.IDENTIFY, "{\"userId\":\"" + "\u20ac".repeat(342) + "\"}"); // 1,026 bytes
        assertTrue(multiByte.getMessage().contains("userId is longer than 1024 bytes"), multiByte.getMessage());
        single(Type.IDENTIFY, "{\"userId\":\"" + "\u20ac".repeat(341) + "\"}"); // 1,023 bytes
    }

    @Test
    void numbersDynamoDbCannotStore_andEmptyKeys_areInvalid() {
        for (String traits : List.of("{\"big\":1e200}", "{\"tiny\":1e-200}", "{\"long\":" + "9".repeat(50) + "}",
                "{\"address\":{\"\":\"x\"}}", "{\"\":1}", "{\"list\":[1,1e300]}")) {
            var e = invalidSingle(Type.IDENTIFY, "{\"userId\":\"u\",\"traits\":" + traits + "}");
            assertTrue(e.getMessage().contains("traits"), traits + " -> " + e.getMessage());
        }
        single(Type.IDENTIFY, "{\"userId\":\"u\",\"traits\":{\"ok\":12345678901234567890,\"f\":1.5e-10}}");
    }

    // ---- wrong types ---------------------------------------------------------------------------------

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "IDENTIFY | {\"userId\":\"u1\",\"traits\":\"vip\"}                   | traits must be an object",
            "IDENTIFY | {\"userId\":\"u1\",\"traits\":[1,2]}                     | traits must be an object",
            "TRACK    | {\"userId\":\"u1\",\"event\":\"E\",\"properties\":5}        | properties must be an object",
            "TRACK    | {\"userId\":\"u1\",\"event\":\"E\",\"context\":\"web\"}     | context must be an object",
            "TRACK    | {\"userId\":\"u1\",\"event\":\"E\",\"integrations\":true}   | integrations must be an object",
            "TRACK    | {\"userId\":\"u1\",\"event\":5}                          | event must be a string",
            "TRACK    | {\"userId\":\"u1\",\"event\":{\"name\":\"E\"}}             | event must be a string",
            "SCREEN   | {\"userId\":\"u1\",\"name\":[\"Home\"]}                   | name must be a string",
            "IDENTIFY | {\"userId\":true}                                        | userId must be a string or a number",
            "IDENTIFY | {\"userId\":{\"id\":1}}                                   | userId must be a string or a number",
            "IDENTIFY | {\"userId\":\"u1\",\"anonymousId\":[\"a\"]}                | anonymousId must be a string or a number",
            "IDENTIFY | {\"userId\":\"u1\",\"timestamp\":\"yesterday\"}            | timestamp must be an ISO 8601 date-time",
            "IDENTIFY | {\"userId\":\"u1\",\"timestamp\":1700000000}              | timestamp must be an ISO 8601 date-time",
            "IDENTIFY | {\"userId\":\"u1\",\"timestamp\":\"2025-01-15T14:32:00\"} | timestamp must be an ISO 8601 date-time",
            "IDENTIFY | {\"userId\":\"u1\",\"timestamp\":\"2025-01-15\"}          | timestamp must be an ISO 8601 date-time",
            "IDENTIFY | {\"userId\":\"u1\",\"sentAt\":\"soon\"}                   | sentAt must be an ISO 8601 date-time",
    })
    void wrongType_isInvalidNamingTheField(Type type, String json, String expected) {
        var e = invalidSingle(type, json);

        assertTrue(e.getMessage().startsWith(expected), e.getMessage());
    }

    @Test
    void nullOptionalFields_countAsAbsent() {
        TrackCall c = single(Type.TRACK, """
                {"userId":"u1","event":"E","traits":null,"properties":null,"context":null,"integrations":null,
                 "timestamp":null,"sentAt":null,"messageId":null}""");

        assertEquals(Map.of(), c.traits());
        assertEquals(Map.of(), c.properties());
        assertEquals(Map.of(), c.context());
        assertEquals(Map.of(), c.integrations());
        assertEquals(RECEIVED, c.timestamp());
        assertNull(c.sentAt());
        assertNotNull(c.messageId());
    }

    // ---- size ----------------------------------------------------------------------------------------

    @Test
    void messageOver32KB_isInvalid() {
        String json = "{\"userId\":\"u1\",\"event\":\"E\",\"properties\":{\"blob\":\"" + "x".repeat(33 * 1024) + "\"}}";

        var e = invalidSingle(Type.TRACK, json);

        assertTrue(e.getMessage().contains("a message may be at most 32768 bytes (32 KB)"), e.getMessage());
        assertTrue(e.getMessage().startsWith("the message is "), e.getMessage());
    }

    @Test
    void messageJustUnder32KB_isAccepted() {
        String head = "{\"userId\":\"u1\",\"event\":\"E\",\"properties\":{\"blob\":\"";
        String tail = "\"}}";
        String json = head + "x".repeat(TrackingJson.MAX_MESSAGE_BYTES - head.length() - tail.length()) + tail;

        assertEquals(TrackingJson.MAX_MESSAGE_BYTES, Json.write(tree(json)).length());
        single(Type.TRACK, json);
    }

    @Test
    void batchMessageOver32KB_isNamedByIndex() {
        String big = "{\"type\":\"track\",\"userId\":\"u1\",\"event\":\"E\",\"properties\":{\"blob\":\"" + "x".repeat(33 * 1024) + "\"}}";
        String ok = "{\"type\":\"track\",\"userId\":\"u1\",\"event\":\"E\"}";

        var e = invalidBatch("{\"batch\":[" + ok + "," + big + "]}");

        assertEquals("invalid_message", e.code());
        assertTrue(e.getMessage().startsWith("batch[1] is "), e.getMessage());
        assertTrue(e.getMessage().contains("a message may be at most 32768 bytes (32 KB)"), e.getMessage());
    }

    // ---- batch shape ---------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"batch\":null}", "{\"batch\":{}}", "{\"batch\":\"[]\"}", "{\"batch\":5}"})
    void batch_missingOrNotAnArray_isInvalid(String json) {
        var e = invalidBatch(json);

        assertEquals("invalid_batch", e.code());
        assertEquals(List.of("batch"), e.fields());
        assertTrue(e.getMessage().contains("'batch'"), e.getMessage());
    }

    @Test
    void batch_empty_isNoCalls() {
        assertEquals(List.of(), TrackingJson.batch(tree("{\"batch\":[]}"), RECEIVED));
    }

    @Test
    void batch_over2500Messages_isTooLarge() {
        ObjectNode body = batchOf(TrackingJson.MAX_BATCH_MESSAGES + 1);

        var e = assertThrows(IntakeException.Invalid.class, () -> TrackingJson.batch(body, RECEIVED));

        assertEquals("batch_too_large", e.code());
        assertTrue(e.getMessage().contains("2501"), e.getMessage());
        assertEquals(List.of("batch"), e.fields());
    }

    @Test
    void batch_ofExactly2500Messages_isAccepted() {
        List<TrackCall> calls = TrackingJson.batch(batchOf(TrackingJson.MAX_BATCH_MESSAGES), RECEIVED);

        assertEquals(TrackingJson.MAX_BATCH_MESSAGES, calls.size());
        assertEquals("m2499", calls.get(2499).messageId());
    }

    private static ObjectNode batchOf(int n) {
        ObjectNode body = Json.object();
        ArrayNode batch = body.putArray("batch");
        for (int i = 0; i < n; i++) {
            batch.addObject().put("type", "track").put("userId", "u1").put("event", "E").put("messageId", "m" + i);
        }
        return body;
    }

    @Test
    void batch_eachMessageSaysItsType() {
        List<TrackCall> calls = TrackingJson.batch(tree("""
                {"batch":[
                  {"type":"identify","userId":"u1","traits":{"plan":"pro"}},
                  {"type":"track","userId":"u1","event":"E"},
                  {"type":"page","anonymousId":"a1"},
                  {"type":"screen","userId":"u1","name":"Home"},
                  {"type":"group","userId":"u1","groupId":"acme"},
                  {"type":"alias","previousId":"a1","userId":"u1"}
                ]}"""), RECEIVED);

        assertEquals(List.of(Type.IDENTIFY, Type.TRACK, Type.PAGE, Type.SCREEN, Type.GROUP, Type.ALIAS),
                calls.stream().map(TrackCall::type).toList());
        assertEquals(Map.of("plan", "pro"), calls.get(0).traits());
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"type\":\"purchase\",", "\"type\":\"Track\",", "\"type\":5,", "\"type\":null,", ""})
    void batch_unknownOrMissingType_isInvalid(String type) {
        var e = invalidBatch("{\"batch\":[{\"type\":\"track\",\"userId\":\"u1\",\"event\":\"E\"},{" + type + "\"userId\":\"u1\"}]}");

        assertEquals("invalid_message", e.code());
        assertEquals("batch[1].type must be one of identify, track, page, screen, group, alias", e.getMessage());
    }

    @Test
    void batch_elementNotAnObject_isInvalid() {
        var e = invalidBatch("{\"batch\":[\"track\"]}");

        assertEquals("invalid_message", e.code());
        assertEquals("batch[0] is not an object", e.getMessage());
    }

    @Test
    void batch_problemsArePrefixedWithTheMessageIndex() {
        var e = invalidBatch("""
                {"batch":[
                  {"type":"track","userId":"u1","event":"E"},
                  {"type":"track","userId":"u1"},
                  {"type":"identify","traits":"x"}
                ]}""");

        assertEquals("invalid_message", e.code());
        assertEquals("batch[1].track needs event; batch[2].traits must be an object; batch[2].identify needs userId or anonymousId",
                e.getMessage());
    }

    @Test
    void batch_withOneBadMessageAtTheEnd_throwsInsteadOfReturningTheGoodOnes() {
        var e = invalidBatch("""
                {"batch":[
                  {"type":"track","userId":"u1","event":"A"},
                  {"type":"track","userId":"u1","event":"B"},
                  {"type":"group","userId":"u1"}
                ]}""");

        assertEquals("batch[2].group needs groupId", e.getMessage());
    }

    @Test
    void batch_problemsAreListedUpToTen() {
        StringBuilder json = new StringBuilder("{\"batch\":[");
        for (int i = 0; i < 12; i++) json.append(i == 0 ? "" : ",").append("{\"type\":\"track\",\"userId\":\"u1\"}");
        json.append("]}");

        var e = invalidBatch(json.toString());

        String[] problems = e.getMessage().split("; ");
        assertEquals(10, problems.length, e.getMessage());
        for (int i = 0; i < 10; i++) assertEquals("batch[" + i + "].track needs event", problems[i]);
        assertFalse(e.getMessage().contains("batch[10]"), e.getMessage());
    }

    @Test
    void single_problemsAreAllNamedTogether() {
        var e = invalidSingle(Type.TRACK, "{\"traits\":\"x\",\"event\":5,\"timestamp\":\"bad\"}");

        String m = e.getMessage();
        assertTrue(m.contains("traits must be an object"), m);
        assertTrue(m.contains("event must be a string"), m);
        assertTrue(m.contains("timestamp must be an ISO 8601 date-time"), m);
        assertTrue(m.contains("track needs userId or anonymousId"), m);
        assertTrue(m.contains("track needs event"), m);
    }

    @Test
    void single_moreThanTenProblems_namesTen() {
        var e = invalidSingle(Type.TRACK, """
                {"userId":true,"anonymousId":false,"event":1,"name":2,"groupId":[],"previousId":{},"objectTypeId":true,
                 "traits":1,"properties":2,"context":3,"integrations":4,"timestamp":5,"sentAt":6,"messageId":[]}""");

        assertEquals(10, e.getMessage().split("; ").length, e.getMessage());
    }

    @Test
    void batch_badBatchLevelFields_areInvalid() {
        var e = invalidBatch("{\"context\":\"web\",\"integrations\":[],\"sentAt\":\"now\",\"batch\":[{\"type\":\"page\",\"userId\":\"u1\"}]}");

        assertEquals("invalid_message", e.code());
        assertTrue(e.getMessage().contains("context must be an object"), e.getMessage());
        assertTrue(e.getMessage().contains("integrations must be an object"), e.getMessage());
        assertTrue(e.getMessage().contains("sentAt must be an ISO 8601 date-time"), e.getMessage());
    }

    // ---- batch merging -------------------------------------------------------------------------------

    @Test
    void batch_contextAndIntegrationsAreMergedIntoEachMessage_messageKeysWin() {
        List<TrackCall> calls = TrackingJson.batch(tree("""
                {"context":{"library":{"name":"analytics-java"},"ip":"198.51.100.1"},
                 "integrations":{"All":true,"Mixpanel":false},
                 "batch":[
                   {"type":"track","userId":"u1","event":"E","context":{"ip":"203.0.113.9","page":{"path":"/"}},
                    "integrations":{"Mixpanel":true}},
                   {"type":"page","userId":"u1"}
                 ]}"""), RECEIVED);

        assertEquals(Map.of("library", Map.of("name", "analytics-java"), "ip", "203.0.113.9", "page", Map.of("path", "/")),
                calls.get(0).context());
        assertEquals(Map.of("All", true, "Mixpanel", true), calls.get(0).integrations());
        assertEquals(Map.of("library", Map.of("name", "analytics-java"), "ip", "198.51.100.1"), calls.get(1).context());
        assertEquals(Map.of("All", true, "Mixpanel", false), calls.get(1).integrations());
    }

    @Test
    void batch_sentAtIsUsedWhenTheMessageHasNone() {
        List<TrackCall> calls = TrackingJson.batch(tree("""
                {"sentAt":"2025-01-01T00:00:10Z",
                 "batch":[
                   {"type":"track","userId":"u1","event":"E","timestamp":"2025-01-01T00:00:04Z"},
                   {"type":"track","userId":"u1","event":"E","timestamp":"2025-01-01T00:00:04Z","sentAt":"2025-01-01T00:00:05Z"}
                 ]}"""), RECEIVED);

        assertEquals(Instant.parse("2025-01-01T00:00:10Z"), calls.get(0).sentAt());
        assertEquals(RECEIVED.minusSeconds(6), calls.get(0).timestamp());
        assertEquals(Instant.parse("2025-01-01T00:00:05Z"), calls.get(1).sentAt());
        assertEquals(RECEIVED.minusSeconds(1), calls.get(1).timestamp());
    }

    // ---- timestamps ----------------------------------------------------------------------------------

    @Test
    void timestamp_isCorrectedForTheSendersClockSkew() {
        // The sender's clock is a year behind; the event happened 2.5 s before it was sent.
        TrackCall c = single(Type.TRACK, """
                {"userId":"u1","event":"E","timestamp":"2024-03-04T05:00:00.000Z","sentAt":"2024-03-04T05:00:02.500Z"}""");

        assertEquals(RECEIVED.minus(Duration.ofMillis(2500)), c.timestamp());
        assertEquals(Instant.parse("2024-03-04T05:00:02.500Z"), c.sentAt());
        assertEquals(RECEIVED, c.receivedAt());
    }

    @Test
    void timestamp_withAnOffset_isParsedToTheInstant() {
        TrackCall c = single(Type.TRACK, "{\"userId\":\"u1\",\"event\":\"E\",\"timestamp\":\"2025-01-15T16:32:00+02:00\"}");

        assertEquals(Instant.parse("2025-01-15T14:32:00Z"), c.timestamp());
    }

    @Test
    void timestamp_withoutSentAt_isKeptAsSent() {
        TrackCall c = single(Type.TRACK, "{\"userId\":\"u1\",\"event\":\"E\",\"timestamp\":\"2025-01-15T14:32:00.000Z\"}");

        assertEquals(Instant.parse("2025-01-15T14:32:00Z"), c.timestamp());
        assertNull(c.sentAt());
    }

    @Test
    void noTimestamp_isReceivedAt_evenWithSentAt() {
        TrackCall c = single(Type.TRACK, "{\"userId\":\"u1\",\"event\":\"E\",\"sentAt\":\"2020-01-01T00:00:00Z\"}");

        assertEquals(RECEIVED, c.timestamp());
        assertEquals(RECEIVED, c.receivedAt());
    }

    // ---- messageId and writeKey ----------------------------------------------------------------------

    @Test
    void messageId_isKeptWhenPresent() {
        assertEquals("m-123", single(Type.PAGE, "{\"userId\":\"u1\",\"messageId\":\"m-123\"}").messageId());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ",\"messageId\":null", ",\"messageId\":\"  \""})
    void messageId_isGeneratedWhenAbsent(String messageId) {
        String json = "{\"userId\":\"u1\"" + messageId + "}";

        String first = single(Type.PAGE, json).messageId();
        String second = single(Type.PAGE, json).messageId();

        assertNotNull(first);
        assertFalse(first.isBlank());
        assertNotEquals(first, second);
    }

    @Test
    void batch_messagesWithoutMessageId_getDistinctIds() {
        List<TrackCall> calls = TrackingJson.batch(tree("""
                {"batch":[{"type":"page","userId":"u1"},{"type":"page","userId":"u1"},{"type":"page","userId":"u1","messageId":"m1"}]}"""),
                RECEIVED);

        assertNotEquals(calls.get(0).messageId(), calls.get(1).messageId());
        assertEquals("m1", calls.get(2).messageId());
    }

    @Test
    void writeKey_isReadFromTheBody() {
        assertEquals("wk_abc", TrackingJson.writeKey(tree("{\"writeKey\":\"wk_abc\",\"batch\":[]}")));
        assertNull(TrackingJson.writeKey(tree("{\"batch\":[]}")));
        assertNull(TrackingJson.writeKey(tree("{\"writeKey\":42}")));
        assertNull(TrackingJson.writeKey(tree("{\"writeKey\":null}")));
    }

    // ---- group object type ---------------------------------------------------------------------------

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"objectTypeId\":\"2\"}                                             | 2",
            "{\"objectTypeId\":3}                                                 | 3",
            "{\"objectTypeId\":3.0}                                               | 3",
            "{\"traits\":{\"object_type_id\":\"4\"}}                              | 4",
            "{\"traits\":{\"object_type_id\":5.0}}                                | 5",
            "{\"objectTypeId\":\"6\",\"traits\":{\"object_type_id\":\"7\"}}       | 6",
            "{\"objectTypeId\":\" \",\"traits\":{\"object_type_id\":\"7\"}}       | 7",
            "{\"traits\":{\"object_type_id\":\"\"}}                               | 1",
            "{\"traits\":{\"object_type_id\":null}}                               | 1",
            "{}                                                                   | 1",
    })
    void group_objectType_fromTheCallElseTraitsElseDefault(String extra, String expected) {
        ObjectNode body = (ObjectNode) tree(extra);
        body.put("userId", "u1").put("groupId", "acme");

        TrackCall c = TrackingJson.single(body, Type.GROUP, RECEIVED).get(0);

        assertEquals(expected, c.groupObjectType());
    }
}
