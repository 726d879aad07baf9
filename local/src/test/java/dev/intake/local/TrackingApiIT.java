package dev.intake.local;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.intake.application.CreateWorkspace;
import dev.intake.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The Segment-style tracking calls of seed 002 ({@code POST /v1/identify|track|page|screen|group|alias|batch|import})
 * over real HTTP: success shape, write-key auth, validation, limits, gzip, batches, clock skew, dedupe by
 * messageId, their effects on people (read back through the people API, or the People table where HTTP does
 * not show them), and erasure of a tracked person.
 */
class TrackingApiIT {

    // ------------------------------------------------------------------ helpers

    static String basic(String key) {
        return "Basic " + Base64.getEncoder().encodeToString((key + ":").getBytes(StandardCharsets.UTF_8));
    }

    /** A tracking call with HTTP Basic {@code write_key:} and {@code Content-Type: application/json}. */
    static HttpResponse<String> post(CreateWorkspace.Secrets ws, String route, String body) {
        return Http.send("POST", route, body, "Authorization", basic(ws.writeKey()), "Content-Type", "application/json");
    }

    static HttpResponse<String> postGzip(String route, byte[] gz, String... headers) {
        List<String> h = new ArrayList<>(List.of("Content-Type", "application/json", "Content-Encoding", "gzip"));
        h.addAll(List.of(headers));
        return Http.sendBytes("POST", route, gz, h.toArray(String[]::new));
    }

    /** An ordered map from name/value pairs. */
    static Map<String, Object> m(Object... kv) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) out.put((String) kv[i], kv[i + 1]);
        return out;
    }

    /** A JSON object from name/value pairs. */
    static String j(Object... kv) {
        return write(m(kv));
    }

    static String write(Object o) {
        try {
            return Json.mapper().writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] gzip(byte[] data) {
        var out = new ByteArrayOutputStream();
        try (var gz = new GZIPOutputStream(out)) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static void assertJsonContentType(HttpResponse<String> res) {
        String ct = res.headers().firstValue("Content-Type").orElse("");
        assertTrue(ct.startsWith("application/json"), () -> "Content-Type " + ct + " for " + res.body());
        assertFalse(res.body().isBlank(), "a tracking response always has a body");
    }

    static void assertSuccess(HttpResponse<String> res) {
        assertEquals(200, res.statusCode(), res.body());
        assertJsonContentType(res);
        assertEquals(Json.object().put("success", true), Http.json(res), res.body());
    }

    /** Asserts the error status and code, and returns the error message. */
    static String assertError(HttpResponse<String> res, int status, String code) {
        assertEquals(status, res.statusCode(), res.body());
        assertJsonContentType(res);
        JsonNode error = Http.json(res).path("error");
        assertEquals(code, error.path("code").asText(), res.body());
        String message = error.path("message").asText();
        assertFalse(message.isBlank(), res.body());
        return message;
    }

    static void assertMentions(String message, String... parts) {
        for (String p : parts) assertTrue(message.contains(p), () -> "'" + message + "' does not mention '" + p + "'");
    }

    static String enc(String s) { return URLEncoder.encode(s, StandardCharsets.UTF_8); }

    static HttpResponse<String> lookup(CreateWorkspace.Secrets ws, String kind, String value) {
        return Http.send("GET", "/api/workspaces/" + ws.workspaceId() + "/people?" + kind + "=" + enc(value), null,
                "x-api-key", ws.apiKey());
    }

    /** The person with this {@code id}, through the people API. */
    static JsonNode person(CreateWorkspace.Secrets ws, String id) {
        var res = lookup(ws, "id", id);
        assertEquals(200, res.statusCode(), () -> "?id=" + id + " -> " + res.body());
        return Http.json(res);
    }

    static void assertNoPerson(CreateWorkspace.Secrets ws, String id) {
        var res = lookup(ws, "id", id);
        assertEquals(404, res.statusCode(), () -> "?id=" + id + " -> " + res.body());
    }

    /** One text field of each element of an array, in order (null where absent or null). */
    static List<String> col(JsonNode array, String field) {
        List<String> out = new ArrayList<>();
        array.forEach(e -> out.add(e.path(field).isNull() || e.path(field).isMissingNode() ? null : e.path(field).asText()));
        return out;
    }

    /** The names of a person's track events ({@code event}), newest first. */
    static List<String> trackEvents(JsonNode person) {
        List<String> out = new ArrayList<>();
        person.path("events").forEach(e -> { if (e.path("type").asText().equals("track")) out.add(e.path("event").asText()); });
        return out;
    }

    static Set<String> relationships(JsonNode person) {
        Set<String> out = new HashSet<>();
        person.path("relationships").forEach(r -> out.add(r.path("objectTypeId").asText() + "/" + r.path("objectId").asText()));
        return out;
    }

    static String peopleTable() {
        return TestStack.get().services().config.tables().people();
    }

    /** Every item of a person's partition in the People table. */
    static List<Map<String, AttributeValue>> partition(CreateWorkspace.Secrets ws, String personId) {
        return TestStack.get().dynamo().query(r -> r.tableName(peopleTable()).consistentRead(true)
                .keyConditionExpression("pk = :pk")
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("PERSON#" + ws.workspaceId() + "#" + personId))))
                .items();
    }

    /** A person's activity items (track, page, screen), by messageId. */
    static Map<String, Map<String, AttributeValue>> activities(CreateWorkspace.Secrets ws, String personId) {
        Map<String, Map<String, AttributeValue>> out = new LinkedHashMap<>();
        for (var item : partition(ws, personId)) {
            if (item.get("sk").s().startsWith("ACT#")) out.put(item.get("messageId").s(), item);
        }
        return out;
    }

    static Map<String, AttributeValue> item(String pk, String sk) {
        return TestStack.get().dynamo().getItem(r -> r.tableName(peopleTable()).consistentRead(true)
                .key(Map.of("pk", AttributeValue.fromS(pk), "sk", AttributeValue.fromS(sk)))).item();
    }

    static String padding(int chars) {
        char[] c = new char[chars];
        Arrays.fill(c, 'x');
        return new String(c);
    }

    // ------------------------------------------------------------------ success shape and content types

    @Test
    void everyCallTypeAndBatchRoute_answers200SuccessAsJson_andTakesEffect() {
        var ws = Fixtures.workspace();
        Map<String, String> calls = new LinkedHashMap<>();
        calls.put("/v1/identify", j("userId", "u1", "traits", m("plan", "pro")));
        calls.put("/v1/track", j("userId", "u1", "event", "Signed Up"));
        calls.put("/v1/page", j("userId", "u1", "name", "Home"));
        calls.put("/v1/screen", j("userId", "u1", "name", "Settings"));
        calls.put("/v1/group", j("userId", "u1", "groupId", "acme"));
        calls.put("/v1/alias", j("previousId", "old-1", "userId", "u1"));
        calls.put("/v1/batch", j("batch", List.of(m("type", "track", "userId", "u1", "event", "Batched"))));
        calls.put("/v1/import", j("batch", List.of(m("type", "track", "userId", "u1", "event", "Imported"))));
        calls.put("/v1/import/", j("batch", List.of(m("type", "track", "userId", "u1", "event", "Imported with slash"))));
        calls.forEach((route, body) -> {
            var res = post(ws, route, body);
            assertSuccess(res);
        });
        JsonNode p = person(ws, "u1");
        assertEquals("u1", p.path("identifiers").path("id").asText());
        assertEquals("pro", p.path("attributes").path("plan").asText());
        assertEquals(Set.of("Signed Up", "Batched", "Imported", "Imported with slash"), new HashSet<>(trackEvents(p)));
        Set<String> viewed = new HashSet<>();
        p.path("events").forEach(e -> viewed.add(e.path("type").asText() + ":" + e.path("name").asText()));
        assertTrue(viewed.containsAll(Set.of("page:Home", "screen:Settings")), viewed.toString());
        assertEquals(Set.of("1/acme"), relationships(p));
        assertEquals(p.path("id").asText(), person(ws, "old-1").path("id").asText(), "the alias reaches u1");
    }

    @Test
    void anyContentTypeCarryingJson_isAccepted() {
        var ws = Fixtures.workspace();
        List<String> contentTypes = new ArrayList<>(Arrays.asList("text/plain", null, "application/x-www-form-urlencoded",
                "application/octet-stream", "application/json; charset=utf-8"));
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < contentTypes.size(); i++) {
            String ct = contentTypes.get(i);
            String body = j("userId", "ct", "event", "ct-" + i);
            var res = ct == null
                    ? Http.send("POST", "/v1/track", body, "Authorization", basic(ws.writeKey()))
                    : Http.send("POST", "/v1/track", body, "Authorization", basic(ws.writeKey()), "Content-Type", ct);
            assertSuccess(res);
            expected.add("ct-" + i);
        }
        assertEquals(new HashSet<>(expected), new HashSet<>(trackEvents(person(ws, "ct"))));
    }

    // ------------------------------------------------------------------ auth

    @Test
    void writeKey_asBasicUser_orInTheBody_ofSingleCallsAndBatches() {
        var ws = Fixtures.workspace();
        assertSuccess(Http.send("POST", "/v1/identify", j("userId", "basic", "traits", m("via", "basic")),
                "Authorization", basic(ws.writeKey()), "Content-Type", "application/json"));
        // Basic with a lower-case scheme still counts.
        assertSuccess(Http.send("POST", "/v1/track", j("userId", "basic", "event", "lower"),
                "Authorization", "basic " + Base64.getEncoder().encodeToString((ws.writeKey() + ":").getBytes(StandardCharsets.UTF_8))));
        assertSuccess(Http.send("POST", "/v1/identify", j("writeKey", ws.writeKey(), "userId", "body", "traits", m("via", "body")),
                "Content-Type", "application/json"));
        assertSuccess(Http.send("POST", "/v1/batch", j("writeKey", ws.writeKey(), "batch",
                List.of(m("type", "track", "userId", "body", "event", "in a batch"))), "Content-Type", "application/json"));
        assertSuccess(Http.send("POST", "/v1/batch", j("batch", List.of(m("type", "track", "userId", "basic", "event", "basic batch"))),
                "Authorization", basic(ws.writeKey())));

        JsonNode viaBasic = person(ws, "basic");
        assertEquals("basic", viaBasic.path("attributes").path("via").asText());
        assertEquals(Set.of("lower", "basic batch"), new HashSet<>(trackEvents(viaBasic)));
        JsonNode viaBody = person(ws, "body");
        assertEquals("body", viaBody.path("attributes").path("via").asText());
        assertEquals(List.of("in a batch"), trackEvents(viaBody));
        assertFalse(viaBody.path("attributes").has("writeKey"), "the write key is not an attribute");
    }

    @Test
    void missingWrongOrForeignKeys_are401_andStoreNothing() {
        var ws = Fixtures.workspace();
        var other = Fixtures.workspace();
        record Attempt(String what, String route, String body, String[] headers) {}
        List<Attempt> attempts = List.of(
                new Attempt("no key", "/v1/identify", j("userId", "a1", "traits", m("x", 1)), new String[] {"Content-Type", "application/json"}),
                new Attempt("no key, batch", "/v1/batch", j("batch", List.of(m("type", "identify", "userId", "a2"))), new String[0]),
                new Attempt("wrong Basic key", "/v1/identify", j("userId", "a3"), new String[] {"Authorization", basic("wk_not_a_key")}),
                new Attempt("wrong body key", "/v1/track", j("writeKey", "wk_not_a_key", "userId", "a4", "event", "e"), new String[0]),
                new Attempt("wrong body key, batch", "/v1/import", j("writeKey", "nope", "batch",
                        List.of(m("type", "track", "userId", "a5", "event", "e"))), new String[0]),
                new Attempt("blank body key", "/v1/identify", j("writeKey", "  ", "userId", "a6"), new String[0]),
                new Attempt("API key as Basic", "/v1/identify", j("userId", "a7"), new String[] {"Authorization", basic(ws.apiKey())}),
                new Attempt("API key in body", "/v1/identify", j("writeKey", ws.apiKey(), "userId", "a8"), new String[0]),
                new Attempt("API key as Bearer", "/v1/identify", j("userId", "a9"), new String[] {"Authorization", "Bearer " + ws.apiKey()}),
                new Attempt("track key as Basic", "/v1/identify", j("userId", "a10"), new String[] {"Authorization", basic(ws.trackKey())}),
                new Attempt("track key in body", "/v1/group", j("writeKey", ws.trackKey(), "userId", "a11", "groupId", "g"), new String[0]),
                new Attempt("write key as the Basic password", "/v1/identify", j("userId", "a12"),
                        new String[] {"Authorization", "Basic " + Base64.getEncoder().encodeToString((":" + ws.writeKey()).getBytes(StandardCharsets.UTF_8))}),
                new Attempt("another workspace's API key", "/v1/identify", j("userId", "a13"), new String[] {"Authorization", basic(other.apiKey())}));
        for (Attempt a : attempts) {
            var res = Http.send("POST", a.route(), a.body(), a.headers());
            assertError(res, 401, "unauthorized");
        }
        // A bad Basic key is refused before the body is read.
        assertError(Http.send("POST", "/v1/track", "{not json", "Authorization", basic("wk_not_a_key")), 401, "unauthorized");
        for (int i = 1; i <= 13; i++) assertNoPerson(ws, "a" + i);
        for (int i = 1; i <= 13; i++) assertNoPerson(other, "a" + i);
        assertTrue(partitionOfWorkspace(ws).isEmpty(), "nothing of any person was stored: " + partitionOfWorkspace(ws));
    }

    /** Every People-table item of a workspace's people (a scan; workspaces here are small and fresh). */
    static List<Map<String, AttributeValue>> partitionOfWorkspace(CreateWorkspace.Secrets ws) {
        List<Map<String, AttributeValue>> out = new ArrayList<>();
        TestStack.get().dynamo().scanPaginator(r -> r.tableName(peopleTable())).items().forEach(i -> {
            String pk = i.get("pk").s();
            if (pk.startsWith("PERSON#" + ws.workspaceId() + "#") || pk.startsWith("ALIAS#" + ws.workspaceId() + "#")) out.add(i);
        });
        return out;
    }

    // ------------------------------------------------------------------ required fields and types

    @Test
    void requiredFields_areNamed_andNothingIsStored() {
        var ws = Fixtures.workspace();
        record Case(String route, String body, String names) {}
        List<Case> cases = List.of(
                new Case("/v1/identify", j("traits", m("plan", "x")), "userId or anonymousId"),
                new Case("/v1/identify", j("userId", "   ", "traits", m("plan", "x")), "userId or anonymousId"),
                new Case("/v1/page", j("name", "Home"), "userId or anonymousId"),
                new Case("/v1/track", j("userId", "r1"), "event"),
                new Case("/v1/track", j("userId", "r1", "event", "  "), "event"),
                new Case("/v1/group", j("userId", "r1", "traits", m("name", "Acme")), "groupId"),
                new Case("/v1/screen", j("userId", "r1"), "name"),
                new Case("/v1/alias", j("userId", "r1"), "previousId"),
                new Case("/v1/alias", j("previousId", "r1"), "userId"),
                new Case("/v1/alias", j("anonymousId", "anon-r", "previousId", "r1"), "userId"),
                new Case("/v1/batch", j("batch", List.of(m("type", "track", "userId", "r1", "event", "ok"),
                        m("type", "group", "userId", "r1"))), "batch[1].group needs groupId"));
        for (Case c : cases) {
            String message = assertError(post(ws, c.route(), c.body()), 400, "invalid_message");
            assertMentions(message, c.names());
        }
        assertNoPerson(ws, "r1");
        // The optional ones really are optional: a page needs no name, a track an anonymousId only.
        assertSuccess(post(ws, "/v1/page", j("userId", "r1")));
        assertSuccess(post(ws, "/v1/track", j("anonymousId", "anon-only", "event", "Anonymous")));
        assertEquals(List.of("page"), col(person(ws, "r1").path("events"), "type"));
    }

    @Test
    void numbersAreAcceptedAsUserIds_42And42point0AreOnePerson() {
        var ws = Fixtures.workspace();
        assertSuccess(post(ws, "/v1/identify", "{\"userId\":42,\"traits\":{\"plan\":\"a\"}}"));
        assertSuccess(post(ws, "/v1/track", "{\"userId\":42.0,\"event\":\"Numbered\"}"));
        assertSuccess(post(ws, "/v1/batch", "{\"batch\":[{\"type\":\"track\",\"userId\":4.20e1,\"event\":\"Exponent\"}]}"));
        JsonNode p = person(ws, "42");
        assertEquals("42", p.path("identifiers").path("id").asText());
        assertEquals("a", p.path("attributes").path("plan").asText());
        assertEquals(Set.of("Numbered", "Exponent"), new HashSet<>(trackEvents(p)));
        assertNoPerson(ws, "42.0");
    }

    @Test
    void wrongTypes_are400_namingTheField() {
        var ws = Fixtures.workspace();
        record Case(String route, String body, String names) {}
        List<Case> cases = List.of(
                new Case("/v1/identify", "{\"userId\":\"w1\",\"traits\":\"plan=pro\"}", "traits must be an object"),
                new Case("/v1/identify", "{\"userId\":\"w1\",\"traits\":[1,2]}", "traits must be an object"),
                new Case("/v1/track", "{\"userId\":\"w1\",\"event\":42}", "event must be a string"),
                new Case("/v1/track", "{\"userId\":\"w1\",\"event\":\"e\",\"properties\":\"x\"}", "properties must be an object"),
                new Case("/v1/track", "{\"userId\":\"w1\",\"event\":\"e\",\"timestamp\":\"yesterday\"}", "timestamp"),
                new Case("/v1/track", "{\"userId\":\"w1\",\"event\":\"e\",\"timestamp\":\"2025-01-15\"}", "timestamp"),
                new Case("/v1/track", "{\"userId\":\"w1\",\"event\":\"e\",\"timestamp\":1736951520000}", "timestamp"),
                new Case("/v1/track", "{\"userId\":\"w1\",\"event\":\"e\",\"sentAt\":\"soon\"}", "sentAt"),
                new Case("/v1/track", "{\"userId\":\"w1\",\"event\":\"e\",\"context\":[\"web\"]}", "context must be an object"),
                new Case("/v1/track", "{\"userId\":\"w1\",\"event\":\"e\",\"integrations\":true}", "integrations must be an object"),
                new Case("/v1/identify", "{\"userId\":{\"id\":\"w1\"}}", "userId must be a string or a number"),
                new Case("/v1/identify", "{\"userId\":\"w1\",\"messageId\":[\"m\"]}", "messageId"),
                new Case("/v1/screen", "{\"userId\":\"w1\",\"name\":true}", "name must be a string"),
                new Case("/v1/batch", "{\"batch\":[{\"type\":\"identify\",\"userId\":\"w1\",\"traits\":5}]}", "batch[0].traits must be an object"),
                new Case("/v1/batch", "{\"batch\":[{\"type\":\"identify\",\"userId\":\"w1\"}],\"context\":\"x\"}", "context must be an object"),
                new Case("/v1/batch", "{\"batch\":[{\"type\":\"identify\",\"userId\":\"w1\"}],\"integrations\":1}", "integrations must be an object"),
                new Case("/v1/batch", "{\"batch\":[{\"type\":\"identify\",\"userId\":\"w1\"}],\"sentAt\":\"later\"}", "sentAt"),
                new Case("/v1/batch", "{\"batch\":[{\"type\":\"click\",\"userId\":\"w1\"}]}", "batch[0].type"),
                new Case("/v1/batch", "{\"batch\":[{\"userId\":\"w1\"}]}", "batch[0].type"),
                new Case("/v1/batch", "{\"batch\":[\"identify\"]}", "batch[0] is not an object"));
        for (Case c : cases) {
            String message = assertError(post(ws, c.route(), c.body()), 400, "invalid_message");
            assertMentions(message, c.names());
        }
        assertError(post(ws, "/v1/batch", "{\"batch\":{\"type\":\"identify\",\"userId\":\"w1\"}}"), 400, "invalid_batch");
        assertError(post(ws, "/v1/batch", "{\"type\":\"identify\",\"userId\":\"w1\"}"), 400, "invalid_batch");
        assertNoPerson(ws, "w1");
    }

    @Test
    void malformedEmptyNonObjectAndNonUtf8Bodies_are400() {
        var ws = Fixtures.workspace();
        for (String route : List.of("/v1/identify", "/v1/batch")) {
            for (String body : List.of("{\"userId\":\"m1\",", "", "   ", "[{\"userId\":\"m1\"}]", "null", "\"m1\"", "42",
                    "{\"userId\":\"m1\"} {\"userId\":\"m2\"}", "{userId:'m1'}")) {
                var res = post(ws, route, body);
                assertEquals(400, res.statusCode(), route + " <- [" + body + "]: " + res.body());
                assertJsonContentType(res);
                assertTrue(Http.json(res).path("error").path("code").asText().startsWith("invalid"), res.body());
            }
        }
        byte[] latin1 = "{\"userId\":\"m1\",\"traits\":{\"name\":\"Ren\u00e9e\"}}".getBytes(StandardCharsets.ISO_8859_1);
        assertError(Http.sendBytes("POST", "/v1/identify", latin1, "Authorization", basic(ws.writeKey()),
                "Content-Type", "application/json"), 400, "invalid_encoding");
        byte[] truncated = {'{', '"', 'u', 's', 'e', 'r', 'I', 'd', '"', ':', '"', 'm', (byte) 0xE2, (byte) 0x82, '"', '}'};
        assertError(Http.sendBytes("POST", "/v1/batch", truncated, "Authorization", basic(ws.writeKey())), 400, "invalid_encoding");
        assertNoPerson(ws, "m1");
        assertNoPerson(ws, "m2");
    }

    // ------------------------------------------------------------------ limits

    @Test
    void aSingleMessageOver32KB_is400NamingTheSize_andOneJustUnderIsAccepted() {
        var ws = Fixtures.workspace();
        String big = j("userId", "big", "event", "Big", "properties", m("pad", padding(33 * 1024)));
        String message = assertError(post(ws, "/v1/track", big), 400, "message_too_large");
        assertMentions(message, "32 KB");
        assertNoPerson(ws, "big");
        // The same message inside a batch is named by its index.
        Map<String, Object> bigMessage = m("type", "track", "userId", "big", "event", "Big", "properties", m("pad", padding(33 * 1024)));
        int size = write(bigMessage).getBytes(StandardCharsets.UTF_8).length;
        String inBatch = assertError(post(ws, "/v1/batch", j("batch", List.of(m("type", "track", "userId", "big", "event", "Small"),
                bigMessage))), 400, "invalid_message");
        assertMentions(inBatch, "batch[1]", "32 KB");
        assertTrue(inBatch.contains(size + " bytes") || inBatch.contains(size / 1024 + " KB"), "names the message's size " + size + ": " + inBatch);
        assertNoPerson(ws, "big");
        assertSuccess(post(ws, "/v1/track", j("userId", "big", "event", "Fits", "properties", m("pad", padding(31 * 1024)))));
        assertEquals(List.of("Fits"), trackEvents(person(ws, "big")));
    }

    @Test
    void aBatchOver500KB_is400_andOneJustUnderIsAccepted() {
        var ws = Fixtures.workspace();
        List<Object> messages = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            messages.add(m("type", "track", "userId", "bulk", "event", "e" + i, "properties", m("pad", padding(26_000))));
        }
        String over = j("batch", messages);
        assertTrue(over.length() > 500 * 1024 && over.length() < 600 * 1024, "the batch is just over 500 KB: " + over.length());
        assertMentions(assertError(post(ws, "/v1/batch", over), 400, "batch_too_large"), "500 KB");
        assertNoPerson(ws, "bulk");
        String under = j("batch", messages.subList(0, 18));
        assertTrue(under.length() < 500 * 1024 && under.length() > 450 * 1024, "the batch is just under 500 KB: " + under.length());
        assertSuccess(post(ws, "/v1/import", under));
        assertEquals(18, trackEvents(person(ws, "bulk")).size());
    }

    @Test
    void aBatchOf2501Messages_is400ForTheCount_while2500AreWithinTheCount() {
        var ws = Fixtures.workspace();
        // 2,501 empty objects: about 7.5 KB, far under 500 KB, so only the count can be at fault. The count is
        // checked before the messages, so it is named although every message is invalid too.
        String tooMany = "{\"batch\":[" + String.join(",", java.util.Collections.nCopies(2_501, "{}")) + "]}";
        assertTrue(tooMany.length() < 10 * 1024);
        assertMentions(assertError(post(ws, "/v1/batch", tooMany), 400, "batch_too_large"), "2500", "2501");
        // 2,500 are within the count: the 400 is about the messages themselves, not their number.
        String atLimit = "{\"batch\":[" + String.join(",", java.util.Collections.nCopies(2_500, "{}")) + "]}";
        String message = assertError(post(ws, "/v1/batch", atLimit), 400, "invalid_message");
        assertMentions(message, "batch[0].type");
        assertFalse(message.contains("2500") || message.contains("2,500"), message);
    }

    @Test
    void aBatchWithOneInvalidMessage_is400_andNoneOfItsMessagesTakesEffect_norIsItsMessageIdUsedUp() {
        var ws = Fixtures.workspace();
        List<Map<String, Object>> messages = new ArrayList<>(List.of(
                m("type", "identify", "userId", "b1", "messageId", "bm-1", "traits", m("plan", "pro")),
                m("type", "track", "userId", "b1", "messageId", "bm-2", "event", "Ordered"),
                m("type", "group", "userId", "b1", "messageId", "bm-3", "groupId", "acme"),
                m("type", "alias", "userId", "b1", "messageId", "bm-4", "previousId", "b0"),
                m("type", "track", "userId", "b2", "messageId", "bm-5")));
        assertMentions(assertError(post(ws, "/v1/batch", j("batch", messages)), 400, "invalid_message"), "batch[4]", "event");
        assertNoPerson(ws, "b1");
        assertNoPerson(ws, "b0");
        assertNoPerson(ws, "b2");
        assertTrue(partitionOfWorkspace(ws).isEmpty(), partitionOfWorkspace(ws).toString());
        // Fixed and resent with the same messageIds, every message takes effect: the rejected batch claimed none.
        messages.get(4).put("event", "Fixed");
        assertSuccess(post(ws, "/v1/batch", j("batch", messages)));
        JsonNode b1 = person(ws, "b1");
        assertEquals("pro", b1.path("attributes").path("plan").asText());
        assertEquals(List.of("Ordered"), trackEvents(b1));
        assertEquals(Set.of("1/acme"), relationships(b1));
        assertEquals(b1.path("id").asText(), person(ws, "b0").path("id").asText());
        assertEquals(List.of("Fixed"), trackEvents(person(ws, "b2")));
    }

    // ------------------------------------------------------------------ gzip

    @Test
    void gzipBodies_workForSingleCallsAndBatches() {
        var ws = Fixtures.workspace();
        byte[] single = gzip(j("userId", "gz", "traits", m("plan", "zipped", "name", "Zoë")).getBytes(StandardCharsets.UTF_8));
        assertSuccess(postGzip("/v1/identify", single, "Authorization", basic(ws.writeKey())));
        byte[] batch = gzip(j("batch", List.of(m("type", "track", "userId", "gz", "event", "Zipped batch"))).getBytes(StandardCharsets.UTF_8));
        assertSuccess(postGzip("/v1/batch", batch, "Authorization", basic(ws.writeKey())));
        byte[] bodyKey = gzip(j("writeKey", ws.writeKey(), "batch", List.of(m("type", "track", "userId", "gz", "event", "Zipped import")))
                .getBytes(StandardCharsets.UTF_8));
        assertSuccess(postGzip("/v1/import/", bodyKey));
        JsonNode p = person(ws, "gz");
        assertEquals("zipped", p.path("attributes").path("plan").asText());
        assertEquals("Zoë", p.path("attributes").path("name").asText());
        assertEquals(Set.of("Zipped batch", "Zipped import"), new HashSet<>(trackEvents(p)));
    }

    @Test
    void corruptOrTruncatedGzip_andOtherEncodings_are400() {
        var ws = Fixtures.workspace();
        String auth = basic(ws.writeKey());
        byte[] good = gzip(j("userId", "cz", "event", "e").getBytes(StandardCharsets.UTF_8));
        assertError(postGzip("/v1/track", "{\"userId\":\"cz\",\"event\":\"e\"}".getBytes(StandardCharsets.UTF_8), "Authorization", auth),
                400, "invalid_gzip");
        assertError(postGzip("/v1/track", Arrays.copyOf(good, good.length / 2), "Authorization", auth), 400, "invalid_gzip");
        byte[] badCrc = good.clone();
        badCrc[badCrc.length - 6] ^= 0x5A;
        assertError(postGzip("/v1/batch", badCrc, "Authorization", auth), 400, "invalid_gzip");
        byte[] noise = new byte[512];
        new java.util.Random(7).nextBytes(noise);
        noise[0] = 0x1f;
        noise[1] = (byte) 0x8b;
        assertError(postGzip("/v1/batch", noise, "Authorization", auth), 400, "invalid_gzip");
        assertEquals(400, Http.sendBytes("POST", "/v1/track", good, "Authorization", auth, "Content-Encoding", "br").statusCode());
        assertNoPerson(ws, "cz");
    }

    @Test
    void aGzipBomb_is400_andTheServerKeepsServing() {
        var ws = Fixtures.workspace();
        // 10 MB of JSON that inflates from a few KB: a track whose one property is 10 MB long.
        byte[] prefix = "{\"userId\":\"bomb\",\"event\":\"Boom\",\"properties\":{\"p\":\"".getBytes(StandardCharsets.UTF_8);
        byte[] raw = new byte[10 * 1024 * 1024];
        Arrays.fill(raw, (byte) 'a');
        System.arraycopy(prefix, 0, raw, 0, prefix.length);
        byte[] suffix = "\"}}".getBytes(StandardCharsets.UTF_8);
        System.arraycopy(suffix, 0, raw, raw.length - suffix.length, suffix.length);
        byte[] bomb = gzip(raw);
        assertTrue(bomb.length < 100 * 1024, "the bomb is small on the wire: " + bomb.length);
        long t0 = System.nanoTime();
        assertMentions(assertError(postGzip("/v1/track", bomb, "Authorization", basic(ws.writeKey())), 400, "message_too_large"), "32 KB");
        assertMentions(assertError(postGzip("/v1/batch", bomb, "Authorization", basic(ws.writeKey())), 400, "batch_too_large"), "500 KB");
        // 10 MB of zeros (not even JSON) is stopped by the size too.
        assertEquals(400, postGzip("/v1/identify", gzip(new byte[10 * 1024 * 1024]), "Authorization", basic(ws.writeKey())).statusCode());
        assertTrue(Duration.ofNanos(System.nanoTime() - t0).toSeconds() < 20, "the bombs were refused quickly");
        assertNoPerson(ws, "bomb");
        assertSuccess(post(ws, "/v1/track", j("userId", "bomb", "event", "After")));
        assertEquals(List.of("After"), trackEvents(person(ws, "bomb")));
    }

    // ------------------------------------------------------------------ batch context, integrations and sentAt

    @Test
    void batchContextAndIntegrations_areMergedIntoEachMessage_messageKeysWin() {
        var ws = Fixtures.workspace();
        String body = j(
                "context", m("locale", "en-US", "app", m("name", "from-batch"), "library", m("name", "batch-lib")),
                "integrations", m("All", false, "Customer.io Data Pipelines", true),
                "batch", List.of(
                        m("type", "track", "userId", "ctx", "event", "Own context", "messageId", "c-1",
                                "context", m("app", m("name", "from-message"), "ip", "203.0.113.9"),
                                "integrations", m("All", true)),
                        m("type", "page", "userId", "ctx", "name", "Batch context only", "messageId", "c-2")));
        assertSuccess(post(ws, "/v1/batch", body));
        String personId = person(ws, "ctx").path("id").asText();
        var acts = activities(ws, personId);
        assertEquals(Set.of("c-1", "c-2"), acts.keySet());

        Map<String, AttributeValue> own = acts.get("c-1").get("ctx").m();
        assertEquals("en-US", own.get("locale").s(), "the batch's context fills in: " + own);
        assertEquals("batch-lib", own.get("library").m().get("name").s(), own.toString());
        assertEquals("from-message", own.get("app").m().get("name").s(), "the message's own context wins: " + own);
        assertEquals("203.0.113.9", own.get("ip").s(), own.toString());

        Map<String, AttributeValue> inherited = acts.get("c-2").get("ctx").m();
        assertEquals("en-US", inherited.get("locale").s(), inherited.toString());
        assertEquals("from-batch", inherited.get("app").m().get("name").s(), inherited.toString());
        assertFalse(inherited.containsKey("ip"), "one message's context does not leak into another: " + inherited);
    }

    @Test
    void clockSkew_isCorrected_withTheMessagesSentAt() {
        var ws = Fixtures.workspace();
        // The sender's clock is 1 h ahead: it says the event happened 5 minutes before it sent it.
        Instant before = Instant.now();
        Instant senderNow = before.plus(Duration.ofHours(1));
        assertSuccess(post(ws, "/v1/track", j("userId", "skew", "event", "Ahead", "messageId", "ahead",
                "timestamp", senderNow.minus(Duration.ofMinutes(5)).toString(), "sentAt", senderNow.toString())));
        Instant after = Instant.now();
        assertWithin(stored(ws, "skew", "ahead"), before.minus(Duration.ofMinutes(5)), after.minus(Duration.ofMinutes(5)));

        // 2 h behind, 30 s between the event and its sending; the offset form of ISO 8601 is fine too.
        before = Instant.now();
        Instant behind = before.minus(Duration.ofHours(2));
        assertSuccess(post(ws, "/v1/page", j("userId", "skew", "name", "Behind", "messageId", "behind",
                "timestamp", behind.minusSeconds(30).atOffset(java.time.ZoneOffset.ofHours(2)).toString(),
                "sentAt", behind.toString())));
        after = Instant.now();
        assertWithin(stored(ws, "skew", "behind"), before.minusSeconds(30), after.minusSeconds(30));

        // Without sentAt, a timestamp is kept as sent (backfills).
        assertSuccess(post(ws, "/v1/track", j("userId", "skew", "event", "Backfill", "messageId", "backfill",
                "timestamp", "2020-01-02T03:04:05.678Z")));
        assertEquals(Instant.parse("2020-01-02T03:04:05.678Z"), stored(ws, "skew", "backfill"));

        // Without a timestamp, it is the time of receipt.
        before = Instant.now();
        assertSuccess(post(ws, "/v1/track", j("userId", "skew", "event", "Now", "messageId", "now", "sentAt", "2001-01-01T00:00:00Z")));
        after = Instant.now();
        assertWithin(stored(ws, "skew", "now"), before, after);
    }

    @Test
    void clockSkew_batchSentAtApplies_andAMessagesOwnSentAtWins() {
        var ws = Fixtures.workspace();
        Instant before = Instant.now();
        Instant senderNow = before.plus(Duration.ofHours(1));
        String body = j("sentAt", senderNow.toString(), "batch", List.of(
                m("type", "track", "userId", "bskew", "event", "Batch sentAt", "messageId", "bs-1",
                        "timestamp", senderNow.minus(Duration.ofMinutes(10)).toString()),
                m("type", "track", "userId", "bskew", "event", "Own sentAt", "messageId", "bs-2",
                        "timestamp", "2024-06-01T12:00:00Z", "sentAt", "2024-06-01T12:01:00Z")));
        assertSuccess(post(ws, "/v1/batch", body));
        Instant after = Instant.now();
        assertWithin(stored(ws, "bskew", "bs-1"), before.minus(Duration.ofMinutes(10)), after.minus(Duration.ofMinutes(10)));
        assertWithin(stored(ws, "bskew", "bs-2"), before.minus(Duration.ofMinutes(1)), after.minus(Duration.ofMinutes(1)));
    }

    /** The stored timestamp of the event with this messageId, through the people API. */
    static Instant stored(CreateWorkspace.Secrets ws, String userId, String messageId) {
        for (JsonNode e : person(ws, userId).path("events")) {
            if (e.path("messageId").asText().equals(messageId)) return Instant.parse(e.path("timestamp").asText());
        }
        throw new AssertionError("no event " + messageId + " on " + userId);
    }

    /** {@code actual} is within [from, to], give or take 2 s. */
    static void assertWithin(Instant actual, Instant from, Instant to) {
        assertFalse(actual.isBefore(from.minusSeconds(2)) || actual.isAfter(to.plusSeconds(2)),
                actual + " is not within [" + from + ", " + to + "]");
    }

    // ------------------------------------------------------------------ dedupe

    @Test
    void theSameMessageTwice_andAWholeBatchResent_changeNothing() {
        var ws = Fixtures.workspace();
        String track = j("userId", "d1", "event", "Purchased", "messageId", "dup-1", "properties", m("total", 10));
        assertSuccess(post(ws, "/v1/track", track));
        assertSuccess(post(ws, "/v1/track", track));
        assertEquals(List.of("Purchased"), trackEvents(person(ws, "d1")));

        String batch = j("batch", List.of(
                m("type", "track", "userId", "d1", "event", "A", "messageId", "dup-a"),
                m("type", "page", "userId", "d1", "name", "B", "messageId", "dup-b"),
                m("type", "track", "userId", "d1", "event", "C", "messageId", "dup-c"),
                m("type", "track", "userId", "d1", "event", "C again", "messageId", "dup-c")));
        assertSuccess(post(ws, "/v1/batch", batch));
        JsonNode once = person(ws, "d1");
        assertEquals(4, once.path("events").size(), once.toString());
        assertSuccess(post(ws, "/v1/import", batch));
        assertSuccess(post(ws, "/v1/track", j("userId", "d1", "event", "Other body, same id", "messageId", "dup-a")));
        JsonNode twice = person(ws, "d1");
        assertEquals(once.path("events"), twice.path("events"));
        assertEquals(Set.of("Purchased", "A", "C"), new HashSet<>(trackEvents(twice)));
    }

    @Test
    void anIdentifyReusingAMessageId_changesNothing_untilANewMessageId() {
        var ws = Fixtures.workspace();
        assertSuccess(post(ws, "/v1/identify", j("userId", "d2", "messageId", "same", "traits", m("plan", "a"))));
        assertSuccess(post(ws, "/v1/identify", j("userId", "d2", "messageId", "same", "traits", m("plan", "b", "extra", true))));
        JsonNode p = person(ws, "d2");
        assertEquals("a", p.path("attributes").path("plan").asText());
        assertFalse(p.path("attributes").has("extra"), p.toString());
        // A numeric messageId and its string form are the same message.
        assertSuccess(post(ws, "/v1/identify", "{\"userId\":\"d2\",\"messageId\":7,\"traits\":{\"plan\":\"c\"}}"));
        assertSuccess(post(ws, "/v1/identify", "{\"userId\":\"d2\",\"messageId\":\"7\",\"traits\":{\"plan\":\"d\"}}"));
        assertEquals("c", person(ws, "d2").path("attributes").path("plan").asText());
    }

    @Test
    void messageIdsArePerWorkspace() {
        var a = Fixtures.workspace();
        var b = Fixtures.workspace();
        String body = j("userId", "shared", "event", "Everywhere", "messageId", "msg-shared");
        assertSuccess(post(a, "/v1/track", body));
        assertSuccess(post(b, "/v1/track", body));
        assertEquals(List.of("Everywhere"), trackEvents(person(a, "shared")));
        assertEquals(List.of("Everywhere"), trackEvents(person(b, "shared")));
        assertSuccess(post(a, "/v1/identify", j("userId", "shared", "messageId", "msg-id", "traits", m("ws", "a"))));
        assertSuccess(post(b, "/v1/identify", j("userId", "shared", "messageId", "msg-id", "traits", m("ws", "b"))));
        assertEquals("a", person(a, "shared").path("attributes").path("ws").asText());
        assertEquals("b", person(b, "shared").path("attributes").path("ws").asText());
    }

    @Test
    void aMessageWithoutMessageId_getsOne_soIdenticalCallsAreSeparateEvents() {
        var ws = Fixtures.workspace();
        String body = j("userId", "d3", "event", "Clicked");
        assertSuccess(post(ws, "/v1/track", body));
        assertSuccess(post(ws, "/v1/track", body));
        JsonNode events = person(ws, "d3").path("events");
        assertEquals(2, events.size(), events.toString());
        List<String> ids = col(events, "messageId");
        assertTrue(ids.stream().allMatch(s -> s != null && !s.isBlank()), ids.toString());
        assertNotEquals(ids.get(0), ids.get(1));
    }

    // ------------------------------------------------------------------ effects

    @Test
    void identify_setsAttributes_andTheLowercasedEmailIdentifier() {
        var ws = Fixtures.workspace();
        assertSuccess(post(ws, "/v1/identify", j("userId", "jane-1", "traits",
                m("email", "  Jane.Doe@Example.COM ", "plan", "pro", "age", 30, "vip", true, "address", m("city", "Lyon")))));
        JsonNode p = person(ws, "jane-1");
        assertEquals("jane-1", p.path("identifiers").path("id").asText());
        assertEquals("jane.doe@example.com", p.path("identifiers").path("email").asText());
        JsonNode attrs = p.path("attributes");
        assertEquals("pro", attrs.path("plan").asText());
        assertEquals(30, attrs.path("age").asInt());
        assertTrue(attrs.path("vip").asBoolean());
        assertEquals("Lyon", attrs.path("address").path("city").asText());
        assertFalse(attrs.has("email"), "the email is an identifier, not an attribute");
        Instant.parse(p.path("createdAt").asText());

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            var byEmail = lookup(ws, "email", "JANE.DOE@example.com");
            assertEquals(200, byEmail.statusCode(), byEmail.body());
            assertEquals(p.path("id").asText(), Http.json(byEmail).path("id").asText());
        });

        // A later identify changes what it names and keeps the rest.
        assertSuccess(post(ws, "/v1/identify", j("userId", "jane-1", "traits", m("plan", "team"))));
        JsonNode later = person(ws, "jane-1");
        assertEquals("team", later.path("attributes").path("plan").asText());
        assertEquals(30, later.path("attributes").path("age").asInt());
        assertEquals("jane.doe@example.com", later.path("identifiers").path("email").asText());
    }

    @Test
    void identifyWithAnonymousId_mergesWhatWasRecordedAnonymously() {
        var ws = Fixtures.workspace();
        assertSuccess(post(ws, "/v1/page", j("anonymousId", "anon-7", "name", "Landing", "messageId", "an-1")));
        assertSuccess(post(ws, "/v1/track", j("anonymousId", "anon-7", "event", "Viewed Pricing", "messageId", "an-2")));
        assertSuccess(post(ws, "/v1/identify", j("anonymousId", "anon-7", "traits", m("first", "Ann", "plan", "free"))));
        assertNoPerson(ws, "anon-7");

        assertSuccess(post(ws, "/v1/identify", j("userId", "user-7", "anonymousId", "anon-7", "traits", m("plan", "paid"))));
        JsonNode p = person(ws, "user-7");
        assertEquals("user-7", p.path("identifiers").path("id").asText());
        List<String> anonymousIds = new ArrayList<>();
        p.path("anonymousIds").forEach(n -> anonymousIds.add(n.asText()));
        assertTrue(anonymousIds.contains("anon-7"), anonymousIds.toString());
        assertEquals(Set.of("an-1", "an-2"), new HashSet<>(col(p.path("events"), "messageId")), p.toString());
        assertEquals("Ann", p.path("attributes").path("first").asText(), "anonymous traits are merged in");
        assertEquals("paid", p.path("attributes").path("plan").asText(), "the identify's own traits win");

        // Later anonymous calls reach the identified person.
        assertSuccess(post(ws, "/v1/track", j("anonymousId", "anon-7", "event", "Came Back", "messageId", "an-3")));
        assertEquals(Set.of("an-1", "an-2", "an-3"), new HashSet<>(col(person(ws, "user-7").path("events"), "messageId")));
        // The merged anonymous profile is gone from the table.
        String anonymousPerson = dev.intake.domain.Ids.person(ws.workspaceId(), "anon", "anon-7");
        assertEquals(List.of(), partition(ws, anonymousPerson));
    }

    @Test
    void aTrackWithBothIds_alsoLinksTheAnonymousId() {
        var ws = Fixtures.workspace();
        assertSuccess(post(ws, "/v1/screen", j("anonymousId", "dev-1", "name", "Onboarding", "messageId", "tb-1")));
        assertSuccess(post(ws, "/v1/track", j("userId", "app-user", "anonymousId", "dev-1", "event", "Logged In", "messageId", "tb-2")));
        JsonNode p = person(ws, "app-user");
        assertEquals(Set.of("tb-1", "tb-2"), new HashSet<>(col(p.path("events"), "messageId")));
        List<String> anonymousIds = new ArrayList<>();
        p.path("anonymousIds").forEach(n -> anonymousIds.add(n.asText()));
        assertEquals(List.of("dev-1"), anonymousIds);
    }

    @Test
    void alias_mergesThePreviousIdIntoTheUserId_theUserIdsValuesWin() {
        var ws = Fixtures.workspace();
        assertSuccess(post(ws, "/v1/identify", j("userId", "old-x", "traits", m("plan", "x", "color", "red"))));
        assertSuccess(post(ws, "/v1/track", j("userId", "old-x", "event", "Before alias", "messageId", "al-1")));
        assertSuccess(post(ws, "/v1/group", j("userId", "old-x", "groupId", "acme")));
        assertSuccess(post(ws, "/v1/identify", j("userId", "new-y", "traits", m("plan", "y", "size", 3))));
        String y = person(ws, "new-y").path("id").asText();
        String x = person(ws, "old-x").path("id").asText();
        assertNotEquals(x, y);

        assertSuccess(post(ws, "/v1/alias", j("previousId", "old-x", "userId", "new-y")));
        JsonNode viaX = person(ws, "old-x");
        assertEquals(y, viaX.path("id").asText(), "?id=old-x reaches new-y's person");
        assertEquals("new-y", viaX.path("identifiers").path("id").asText());
        JsonNode attrs = viaX.path("attributes");
        assertEquals("y", attrs.path("plan").asText(), "new-y's own value wins");
        assertEquals("red", attrs.path("color").asText(), "old-x's other attributes are merged in");
        assertEquals(3, attrs.path("size").asInt());
        assertEquals(List.of("Before alias"), trackEvents(viaX));
        assertEquals(Set.of("1/acme"), relationships(viaX));
        assertEquals(viaX, person(ws, "new-y"));
        assertEquals(List.of(), partition(ws, x), "old-x's own profile is gone");

        // Later calls with the previous id land on the merged person.
        assertSuccess(post(ws, "/v1/track", j("userId", "old-x", "event", "After alias", "messageId", "al-2")));
        assertEquals(Set.of("Before alias", "After alias"), new HashSet<>(trackEvents(person(ws, "new-y"))));
    }

    @Test
    void alias_ofAnAnonymousId_bringsItsActivityToTheUser() {
        var ws = Fixtures.workspace();
        assertSuccess(post(ws, "/v1/track", j("anonymousId", "anon-al", "event", "Browsed", "messageId", "aa-1")));
        assertSuccess(post(ws, "/v1/alias", j("previousId", "anon-al", "userId", "user-al")));
        JsonNode p = person(ws, "user-al");
        assertEquals(List.of("Browsed"), trackEvents(p));
        assertSuccess(post(ws, "/v1/page", j("anonymousId", "anon-al", "name", "Later", "messageId", "aa-2")));
        assertEquals(Set.of("aa-1", "aa-2"), new HashSet<>(col(person(ws, "user-al").path("events"), "messageId")));
    }

    @Test
    void alias_carriesThePreviousIdsEmail_soTheMergedPersonIsFoundByIt() {
        var ws = Fixtures.workspace();
        assertSuccess(post(ws, "/v1/identify", j("userId", "em-x", "traits", m("email", "Merged@Example.com", "plan", "x"))));
        await().atMost(Duration.ofSeconds(10)).until(() -> lookup(ws, "email", "merged@example.com").statusCode() == 200);
        assertSuccess(post(ws, "/v1/identify", j("userId", "em-y", "traits", m("plan", "y"))));
        assertSuccess(post(ws, "/v1/alias", j("previousId", "em-x", "userId", "em-y")));
        JsonNode merged = person(ws, "em-y");
        assertEquals("merged@example.com", merged.path("identifiers").path("email").asText(), merged.toString());
        // The people API shows the email as the merged person's identifier, so a look-up by it must find them.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            var byEmail = lookup(ws, "email", "merged@example.com");
            assertEquals(200, byEmail.statusCode(), "GET ?email=merged@example.com after the alias -> " + byEmail.body());
            assertEquals(merged.path("id").asText(), Http.json(byEmail).path("id").asText());
        });
    }

    @Test
    void identify_carriesTheAnonymousProfilesEmail_soTheIdentifiedPersonIsFoundByIt() {
        var ws = Fixtures.workspace();
        assertSuccess(post(ws, "/v1/identify", j("anonymousId", "anon-mail", "traits", m("email", "Anon.Mail@Example.com"))));
        assertSuccess(post(ws, "/v1/identify", j("userId", "known-mail", "anonymousId", "anon-mail")));
        JsonNode merged = person(ws, "known-mail");
        assertEquals("anon.mail@example.com", merged.path("identifiers").path("email").asText(), merged.toString());
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            var byEmail = lookup(ws, "email", "anon.mail@example.com");
            assertEquals(200, byEmail.statusCode(), "GET ?email=anon.mail@example.com after the identify -> " + byEmail.body());
            assertEquals(merged.path("id").asText(), Http.json(byEmail).path("id").asText());
        });
    }

    @Test
    void identifyThroughAnAliasedId_withAnEmail_makesThePersonFindableByIt() {
        var ws = Fixtures.workspace();
        assertSuccess(post(ws, "/v1/identify", j("userId", "canon", "traits", m("plan", "y"))));
        assertSuccess(post(ws, "/v1/alias", j("previousId", "legacy", "userId", "canon")));
        assertSuccess(post(ws, "/v1/identify", j("userId", "legacy", "traits", m("email", "Via.Alias@Example.com"))));
        JsonNode p = person(ws, "canon");
        assertEquals("canon", p.path("identifiers").path("id").asText(), "the alias does not rename the person");
        assertEquals("via.alias@example.com", p.path("identifiers").path("email").asText(), p.toString());
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            var byEmail = lookup(ws, "email", "via.alias@example.com");
            assertEquals(200, byEmail.statusCode(), "GET ?email=via.alias@example.com -> " + byEmail.body());
            assertEquals(p.path("id").asText(), Http.json(byEmail).path("id").asText());
        });
    }

    @Test
    void group_objectTypeIdTopLevel_orInTraits_orDefault1() {
        var ws = Fixtures.workspace();
        assertSuccess(post(ws, "/v1/group", j("userId", "g-user", "groupId", "acme", "objectTypeId", "2", "traits", m("name", "Acme"))));
        assertSuccess(post(ws, "/v1/group", j("userId", "g-user", "groupId", "course-9", "traits", m("object_type_id", "3", "title", "SQL"))));
        assertSuccess(post(ws, "/v1/group", j("userId", "g-user", "groupId", "team-1")));
        assertSuccess(post(ws, "/v1/group", j("userId", "g-user", "groupId", "both", "objectTypeId", 4, "traits", m("object_type_id", "5"))));
        assertSuccess(post(ws, "/v1/group", j("userId", "g-user", "groupId", "numeric", "traits", m("object_type_id", 6))));
        JsonNode p = person(ws, "g-user");
        assertEquals(Set.of("2/acme", "3/course-9", "1/team-1", "4/both", "6/numeric"), relationships(p));
        for (JsonNode r : p.path("relationships")) assertTrue(r.path("objectTypeId").isTextual(), r.toString());

        var acme = item("OBJECT#" + ws.workspaceId() + "#2#acme", "OBJECT");
        assertEquals("Acme", acme.get("a.name").s(), acme.toString());
        var course = item("OBJECT#" + ws.workspaceId() + "#3#course-9", "OBJECT");
        assertEquals("SQL", course.get("a.title").s(), course.toString());
        assertFalse(course.containsKey("a.object_type_id"), "object_type_id is not a trait of the object: " + course);
        assertTrue(item("OBJECT#" + ws.workspaceId() + "#1#team-1", "OBJECT").containsKey("objectId"));
    }

    @Test
    void pageScreenAndTrack_areRecordedAsEvents() {
        var ws = Fixtures.workspace();
        assertSuccess(post(ws, "/v1/page", j("userId", "ev", "name", "Pricing", "messageId", "ev-1",
                "timestamp", "2025-01-01T00:00:01Z", "properties", m("path", "/pricing", "title", "Pricing"))));
        assertSuccess(post(ws, "/v1/screen", j("userId", "ev", "name", "Settings", "messageId", "ev-2",
                "timestamp", "2025-01-01T00:00:02Z", "properties", m("tab", "privacy"))));
        assertSuccess(post(ws, "/v1/track", j("userId", "ev", "event", "Added to Cart", "messageId", "ev-3",
                "timestamp", "2025-01-01T00:00:03Z", "properties", m("sku", "A-1", "price", 9.5))));
        JsonNode events = person(ws, "ev").path("events");
        assertEquals(List.of("ev-3", "ev-2", "ev-1"), col(events, "messageId"), "newest first");
        assertEquals(List.of("track", "screen", "page"), col(events, "type"));
        assertEquals(Arrays.asList("Added to Cart", null, null), col(events, "event"));
        assertEquals(Arrays.asList(null, "Settings", "Pricing"), col(events, "name"));
        assertEquals("/pricing", events.get(2).path("properties").path("path").asText());
        assertEquals("privacy", events.get(1).path("properties").path("tab").asText());
        assertEquals(9.5, events.get(0).path("properties").path("price").asDouble());
        assertEquals(Instant.parse("2025-01-01T00:00:03Z"), Instant.parse(events.get(0).path("timestamp").asText()));
    }

    @Test
    void events_showTheNewest25() {
        var ws = Fixtures.workspace();
        List<Object> batch = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            batch.add(m("type", "track", "userId", "many", "event", "e" + i, "messageId", "many-" + i,
                    "timestamp", Instant.parse("2025-03-01T00:00:00Z").plusSeconds(i).toString()));
        }
        assertSuccess(post(ws, "/v1/batch", j("batch", batch)));
        List<String> events = trackEvents(person(ws, "many"));
        assertEquals(25, events.size());
        assertEquals("e29", events.get(0));
        assertEquals("e5", events.get(24));
    }

    // ------------------------------------------------------------------ erasure

    @Test
    void erasure_removesTheTrackedPersonWithEventsRelationshipsAndAliases() {
        var ws = Fixtures.workspace();
        assertSuccess(post(ws, "/v1/page", j("anonymousId", "er-anon", "name", "Home")));
        assertSuccess(post(ws, "/v1/identify", j("userId", "er-prev", "traits", m("color", "blue"))));
        assertSuccess(post(ws, "/v1/identify", j("userId", "er-user", "anonymousId", "er-anon",
                "traits", m("email", "erase.me@example.com", "plan", "pro"))));
        assertSuccess(post(ws, "/v1/track", j("userId", "er-user", "event", "Bought")));
        assertSuccess(post(ws, "/v1/group", j("userId", "er-user", "groupId", "acme", "objectTypeId", "2")));
        assertSuccess(post(ws, "/v1/alias", j("previousId", "er-prev", "userId", "er-user")));
        JsonNode p = person(ws, "er-user");
        String personId = p.path("id").asText();
        assertEquals(2, p.path("events").size(), p.toString());
        assertEquals(Set.of("2/acme"), relationships(p));
        assertEquals(personId, person(ws, "er-prev").path("id").asText());

        var res = Http.send("DELETE", "/api/workspaces/" + ws.workspaceId() + "/people/" + personId, null, "x-api-key", ws.apiKey());
        assertEquals(204, res.statusCode(), res.body());
        assertNoPerson(ws, "er-user");
        assertNoPerson(ws, "er-prev");
        assertEquals(404, lookup(ws, "email", "erase.me@example.com").statusCode());
        assertEquals(List.of(), partition(ws, personId), "events, relationships and the person are gone");
        for (String alias : List.of("id:er-prev", "anon:er-anon")) {
            var a = item("ALIAS#" + ws.workspaceId() + "#" + alias, "ALIAS");
            assertTrue(a == null || a.isEmpty(), alias + " is still linked: " + a);
        }
        stackHoldsNothingOf(ws, personId);

        // The ids are free again: new calls start a new, empty profile.
        assertSuccess(post(ws, "/v1/track", j("userId", "er-user", "event", "Returned")));
        JsonNode fresh = person(ws, "er-user");
        assertEquals(List.of("Returned"), trackEvents(fresh));
        assertEquals(Set.of(), relationships(fresh));
        assertFalse(fresh.path("attributes").has("plan"), fresh.toString());
        assertTrue(fresh.path("identifiers").path("email").isNull(), fresh.toString());
        assertSuccess(post(ws, "/v1/page", j("anonymousId", "er-anon", "name", "Again")));
        assertEquals(List.of("Returned"), trackEvents(person(ws, "er-user")), "the erased anonymous id no longer reaches er-user");
    }

    static void stackHoldsNothingOf(CreateWorkspace.Secrets ws, String personId) {
        TestStack.get().dynamo().scanPaginator(r -> r.tableName(peopleTable())).items().forEach(i -> {
            String s = i.toString();
            if (!s.contains(ws.workspaceId())) return;
            assertFalse(s.contains(personId) || s.toLowerCase().contains("erase.me@example.com"), "still stored: " + s);
        });
    }

    // ------------------------------------------------------------------ robustness: valid input is never a 5xx

    /** Neither the request nor the stack is at fault for a 4xx; a 5xx here means the server broke on valid input. */
    static void assertNot5xx(String what, HttpResponse<String> res) {
        assertTrue(res.statusCode() == 200 || res.statusCode() == 400, () -> what + " -> " + res.statusCode() + " " + res.body());
        assertJsonContentType(res);
    }

    @Test
    void anIdentifyWithManyTraits_withinTheSizeLimit_isStored() {
        var ws = Fixtures.workspace();
        Map<String, Object> traits = new LinkedHashMap<>();
        for (int i = 0; i < 300; i++) traits.put("t" + i, i);
        String body = j("userId", "wide", "traits", traits);
        assertTrue(body.length() < 4 * 1024, "a 300-trait identify is under 4 KB, far within 32 KB: " + body.length());
        assertSuccess(post(ws, "/v1/identify", body));
        JsonNode attrs = person(ws, "wide").path("attributes");
        assertEquals(300, attrs.size());
        assertEquals(299, attrs.path("t299").asInt());
    }

    @Test
    void idsOfMultiByteCharacters_withinThe1024CharacterLimit_areNotA5xx() {
        var ws = Fixtures.workspace();
        String euros = "\u20ac".repeat(700); // 700 characters, 2,100 bytes of UTF-8
        assertAll(
                () -> assertNot5xx("track with a 700 x '\u20ac' userId",
                        post(ws, "/v1/track", j("userId", euros, "event", "Long", "messageId", "mb-1"))),
                () -> assertNot5xx("track with a 1024 x '\u00e9' userId",
                        post(ws, "/v1/track", j("userId", "\u00e9".repeat(1024), "event", "Long", "messageId", "mb-2"))),
                () -> assertNot5xx("identify with a 700 x '\u20ac' messageId",
                        post(ws, "/v1/identify", j("userId", "short", "messageId", euros))),
                () -> assertNot5xx("alias with a 700 x '\u20ac' previousId",
                        post(ws, "/v1/alias", j("previousId", euros, "userId", "short", "messageId", "mb-3"))));
    }

    @Test
    void valuesDynamoDbCannotHoldAsIs_areNotA5xx() {
        var ws = Fixtures.workspace();
        assertAll(
                () -> assertNot5xx("trait 1e200", post(ws, "/v1/identify", "{\"userId\":\"v1\",\"traits\":{\"big\":1e200}}")),
                () -> assertNot5xx("trait 1e-200", post(ws, "/v1/identify", "{\"userId\":\"v2\",\"traits\":{\"tiny\":1e-200}}")),
                () -> assertNot5xx("trait of 50 digits", post(ws, "/v1/identify",
                        "{\"userId\":\"v3\",\"traits\":{\"digits\":12345678901234567890123456789012345678901234567890}}")),
                () -> assertNot5xx("property 1e200", post(ws, "/v1/track",
                        "{\"userId\":\"v4\",\"event\":\"e\",\"properties\":{\"big\":1e200}}")),
                () -> assertNot5xx("property with an empty key", post(ws, "/v1/track",
                        "{\"userId\":\"v5\",\"event\":\"e\",\"properties\":{\"\":1}}")),
                () -> assertNot5xx("nested trait with an empty key", post(ws, "/v1/identify",
                        "{\"userId\":\"v6\",\"traits\":{\"address\":{\"\":\"x\"}}}")));
    }
}
