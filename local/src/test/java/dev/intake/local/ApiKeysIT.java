package dev.intake.local;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.intake.application.CreateWorkspace;
import dev.intake.domain.Credential;
import dev.intake.domain.CredentialKind;
import dev.intake.domain.Ids;
import dev.intake.functions.admin.AdminHandler;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * API keys end to end over real HTTP: the local gateway runs KeyAuthorizer before every management route, keys
 * are created, listed and revoked with the admin function, and the public routes stay open.
 */
class ApiKeysIT {
    static final String MISSING = "Missing API key: send 'Authorization: Bearer sk_…' or 'x-api-key: sk_…'";
    static final String INVALID = "Invalid or revoked API key";

    private final AdminHandler admin = new AdminHandler(TestStack.get().services());

    /** A command as the Lambda runtime hands it over: JSON bytes to the stream method, and the answer read back. */
    private Map<String, Object> admin(Object... keyValues) {
        Map<String, Object> event = new java.util.LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) event.put((String) keyValues[i], keyValues[i + 1]);
        try {
            return adminRaw(dev.intake.json.Json.mapper().writeValueAsString(event));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private Map<String, Object> adminRaw(String event) throws java.io.IOException {
        var out = new java.io.ByteArrayOutputStream();
        admin.handleRequest(new java.io.ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, null);
        return dev.intake.json.Json.mapper().readValue(out.toByteArray(), new com.fasterxml.jackson.core.type.TypeReference<>() {});
    }

    private static HttpResponse<String> forms(String workspaceId, String... headers) {
        return Http.send("GET", "/api/workspaces/" + workspaceId + "/forms", null, headers);
    }

    /** A gateway answer never reaches a function, so it lacks the local stack's capacity header. */
    private static void assertGatewayAnswer(int status, String message, HttpResponse<String> res) {
        assertEquals(status, res.statusCode(), res.body());
        assertTrue(res.headers().firstValue(IntakeLocal.CAPACITY_HEADER).isEmpty(), "a function answered: " + res.body());
        if (message != null) assertEquals(message, Http.json(res).path("error").path("message").asText(), res.body());
    }

    @Test
    void managementRoute_withoutAKey_is401WithTheAuthorizersMessage() {
        var ws = Fixtures.workspace();

        var res = forms(ws.workspaceId());

        assertGatewayAnswer(401, MISSING, res);
        assertEquals("unauthorized", Http.json(res).path("error").path("code").asText());
        assertTrue(res.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        assertGatewayAnswer(401, MISSING, Http.send("GET", "/v1/forms/frm_x/submissions", null, "Authorization", "Basic Zm9vOmJhcg=="));
        assertGatewayAnswer(401, MISSING, Http.send("DELETE", "/api/workspaces/" + ws.workspaceId() + "/people/per_x", null));
    }

    @Test
    void managementRoute_withAWrongKeyOrAnotherKindOfKey_is401() {
        var ws = Fixtures.workspace();

        assertGatewayAnswer(401, INVALID, forms(ws.workspaceId(), "x-api-key", "sk_live_wrong"));
        assertGatewayAnswer(401, INVALID, forms(ws.workspaceId(), "Authorization", "Bearer " + ws.writeKey()));
        assertGatewayAnswer(401, INVALID, forms(ws.workspaceId(), "X-API-KEY", ws.trackKey()));
        assertEquals(200, forms(ws.workspaceId(), "AUTHORIZATION", "bearer " + ws.apiKey()).statusCode(), "header names and the scheme ignore case");
    }

    @Test
    void keyOfOneWorkspace_onAnother_isTheFunctionsNotFound() {
        var a = Fixtures.workspace();
        var b = Fixtures.workspace();

        var res = forms(b.workspaceId(), "x-api-key", a.apiKey());

        assertEquals(404, res.statusCode(), res.body());
        assertTrue(res.headers().firstValue(IntakeLocal.CAPACITY_HEADER).isPresent(), "the authorizer let it through; the function refused");
    }

    @Test
    void adminFunction_createsAWorkspaceAndKeys_thatWorkUntilRevoked() {
        var created = admin("command", "create-workspace", "name", "Acme IT");
        assertFalse(created.containsKey("error"), created.toString());
        String ws = (String) created.get("workspaceId");
        String first = (String) created.get("apiKey");
        assertTrue(first.startsWith("sk_live_"), first);
        for (String k : List.of("siteId", "trackKey", "writeKey")) assertNotNull(created.get(k), k);
        assertEquals(200, forms(ws, "Authorization", "Bearer " + first).statusCode());

        var second = admin("command", "create-api-key", "workspaceId", ws);
        String secondKey = (String) second.get("apiKey");
        assertEquals(ws, second.get("workspaceId"));
        assertEquals(secondKey.substring(0, 12), second.get("prefix"));
        assertEquals("api_key", second.get("kind"));
        assertEquals(200, forms(ws, "x-api-key", secondKey).statusCode());
        assertNotNull(TestStack.get().services().workspaces.findCredential(Ids.sha256(secondKey)).orElseThrow().usageKey());

        @SuppressWarnings("unchecked")
        var keys = (List<Map<String, Object>>) admin("command", "list-api-keys", "workspaceId", ws).get("keys");
        assertEquals(4, keys.size(), keys.toString());
        assertEquals(List.of("api_key", "api_key", "track_key", "write_key"), keys.stream().map(k -> (String) k.get("kind")).sorted().toList());
        String listed = keys.toString();
        for (Object secret : List.of(first, secondKey, created.get("trackKey"), created.get("writeKey"))) {
            assertFalse(listed.contains((String) secret), "a secret in " + listed);
            assertFalse(listed.contains(Ids.sha256((String) secret)), "a digest in " + listed);
        }

        var revoked = admin("command", "revoke-api-key", "workspaceId", ws, "prefix", Credential.prefixOf(first));
        assertEquals(Boolean.TRUE, revoked.get("revoked"), revoked.toString());
        assertGatewayAnswer(401, INVALID, forms(ws, "Authorization", "Bearer " + first));
        assertGatewayAnswer(401, INVALID, Http.send("GET", "/v1/forms/frm_x/submissions", null, "x-api-key", first));
        assertEquals(200, forms(ws, "x-api-key", secondKey).statusCode(), "the other key still works");

        assertEquals(Boolean.TRUE, admin("command", "revoke-api-key", "workspaceId", ws, "id", revoked.get("id")).get("revoked"),
                "revoking twice is fine");
        admin("command", "revoke-api-key", "workspaceId", ws, "id", second.get("id"));
        assertGatewayAnswer(401, INVALID, forms(ws, "x-api-key", secondKey));
        @SuppressWarnings("unchecked")
        var after = (List<Map<String, Object>>) admin("command", "list-api-keys", "workspaceId", ws).get("keys");
        assertEquals(2, after.stream().filter(k -> Boolean.TRUE.equals(k.get("revoked"))).count(), after.toString());
    }

    @Test
    void adminFunction_answersClearErrors() {
        var ws = Fixtures.workspace();

        assertError("unknown_command", admin("command", "drop-tables"));
        assertError("unknown_command", admin());
        assertError("missing_field", admin("command", "create-workspace"));
        assertError("missing_field", admin("command", "create-api-key"));
        assertError("invalid_field", admin("command", "list-api-keys", "workspaceId", 42));
        assertError("not_found", admin("command", "list-api-keys", "workspaceId", "ws_nobody"));
        assertError("not_found", admin("command", "create-api-key", "workspaceId", "ws_nobody"));
        assertError("missing_field", admin("command", "revoke-api-key", "workspaceId", ws.workspaceId()));
        assertError("not_found", admin("command", "revoke-api-key", "workspaceId", ws.workspaceId(), "prefix", "sk_live_none"));
        var err = admin("command", "revoke-api-key", "workspaceId", ws.workspaceId(), "prefix", Credential.prefixOf(ws.trackKey()));
        assertError("not_found", err);
        assertTrue(new dev.intake.application.Authenticator(TestStack.get().services().workspaces)
                .workspaceForSite(ws.siteId(), ws.trackKey()).id().equals(ws.workspaceId()), "a track key is not revoked as an API key");
        assertEquals(0, TestStack.get().services().workspaces.listCredentials(ws.workspaceId()).stream().filter(Credential::revoked).count());
    }

    @Test
    void adminFunction_answersMalformedOrNonObjectEvents_withAClearError() throws Exception {
        for (String event : List.of("{\"command\":", "not json", "[\"create-workspace\"]", "\"create-workspace\"", "42", "{} {}")) {
            assertError("invalid_event", adminRaw(event));
        }
        assertError("unknown_command", adminRaw(""));
        assertError("unknown_command", adminRaw("null"));
        assertError("unknown_command", adminRaw("{}"));
        var created = adminRaw("{\"command\":\"create-workspace\",\"name\":\"Über Acme\"}");
        assertEquals("Über Acme", created.get("name"), created.toString());
        assertTrue(((String) created.get("apiKey")).startsWith("sk_live_"), created.toString());
    }

    private static void assertError(String code, Map<String, Object> answer) {
        @SuppressWarnings("unchecked")
        var error = (Map<String, Object>) answer.get("error");
        assertNotNull(error, answer.toString());
        assertEquals(code, error.get("code"), answer.toString());
        assertFalse(((String) error.get("message")).isBlank());
    }

    @Test
    void apiKeyWithoutAUsageKey_isRefusedByTheGateway() {
        var s = new CreateWorkspace.Secrets(null, null, null, null, null).withDefaults();
        Instant now = Instant.now();
        // As keys made before they were metered: no usage key, so API Gateway's usage plan knows none.
        TestStack.get().services().workspaces.create(new dev.intake.domain.Workspace(s.workspaceId(), "Legacy", s.siteId(), now),
                List.of(Credential.of(s.apiKey(), CredentialKind.API_KEY, s.workspaceId(), now)));

        var res = forms(s.workspaceId(), "x-api-key", s.apiKey());

        assertGatewayAnswer(403, null, res);
        assertEquals("forbidden", Http.json(res).path("error").path("code").asText());
    }

    @Test
    void publicRoutes_needNoKey() {
        var ws = Fixtures.workspace();
        String formId = Fixtures.seedForm(ws, false).path("id").asText();

        var submit = Http.send("POST", "/api/forms/" + formId + "/submit", Fixtures.SEED_003_SUBMIT, "Content-Type", "application/json");
        assertEquals(201, submit.statusCode(), submit.body());
        var preflight = Http.send("OPTIONS", "/api/forms/" + formId + "/submit", null,
                "Origin", "https://example.com", "Access-Control-Request-Method", "POST");
        assertEquals(204, preflight.statusCode(), preflight.body());
        String basic = "Basic " + Base64.getEncoder().encodeToString((ws.writeKey() + ":").getBytes(StandardCharsets.UTF_8));
        var track = Http.send("POST", "/v1/track", "{\"userId\":\"u1\",\"event\":\"Signed Up\"}", "Authorization", basic,
                "Content-Type", "application/json");
        assertEquals(200, track.statusCode(), track.body());
        var thanks = Http.send("GET", "/forms/thank_you?site_id=" + ws.siteId() + "&form_id=" + formId, null);
        assertEquals(200, thanks.statusCode(), thanks.body());
        JsonNode wrongTrack = Http.json(Http.send("POST", "/v1/track", "{\"userId\":\"u1\",\"event\":\"x\"}", "Content-Type", "application/json"));
        assertEquals("unauthorized", wrongTrack.path("error").path("code").asText(), "tracking checks its write key in the function");
    }
}
