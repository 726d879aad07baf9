package dev.intake.local;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.intake.application.CreateWorkspace;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** The forms management API over real HTTP: auth, tenant isolation, CRUD, pagination, bad input. */
class FormsApiIT {
    private static HttpResponse<String> call(CreateWorkspace.Secrets ws, String method, String path, String body) {
        return Http.send(method, "/api/workspaces/" + ws.workspaceId() + "/forms" + path, body,
                "Authorization", "Bearer " + ws.apiKey(), "Content-Type", "application/json");
    }

    @Test
    void create_seed003Body_assignsIdsAndKeepsSettings() {
        var ws = Fixtures.workspace();
        JsonNode form = Fixtures.seedForm(ws, true);
        assertTrue(form.path("id").asText().matches("frm_[0-9A-Za-z]{10}"));
        assertEquals(3, form.path("fields").size());
        form.path("fields").forEach(f -> assertTrue(f.path("id").asText().matches("fld_[0-9A-Za-z]{8}"), f.toString()));
        assertEquals("email", form.path("fields").get(0).path("type").asText());
        assertEquals("marketing", form.path("fields").get(2).path("options").get(1).asText());
        assertEquals("https://example.com/thank-you", form.path("settings").path("redirectUrl").asText());
        assertTrue(form.path("doubleOptIn").asBoolean());
        assertEquals(0, form.path("_count").path("submissions").asLong());
        assertFalse(form.path("createdAt").asText().isEmpty());
    }

    @Test
    void auth_missingOrWrongOrOtherKindOfKey_is401() {
        var ws = Fixtures.workspace();
        assertEquals(401, Http.send("GET", "/api/workspaces/" + ws.workspaceId() + "/forms", null).statusCode());
        assertEquals(401, Http.send("GET", "/api/workspaces/" + ws.workspaceId() + "/forms", null, "x-api-key", "sk_live_wrong").statusCode());
        var viaTrackKey = Http.send("GET", "/api/workspaces/" + ws.workspaceId() + "/forms", null, "Authorization", "Bearer " + ws.trackKey());
        assertEquals(401, viaTrackKey.statusCode());
        assertEquals("unauthorized", Http.json(viaTrackKey).path("error").path("code").asText());
        assertEquals(200, Http.send("GET", "/api/workspaces/" + ws.workspaceId() + "/forms", null, "x-api-key", ws.apiKey()).statusCode());
    }

    @Test
    void isolation_otherWorkspacesIdsAre404() {
        var a = Fixtures.workspace();
        var b = Fixtures.workspace();
        String formOfA = Fixtures.seedForm(a, false).path("id").asText();
        var listA = Http.send("GET", "/api/workspaces/" + a.workspaceId() + "/forms", null, "x-api-key", b.apiKey());
        assertEquals(404, listA.statusCode());
        for (String method : new String[] {"GET", "DELETE"}) {
            assertEquals(404, Http.send(method, "/api/workspaces/" + a.workspaceId() + "/forms/" + formOfA, null, "x-api-key", b.apiKey()).statusCode());
            assertEquals(404, Http.send(method, "/api/workspaces/" + b.workspaceId() + "/forms/" + formOfA, null, "x-api-key", b.apiKey()).statusCode());
        }
        var patch = Http.send("PATCH", "/api/workspaces/" + b.workspaceId() + "/forms/" + formOfA, "{\"name\":\"hijack\"}",
                "x-api-key", b.apiKey(), "Content-Type", "application/json");
        assertEquals(404, patch.statusCode());
        assertEquals("Newsletter Signup", Http.json(call(a, "GET", "/" + formOfA, null)).path("name").asText());
        assertEquals(0, Http.json(call(b, "GET", "", null)).path("pagination").path("total").asInt());
    }

    @Test
    void list_pagesWithPageAndLimit() {
        var ws = Fixtures.workspace();
        for (int i = 0; i < 3; i++) Fixtures.createForm(ws, "{\"name\":\"Form " + i + "\"}");
        JsonNode page1 = Http.json(call(ws, "GET", "?page=1&limit=2", null));
        assertEquals(2, page1.path("data").size());
        assertEquals("Form 2", page1.path("data").get(0).path("name").asText(), "newest first");
        assertEquals(3, page1.path("pagination").path("total").asInt());
        assertEquals(2, page1.path("pagination").path("totalPages").asInt());
        JsonNode page2 = Http.json(call(ws, "GET", "?page=2&limit=2", null));
        assertEquals(1, page2.path("data").size());
        assertEquals("Form 0", page2.path("data").get(0).path("name").asText());
        assertEquals(50, Http.json(call(ws, "GET", "", null)).path("pagination").path("limit").asInt());
        for (String bad : new String[] {"?limit=0", "?limit=101", "?limit=abc", "?page=0", "?page=-1"}) {
            var res = call(ws, "GET", bad, null);
            assertEquals(400, res.statusCode(), bad);
            assertFalse(Http.json(res).path("error").path("fields").isEmpty(), bad);
        }
    }

    @Test
    void patch_changesNameSettingsAndMappings() {
        var ws = Fixtures.workspace();
        JsonNode form = Fixtures.createForm(ws, "{\"name\":\"Lead\",\"fields\":[{\"name\":\"email_address\",\"type\":\"email\"}]}");
        assertEquals("needs_mapping", form.path("status").asText());
        String id = form.path("id").asText();
        String fieldId = form.path("fields").get(0).path("id").asText();

        var res = call(ws, "PATCH", "/" + id, "{\"name\":\"Leads\",\"fields\":[{\"id\":\"" + fieldId + "\",\"attribute\":\"email\"},"
                + "{\"name\":\"company\",\"type\":\"text\"}],\"settings\":{\"redirectUrl\":\"https://example.com/ok\"}}");
        assertEquals(200, res.statusCode(), res.body());
        JsonNode patched = Http.json(res);
        assertEquals("Leads", patched.path("name").asText());
        assertEquals("active", patched.path("status").asText());
        assertEquals("email", patched.path("fields").get(0).path("attribute").asText());
        assertEquals(fieldId, patched.path("fields").get(0).path("id").asText());
        assertEquals("company", patched.path("fields").get(1).path("name").asText());
        assertEquals("https://example.com/ok", patched.path("settings").path("redirectUrl").asText());
        assertEquals(patched, Http.json(call(ws, "GET", "/" + id, null)));
    }

    @Test
    void delete_removesTheFormAndSecondDeleteIs404() {
        var ws = Fixtures.workspace();
        String id = Fixtures.seedForm(ws, false).path("id").asText();
        assertEquals(204, call(ws, "DELETE", "/" + id, null).statusCode());
        assertEquals(404, call(ws, "GET", "/" + id, null).statusCode());
        assertEquals(404, call(ws, "DELETE", "/" + id, null).statusCode());
        assertEquals(404, PublicSubmitIT.submit(id, Fixtures.SEED_003_SUBMIT).statusCode());
    }

    @Test
    void create_badBodies_are400NamingTheProblem() {
        var ws = Fixtures.workspace();
        String[][] cases = {
                {"{}", "missing_name"},
                {"{\"name\":\"x\",\"fields\":[{\"name\":\"a\",\"type\":\"select\"}]}", "missing_options"},
                {"{\"name\":\"x\",\"fields\":[{\"name\":\"a\"},{\"name\":\"a\"}]}", "duplicate_field"},
                {"{\"name\":\"x\",\"fields\":[{\"name\":\"a\",\"type\":\"hologram\"}]}", "invalid_field_type"},
                {"{\"name\":\"x\",\"settings\":{\"colour\":\"red\"}}", "invalid_body"},
                {"{\"name\":5}", "invalid_body"},
                {"not json", "invalid_json"},
                {"[]", "invalid_body"},
        };
        for (String[] c : cases) {
            var res = call(ws, "POST", "", c[0]);
            assertEquals(400, res.statusCode(), c[0]);
            assertEquals(c[1], Http.json(res).path("error").path("code").asText(), c[0]);
        }
        assertEquals(0, Http.json(call(ws, "GET", "", null)).path("pagination").path("total").asInt(), "nothing was stored");
    }
}
