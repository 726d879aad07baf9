package dev.intake.local;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.intake.application.CreateWorkspace;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Two workspaces, and every id and cursor of one tried with the other's API key on every management
 * route: each answers 404 (or 400 for a cursor on one's own form), and nothing of A changes.
 */
class TenantIsolationIT {
    record Probe(String method, String path, String body) {}

    @Test
    void everyIdAndCursorOfOneWorkspace_isInvisibleToTheOther() {
        CreateWorkspace.Secrets a = Fixtures.workspace();
        CreateWorkspace.Secrets b = Fixtures.workspace();
        String formA = Fixtures.seedForm(a, false).path("id").asText();
        String formB = Fixtures.seedForm(b, false).path("id").asText();
        List<String> subsA = new ArrayList<>();
        for (String email : List.of("one@example.com", "two@example.com", "three@example.com")) {
            var res = Http.send("POST", "/v1/forms/" + formA + "/submissions", "{\"data\":{\"email\":\"" + email + "\"}}",
                    "x-api-key", a.apiKey(), "Content-Type", "application/json");
            assertEquals(201, res.statusCode(), res.body());
            subsA.add(Http.json(res).path("id").asText());
        }
        JsonNode page = Http.json(Http.send("GET", "/v1/forms/" + formA + "/submissions?limit=1", null, "x-api-key", a.apiKey()));
        String cursorA = page.path("next_cursor").asText();
        String personA = Http.json(Http.send("GET", "/api/workspaces/" + a.workspaceId() + "/people?email=one%40example.com",
                null, "x-api-key", a.apiKey())).path("id").asText();
        assertTrue(personA.startsWith("per_"));
        // Disabled, so A's submissions above do not make it call anything.
        var campaignRes = Http.send("POST", "/api/workspaces/" + a.workspaceId() + "/campaigns",
                "{\"name\":\"Welcome\",\"enabled\":false,\"trigger\":{\"type\":\"form_submitted\"},"
                        + "\"actions\":[{\"type\":\"webhook\",\"url\":\"https://hooks.example.com/a\"}]}",
                "x-api-key", a.apiKey(), "Content-Type", "application/json");
        assertEquals(201, campaignRes.statusCode(), campaignRes.body());
        String campaignA = Http.json(campaignRes).path("id").asText();

        String wsA = "/api/workspaces/" + a.workspaceId();
        String wsB = "/api/workspaces/" + b.workspaceId();
        List<Probe> probes = List.of(
                new Probe("GET", wsA + "/forms", null),
                new Probe("POST", wsA + "/forms", "{\"name\":\"x\"}"),
                new Probe("GET", wsA + "/forms/" + formA, null),
                new Probe("GET", wsB + "/forms/" + formA, null),
                new Probe("PATCH", wsB + "/forms/" + formA, "{\"name\":\"hijacked\"}"),
                new Probe("DELETE", wsB + "/forms/" + formA, null),
                new Probe("GET", "/v1/forms/" + formA + "/submissions", null),
                new Probe("GET", "/v1/forms/" + formA + "/submissions?cursor=" + cursorA, null),
                new Probe("POST", "/v1/forms/" + formA + "/submissions", "{\"data\":{\"email\":\"intruder@example.com\"}}"),
                new Probe("GET", "/v1/forms/" + formA + "/submissions/" + subsA.get(0), null),
                new Probe("DELETE", "/v1/forms/" + formA + "/submissions/" + subsA.get(0), null),
                new Probe("GET", "/v1/forms/" + formB + "/submissions/" + subsA.get(0), null),
                new Probe("DELETE", "/v1/forms/" + formB + "/submissions/" + subsA.get(1), null),
                new Probe("GET", wsA + "/people?email=one%40example.com", null),
                new Probe("GET", wsB + "/people?email=one%40example.com", null),
                new Probe("DELETE", wsA + "/people/" + personA, null),
                new Probe("DELETE", wsB + "/people/" + personA, null),
                new Probe("GET", wsA + "/campaigns", null),
                new Probe("POST", wsA + "/campaigns", "{\"name\":\"x\"}"),
                new Probe("GET", wsA + "/campaigns/" + campaignA, null),
                new Probe("GET", wsB + "/campaigns/" + campaignA, null),
                new Probe("PATCH", wsB + "/campaigns/" + campaignA, "{\"name\":\"hijacked\"}"),
                new Probe("DELETE", wsB + "/campaigns/" + campaignA, null),
                new Probe("GET", wsB + "/campaigns/" + campaignA + "/deliveries", null),
                new Probe("GET", wsA + "/campaigns/double_opt_in/deliveries", null),
                new Probe("POST", wsB + "/campaigns/" + campaignA + "/deliveries/dlv_0000000000000000/retry", null));
        for (Probe p : probes) {
            HttpResponse<String> res = Http.send(p.method(), p.path(), p.body(), "Authorization", "Bearer " + b.apiKey(),
                    "Content-Type", "application/json");
            assertEquals(404, res.statusCode(), p + " -> " + res.body());
            assertFalse(res.body().contains("one@example.com") || res.body().contains(subsA.get(0)), res.body());
        }
        // A's cursor on B's own form: not a cursor B's listing issued.
        var foreignCursor = Http.send("GET", "/v1/forms/" + formB + "/submissions?cursor=" + cursorA, null, "x-api-key", b.apiKey());
        assertEquals(400, foreignCursor.statusCode(), foreignCursor.body());

        // Nothing of A changed.
        assertEquals(subsA.reversed(), ids(Http.json(Http.send("GET", "/v1/forms/" + formA + "/submissions", null, "x-api-key", a.apiKey()))));
        assertEquals("Newsletter Signup", Http.json(Http.send("GET", wsA + "/forms/" + formA, null, "x-api-key", a.apiKey())).path("name").asText());
        assertEquals(3, Fixtures.submissionCount(a, formA));
        assertEquals(200, Http.send("GET", wsA + "/people?email=one%40example.com", null, "x-api-key", a.apiKey()).statusCode());
        assertEquals(0, Fixtures.submissionCount(b, formB));
        assertEquals("Welcome", Http.json(Http.send("GET", wsA + "/campaigns/" + campaignA, null, "x-api-key", a.apiKey())).path("name").asText());
    }

    private static List<String> ids(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.path("data").forEach(s -> ids.add(s.path("id").asText()));
        return ids;
    }
}
