package dev.intake.local;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.intake.application.CreateWorkspace;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The people API over real HTTP: look-ups by email and by id, and GDPR erasure. */
class PeopleApiIT {
    static HttpResponse<String> find(CreateWorkspace.Secrets ws, String query) {
        return Http.send("GET", "/api/workspaces/" + ws.workspaceId() + "/people?" + query, null, "x-api-key", ws.apiKey());
    }

    static HttpResponse<String> erase(CreateWorkspace.Secrets ws, String personId) {
        return Http.send("DELETE", "/api/workspaces/" + ws.workspaceId() + "/people/" + personId, null,
                "Authorization", "Bearer " + ws.apiKey());
    }

    static String publicSubmit(String formId, String body) {
        var res = Http.send("POST", "/api/forms/" + formId + "/submit", body, "Content-Type", "application/json");
        assertEquals(201, res.statusCode(), res.body());
        return Http.json(res).path("submissionId").asText();
    }

    static void backendSubmit(CreateWorkspace.Secrets ws, String formId, String data) {
        String basic = Base64.getEncoder().encodeToString((ws.siteId() + ":" + ws.trackKey()).getBytes(StandardCharsets.UTF_8));
        var res = Http.send("POST", "/api/v1/forms/" + formId + "/submit", "{\"data\":" + data + "}",
                "Authorization", "Basic " + basic, "Content-Type", "application/json");
        assertEquals(204, res.statusCode(), res.body());
    }


    @Test
    void findByEmail_showsIdentifiersAttributesConsentAndTimestamps() {
        var ws = Fixtures.workspace();
        String formId = Fixtures.seedForm(ws, false).path("id").asText();
        publicSubmit(formId, Fixtures.SEED_003_SUBMIT);
        var res = find(ws, "email=%20%20Jane%40Example.com%20");
        assertEquals(200, res.statusCode(), res.body());
        JsonNode p = Http.json(res);
        assertTrue(p.path("id").asText().matches("per_[0-9A-Za-z]{16}"), p.toString());
        assertEquals("jane@example.com", p.path("identifiers").path("email").asText());
        assertTrue(p.path("identifiers").path("id").isNull());
        assertTrue(p.path("anonymousIds").isArray());
        assertEquals("Jane", p.path("attributes").path("firstName").asText());
        assertEquals("marketing", p.path("attributes").path("interests").asText());
        assertFalse(p.path("attributes").has("email"), "identifiers are not repeated as attributes");
        assertEquals("OPTED_IN", p.path("consent").path("state").asText());
        JsonNode record = p.path("consent").path("record");
        assertEquals(formId, record.path("formId").asText());
        assertEquals("form", record.path("source").asText());
        assertEquals("127.0.0.1", record.path("ip").asText());
        Instant.parse(record.path("at").asText());
        assertFalse(Instant.parse(p.path("updatedAt").asText()).isBefore(Instant.parse(p.path("createdAt").asText())));
    }

    @Test
    void longTextAttributes_areStoredGzipped_andReadBackExactly() throws Exception {
        var ws = Fixtures.workspace();
        String formId = Fixtures.seedForm(ws, false).path("id").asText();
        String message = "Grüße! " + "We would like to hear about pricing for the forms export. ".repeat(20) + "😀";
        String note = "n".repeat(256);
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("email", "long.text@example.com");
        body.put("firstName", "Lin");
        body.put("message", message);
        body.put("note", note);
        publicSubmit(formId, dev.intake.json.Json.mapper().writeValueAsString(body));

        JsonNode attributes = Http.json(find(ws, "email=long.text%40example.com")).path("attributes");
        assertEquals(message, attributes.path("message").asText());
        assertEquals(note, attributes.path("note").asText());
        assertEquals("Lin", attributes.path("firstName").asText());

        var stack = TestStack.get();
        var item = stack.dynamo().scanPaginator(r -> r.tableName(stack.services().config.tables().people())).items().stream()
                .filter(i -> i.containsKey("email") && "long.text@example.com".equals(i.get("email").s())).findFirst().orElseThrow();
        assertNotNull(item.get("a.message").b(), "text over 256 bytes is stored gzipped: " + item.get("a.message"));
        assertTrue(item.get("a.message").b().asByteArray().length < message.getBytes(StandardCharsets.UTF_8).length / 2);
        assertEquals(note, item.get("a.note").s(), "text of 256 bytes stays a string");
        assertEquals("Lin", item.get("a.firstName").s());
    }

    @Test
    void findById_andAnIdKeyedPersonByEmail() {
        var ws = Fixtures.workspace();
        backendSubmit(ws, "signup", "{\"id\":42,\"email\":\"Cool.Person@Example.com\",\"plan\":\"pro\"}");
        JsonNode byId = Http.json(find(ws, "id=42"));
        assertEquals("42", byId.path("identifiers").path("id").asText());
        assertEquals("cool.person@example.com", byId.path("identifiers").path("email").asText());
        assertEquals("pro", byId.path("attributes").path("plan").asText());
        var byEmail = find(ws, "email=cool.person%40example.com");
        assertEquals(200, byEmail.statusCode(), byEmail.body());
        assertEquals(byId.path("id").asText(), Http.json(byEmail).path("id").asText());
    }

    @Test
    void find_needsExactlyOneIdentifier_andUnknownPeopleAre404() {
        var ws = Fixtures.workspace();
        for (String q : List.of("", "email=a%40b.co&id=1", "email=", "id=%20", "other=1")) {
            var res = find(ws, q);
            assertEquals(400, res.statusCode(), q + " -> " + res.body());
        }
        assertEquals(404, find(ws, "email=nobody%40example.com").statusCode());
        assertEquals(404, find(ws, "id=nobody").statusCode());
        assertEquals(401, Http.send("GET", "/api/workspaces/" + ws.workspaceId() + "/people?id=1", null).statusCode());
    }

    @Test
    void erase_removesThePersonAndEverySubmissionOfTheirs_acrossForms() {
        var ws = Fixtures.workspace();
        String formA = Fixtures.seedForm(ws, false).path("id").asText();
        String formB = Fixtures.seedForm(ws, true).path("id").asText();
        String janeA1 = publicSubmit(formA, Fixtures.SEED_003_SUBMIT);
        String janeA2 = publicSubmit(formA, "{\"email\":\"JANE@example.com\",\"firstName\":\"J\"}");
        String janeB = publicSubmit(formB, Fixtures.SEED_003_SUBMIT);
        String bob = publicSubmit(formA, "{\"email\":\"bob@example.com\",\"firstName\":\"Bob\"}");
        String personId = Http.json(find(ws, "email=jane%40example.com")).path("id").asText();
        assertEquals(3, Fixtures.submissionCount(ws, formA));

        var res = erase(ws, personId);
        assertEquals(204, res.statusCode(), res.body());
        assertEquals("", res.body());
        assertEquals(List.of(bob), Fixtures.storedSubmissionIds(formA), "Jane's submissions to form A are gone, Bob's stays");
        assertEquals(List.of(), Fixtures.storedSubmissionIds(formB));
        assertEquals(1, Fixtures.submissionCount(ws, formA));
        assertEquals(0, Fixtures.submissionCount(ws, formB));
        for (String id : List.of(janeA1, janeA2)) {
            assertEquals(404, Http.send("GET", "/v1/forms/" + formA + "/submissions/" + id, null, "x-api-key", ws.apiKey()).statusCode());
        }
        assertEquals(404, Http.send("GET", "/v1/forms/" + formB + "/submissions/" + janeB, null, "x-api-key", ws.apiKey()).statusCode());
        assertEquals(404, find(ws, "email=jane%40example.com").statusCode());
        assertEquals(200, find(ws, "email=bob%40example.com").statusCode());
        assertEquals(404, erase(ws, personId).statusCode(), "erasing twice is a 404");

        // The erasure is recorded, with counts and no personal data.
        var stack = TestStack.get();
        var records = stack.dynamo().query(r -> r.tableName(stack.services().config.tables().people())
                .keyConditionExpression("pk = :pk")
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("ERASURE#" + ws.workspaceId())))).items();
        assertEquals(1, records.size());
        assertEquals("3", records.get(0).get("submissionsDeleted").n());
        String stored = records.get(0).toString();
        for (String secret : List.of("jane", "Jane", personId, "127.0.0.1")) assertFalse(stored.contains(secret), stored);
        // Nothing of Jane is left in any table.
        for (String table : List.of(stack.services().config.tables().people(), stack.services().config.tables().submissions())) {
            stack.dynamo().scanPaginator(r -> r.tableName(table)).items().forEach(item ->
                    assertFalse(item.toString().toLowerCase().contains("jane@example.com") || item.toString().contains(personId),
                            table + " still holds " + item));
        }
    }

    @Test
    void erase_malformedOrUnknownOrForeignIds_are404() {
        var a = Fixtures.workspace();
        var b = Fixtures.workspace();
        String formA = Fixtures.seedForm(a, false).path("id").asText();
        publicSubmit(formA, Fixtures.SEED_003_SUBMIT);
        String personOfA = Http.json(find(a, "email=jane%40example.com")).path("id").asText();
        for (String bad : List.of("per_0000000000000000", "nope", "..%2F..", personOfA + "x")) {
            assertEquals(404, erase(a, bad).statusCode(), bad);
        }
        assertEquals(404, erase(b, personOfA).statusCode(), "another workspace's person");
        assertEquals(404, Http.send("DELETE", "/api/workspaces/" + a.workspaceId() + "/people/" + personOfA, null,
                "x-api-key", b.apiKey()).statusCode(), "another workspace's path");
        assertEquals(200, find(a, "email=jane%40example.com").statusCode(), "A's person is untouched");
        assertEquals(1, Fixtures.storedSubmissionIds(formA).size());
    }
}
