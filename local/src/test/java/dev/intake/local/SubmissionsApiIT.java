package dev.intake.local;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.intake.application.CreateWorkspace;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The submissions API of seed 001 over real HTTP: list with cursors, get, create, delete. */
class SubmissionsApiIT {
    /** The form of seed 001's examples: a name, an email and a multi-choice field. */
    static final String SEED_001_FORM = """
            {"name":"Event registration","fields":[
              {"name":"name","type":"text","required":true},
              {"name":"email","type":"email","required":true},
              {"name":"sessions","type":"checkbox","options":["Keynote","Workshop A","Workshop B","Networking Lunch"]}]}""";

    record SeedForm(CreateWorkspace.Secrets ws, String id, String name, String email, String sessions) {}

    static SeedForm seedForm() {
        var ws = Fixtures.workspace();
        JsonNode form = Fixtures.createForm(ws, SEED_001_FORM);
        JsonNode f = form.path("fields");
        return new SeedForm(ws, form.path("id").asText(), f.get(0).path("id").asText(), f.get(1).path("id").asText(),
                f.get(2).path("id").asText());
    }

    static HttpResponse<String> api(CreateWorkspace.Secrets ws, String method, String path, String body, String... headers) {
        List<String> h = new ArrayList<>(List.of("Authorization", "Bearer " + ws.apiKey(), "Content-Type", "application/json"));
        h.addAll(List.of(headers));
        return Http.send(method, path, body, h.toArray(String[]::new));
    }

    static JsonNode create(SeedForm f, String name, String email) {
        var res = api(f.ws(), "POST", "/v1/forms/" + f.id() + "/submissions",
                "{\"data\":{\"" + f.name() + "\":\"" + name + "\",\"" + f.email() + "\":\"" + email + "\"}}");
        assertEquals(201, res.statusCode(), res.body());
        return Http.json(res);
    }

    static JsonNode list(SeedForm f, String query) {
        var res = api(f.ws(), "GET", "/v1/forms/" + f.id() + "/submissions" + query, null);
        assertEquals(200, res.statusCode(), res.body());
        return Http.json(res);
    }

    static List<String> ids(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.path("data").forEach(s -> ids.add(s.path("id").asText()));
        return ids;
    }

    static String enc(String s) { return URLEncoder.encode(s, StandardCharsets.UTF_8); }

    /** Runs a curl command line from seed 001 through bash; returns the body and, on the last line, the status. */
    static String[] curl(String command) throws IOException, InterruptedException {
        var p = new ProcessBuilder("bash", "-c", command.strip() + " --silent --show-error --write-out '\\n%{http_code}'")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        int nl = out.lastIndexOf('\n');
        return new String[] {out.substring(0, nl), out.substring(nl + 1)};
    }

    @Test
    void seed001_curlExamples_workAsWritten() throws Exception {
        SeedForm f = seedForm();
        // Seed 001's commands with only the host, the key and the form's and fields' ids swapped.
        String base = TestStack.get().baseUrl();
        String create = """
                curl --request POST \\
                --url "https://api.formflows.ai/v1/forms/frm_8kQmP2xNvL/submissions" \\
                --header "Authorization: Bearer sk_live_your_api_key" \\
                --header "Content-Type: application/json" \\
                --data '{
                "data": {
                "fld_a1B2c3D4": "Priya Patel",
                "fld_e5F6g7H8": "priya@example.com",
                "fld_i9J0k1L2": ["Keynote", "Networking Lunch"]
                }
                }'""";
        String swapped = create.replace("https://api.formflows.ai", base).replace("sk_live_your_api_key", f.ws().apiKey())
                .replace("frm_8kQmP2xNvL", f.id()).replace("fld_a1B2c3D4", f.name()).replace("fld_e5F6g7H8", f.email())
                .replace("fld_i9J0k1L2", f.sessions());
        String[] created = curl(swapped);
        assertEquals("201", created[1], created[0]);
        JsonNode sub = Http.parse((created[0]));
        String id = sub.path("id").asText();
        assertTrue(id.matches("sub_[0-9A-Za-z]{16}"), id);
        assertEquals(f.id(), sub.path("form_id").asText());
        assertEquals("Priya Patel", sub.path("data").path(f.name()).asText());
        assertEquals("priya@example.com", sub.path("data").path(f.email()).asText());
        assertEquals(List.of("Keynote", "Networking Lunch"),
                List.of(sub.path("data").path(f.sessions()).get(0).asText(), sub.path("data").path(f.sessions()).get(1).asText()));
        JsonNode meta = sub.path("metadata");
        assertTrue(meta.path("ip").isNull() && meta.path("user_agent").isNull() && meta.path("referrer").isNull(), meta.toString());
        assertEquals("api", meta.path("source").asText());
        Instant at = Instant.parse(sub.path("submitted_at").asText());
        assertTrue(Math.abs(at.toEpochMilli() - System.currentTimeMillis()) < 60_000, at.toString());

        String[] listed = curl("""
                curl --request GET \\
                --url "%s/v1/forms/%s/submissions?limit=25" \\
                --header "Authorization: Bearer %s"
                """.formatted(base, f.id(), f.ws().apiKey()));
        assertEquals("200", listed[1], listed[0]);
        JsonNode page = Http.parse((listed[0]));
        assertEquals(List.of(id), ids(page));
        assertEquals(sub, page.path("data").get(0), "a listed submission is the full object");
        assertTrue(page.path("next_cursor").isNull());
        assertFalse(page.path("has_more").asBoolean(true));

        String[] got = curl("""
                curl --request GET \\
                --url "%s/v1/forms/%s/submissions/%s" \\
                --header "Authorization: Bearer %s"
                """.formatted(base, f.id(), id, f.ws().apiKey()));
        assertEquals("200", got[1], got[0]);
        assertEquals(sub, Http.parse((got[0])));

        String delete = """
                curl --request DELETE \\
                --url "%s/v1/forms/%s/submissions/%s" \\
                --header "Authorization: Bearer %s"
                """.formatted(base, f.id(), id, f.ws().apiKey());
        String[] deleted = curl(delete);
        assertEquals("204", deleted[1]);
        assertEquals("", deleted[0]);
        assertEquals("404", curl(delete)[1], "deleting twice is a 404");
        assertEquals("404", curl("curl %s/v1/forms/%s/submissions/%s -H 'Authorization: Bearer %s'"
                .formatted(base, f.id(), id, f.ws().apiKey()))[1]);
    }

    @Test
    void list_isNewestFirst_withDefaultLimit25_andMax100() {
        SeedForm f = seedForm();
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 27; i++) created.add(create(f, "Person " + i, "p" + i + "@example.com").path("id").asText());
        List<String> newestFirst = created.reversed();
        JsonNode page = list(f, "");
        assertEquals(newestFirst.subList(0, 25), ids(page));
        assertTrue(page.path("has_more").asBoolean());
        assertTrue(page.path("next_cursor").asText().startsWith("cur_"));
        JsonNode rest = list(f, "?cursor=" + page.path("next_cursor").asText());
        assertEquals(newestFirst.subList(25, 27), ids(rest));
        assertFalse(rest.path("has_more").asBoolean(true));
        assertTrue(rest.path("next_cursor").isNull());
        assertEquals(newestFirst, ids(list(f, "?limit=100")));
        assertEquals(newestFirst.subList(0, 1), ids(list(f, "?limit=1")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "101", "-1", "abc", "1.5", "", "99999999999"})
    void list_limitOutside1To100_is400(String limit) {
        SeedForm f = seedForm();
        var res = api(f.ws(), "GET", "/v1/forms/" + f.id() + "/submissions?limit=" + enc(limit), null);
        assertEquals(400, res.statusCode(), res.body());
        assertEquals(List.of("limit"), fields(res));
    }

    @Test
    void cursors_walkEveryPageOnce_whileNewSubmissionsArrive() {
        SeedForm f = seedForm();
        Set<String> before = new HashSet<>();
        for (int i = 0; i < 7; i++) before.add(create(f, "Early " + i, "early" + i + "@example.com").path("id").asText());
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonNode page = list(f, "?limit=2" + (cursor == null ? "" : "&cursor=" + cursor));
            seen.addAll(ids(page));
            assertEquals(page.path("has_more").asBoolean(), !page.path("next_cursor").isNull());
            cursor = page.path("has_more").asBoolean() ? page.path("next_cursor").asText() : null;
            create(f, "Late " + pages, "late" + pages + "@example.com"); // arrives between pages
            pages++;
        } while (cursor != null && pages < 20);
        assertEquals(before, new HashSet<>(seen), "every submission stored before page one, and only those");
        assertEquals(seen.size(), new HashSet<>(seen).size(), "nothing repeated");
        assertEquals(4, pages);
        List<String> sorted = new ArrayList<>(seen);
        sorted.sort(java.util.Comparator.reverseOrder());
        assertEquals(sorted, seen, "newest first across pages");
    }

    @Test
    void cursors_editedOrForeign_are400_andNeverShowOtherData() {
        SeedForm f = seedForm();
        for (int i = 0; i < 3; i++) create(f, "P" + i, "p" + i + "@example.com");
        String cursor = list(f, "?limit=1").path("next_cursor").asText();
        assertTrue(cursor.matches("cur_[A-Za-z0-9_-]+"), "URL-safe: " + cursor);

        List<String> bad = new ArrayList<>();
        for (int i = 4; i < cursor.length(); i += 5) {
            char c = cursor.charAt(i);
            bad.add(cursor.substring(0, i) + (c == 'A' ? 'B' : 'A') + cursor.substring(i + 1));
        }
        bad.addAll(List.of(cursor + "A", cursor.substring(0, cursor.length() - 1), "cur_", "cur_!!", "sub_" + cursor.substring(4),
                "x".repeat(500), cursor.replace("cur_", "CUR_")));
        for (String b : bad) {
            var res = api(f.ws(), "GET", "/v1/forms/" + f.id() + "/submissions?limit=1&cursor=" + enc(b), null);
            assertEquals(400, res.statusCode(), b + " -> " + res.body());
            assertEquals("invalid_cursor", Http.json(res).path("error").path("code").asText());
        }
        // The same cursor with another filter, or on another form of the same workspace.
        var otherFilter = api(f.ws(), "GET", "/v1/forms/" + f.id() + "/submissions?limit=1&created_after=2020-01-01T00:00:00Z&cursor=" + cursor, null);
        assertEquals(400, otherFilter.statusCode(), otherFilter.body());
        String otherForm = Fixtures.createForm(f.ws(), SEED_001_FORM).path("id").asText();
        var res = api(f.ws(), "GET", "/v1/forms/" + otherForm + "/submissions?cursor=" + cursor, null);
        assertEquals(400, res.statusCode(), res.body());
        // Another workspace's cursor on its own form.
        SeedForm g = seedForm();
        create(g, "G", "g@example.com");
        assertEquals(400, api(g.ws(), "GET", "/v1/forms/" + g.id() + "/submissions?cursor=" + cursor, null).statusCode());
    }

    @Test
    void createdAfterAndBefore_areExactBounds_andInvalidDatesAre400() {
        SeedForm f = seedForm();
        List<JsonNode> subs = new ArrayList<>();
        for (int i = 0; i < 4; i++) subs.add(create(f, "T" + i, "t" + i + "@example.com"));
        JsonNode second = subs.get(1);
        Instant at = Instant.parse(second.path("submitted_at").asText());
        String t = enc(at.toString());
        List<String> after = ids(list(f, "?created_after=" + t));
        assertFalse(after.contains(second.path("id").asText()), "created_after is exclusive");
        assertTrue(after.contains(subs.get(3).path("id").asText()));
        List<String> before = ids(list(f, "?created_before=" + t));
        assertFalse(before.contains(second.path("id").asText()), "created_before is exclusive");
        assertTrue(before.contains(subs.get(0).path("id").asText()) || subs.get(0).path("submitted_at").asText().equals(at.toString()));
        assertEquals(List.of(second.path("id").asText()),
                ids(list(f, "?created_after=" + enc(at.minusNanos(1).toString()) + "&created_before=" + enc(at.plusNanos(1).toString())))
                        .stream().filter(id -> id.equals(second.path("id").asText())).toList());
        assertEquals(4, ids(list(f, "?created_after=2020-01-01T00:00:00Z&created_before=2999-01-01")).size());
        assertEquals(4, ids(list(f, "?created_after=" + enc("2020-01-01T01:00:00+01:00"))).size(), "offsets are accepted");
        assertEquals(List.of(), ids(list(f, "?created_after=2999-01-01T00:00:00Z")));
        assertEquals(List.of(), ids(list(f, "?created_after=2999-01-01T00:00:00Z&created_before=2020-01-01T00:00:00Z")));
        assertEquals(List.of(), ids(list(f, "?created_before=1970-01-01T00:00:00Z")));

        for (String bad : List.of("yesterday", "2025-13-01T00:00:00Z", "2025-01-01T00:00:00", "1700000000", "")) {
            for (String name : List.of("created_after", "created_before")) {
                var res = api(f.ws(), "GET", "/v1/forms/" + f.id() + "/submissions?" + name + "=" + enc(bad), null);
                assertEquals(400, res.statusCode(), name + "=" + bad + " -> " + res.body());
                assertEquals(List.of(name), fields(res));
            }
        }
    }

    @Test
    void get_unknownOrMalformedIdsAndUnknownForms_are404() {
        SeedForm f = seedForm();
        String id = create(f, "A", "a@example.com").path("id").asText();
        String base = "/v1/forms/" + f.id() + "/submissions/";
        for (String bad : List.of("sub_0000000000000000", "sub_x", "nope", id + "0", "..%2F..%2Fforms")) {
            assertEquals(404, api(f.ws(), "GET", base + bad, null).statusCode(), bad);
            assertEquals(404, api(f.ws(), "DELETE", base + bad, null).statusCode(), bad);
        }
        assertEquals(404, api(f.ws(), "GET", "/v1/forms/frm_Unknown000/submissions", null).statusCode());
        assertEquals(404, api(f.ws(), "GET", "/v1/forms/frm_Unknown000/submissions/" + id, null).statusCode());
        assertEquals(401, Http.send("GET", base + id, null).statusCode());
        assertEquals(401, Http.send("GET", base + id, null, "Authorization", "Bearer sk_live_wrong").statusCode());
        assertEquals(200, api(f.ws(), "GET", base + id, null).statusCode());
    }

    @Test
    void create_acceptsFieldNames_checksRequiredFieldsAndTypes() {
        SeedForm f = seedForm();
        var byName = api(f.ws(), "POST", "/v1/forms/" + f.id() + "/submissions",
                "{\"data\":{\"name\":\"By Name\",\"email\":\"By.Name@Example.com\",\"sessions\":[\"Workshop A\"]}}");
        assertEquals(201, byName.statusCode(), byName.body());
        JsonNode data = Http.json(byName).path("data");
        assertEquals("By Name", data.path(f.name()).asText(), "stored keyed by field id: " + data);
        assertEquals("Workshop A", data.path(f.sessions()).get(0).asText());

        var missing = api(f.ws(), "POST", "/v1/forms/" + f.id() + "/submissions", "{\"data\":{\"" + f.name() + "\":\"No Email\"}}");
        assertEquals(400, missing.statusCode(), missing.body());
        assertEquals(List.of("email"), fields(missing));
        var badEmail = api(f.ws(), "POST", "/v1/forms/" + f.id() + "/submissions", "{\"data\":{\"name\":\"X\",\"email\":\"not-an-email\"}}");
        assertEquals(400, badEmail.statusCode(), badEmail.body());
        var badOption = api(f.ws(), "POST", "/v1/forms/" + f.id() + "/submissions",
                "{\"data\":{\"name\":\"X\",\"email\":\"x@example.com\",\"sessions\":[\"Karaoke\"]}}");
        assertEquals(400, badOption.statusCode(), badOption.body());
        var unknownId = api(f.ws(), "POST", "/v1/forms/" + f.id() + "/submissions",
                "{\"data\":{\"name\":\"X\",\"email\":\"x@example.com\",\"fld_a1B2c3D4\":\"?\"}}");
        assertEquals(400, unknownId.statusCode(), unknownId.body());
        assertEquals(List.of("fld_a1B2c3D4"), fields(unknownId));
        for (String body : List.of("{}", "[]", "{\"data\":[]}", "{\"data\":{}}", "not json", "{\"data\":{\"name\":{\"x\":1}}}")) {
            var res = api(f.ws(), "POST", "/v1/forms/" + f.id() + "/submissions", body);
            assertEquals(400, res.statusCode(), body + " -> " + res.body());
        }
        assertEquals(1, Fixtures.submissionCount(f.ws(), f.id()), "only the valid submission was stored");
        assertEquals(1, Fixtures.storedSubmissionIds(f.id()).size());
    }

    @Test
    void create_emitsFormSubmitted_andUpdatesThePerson_withoutRateLimit() {
        var ws = Fixtures.workspace();
        String formId = Fixtures.seedForm(ws, true).path("id").asText(); // double opt-in: the trigger sends a confirmation
        for (int i = 0; i < 15; i++) { // more than the public limit of 10 a minute
            var res = api(ws, "POST", "/v1/forms/" + formId + "/submissions",
                    "{\"data\":{\"email\":\"api" + i + "@example.com\",\"firstName\":\"Api\"}}");
            assertEquals(201, res.statusCode(), res.body());
        }
        var person = Http.send("GET", "/api/workspaces/" + ws.workspaceId() + "/people?email=api14@example.com", null, "x-api-key", ws.apiKey());
        assertEquals(200, person.statusCode(), person.body());
        assertEquals("Api", Http.json(person).path("attributes").path("firstName").asText());
        assertEquals("PENDING", Http.json(person).path("consent").path("state").asText());
        assertEquals("api", Http.json(person).path("consent").path("record").path("source").asText());
        ActionSubmitIT.awaitConfirmation("api14@example.com");
    }

    @Test
    void create_withIdempotencyKey_storesOnce() {
        SeedForm f = seedForm();
        String body = "{\"data\":{\"name\":\"Once\",\"email\":\"once@example.com\"}}";
        var first = api(f.ws(), "POST", "/v1/forms/" + f.id() + "/submissions", body, "Idempotency-Key", "create-once-1");
        var second = api(f.ws(), "POST", "/v1/forms/" + f.id() + "/submissions", body, "Idempotency-Key", "create-once-1");
        assertEquals(201, first.statusCode(), first.body());
        assertEquals(first.body(), second.body());
        assertEquals(1, Fixtures.submissionCount(f.ws(), f.id()));
    }

    @Test
    void delete_removesTheItemAndCountsItOut() {
        SeedForm f = seedForm();
        String keep = create(f, "Keep", "keep@example.com").path("id").asText();
        String drop = create(f, "Drop", "drop@example.com").path("id").asText();
        assertEquals(2, Fixtures.submissionCount(f.ws(), f.id()));
        var res = api(f.ws(), "DELETE", "/v1/forms/" + f.id() + "/submissions/" + drop, null);
        assertEquals(204, res.statusCode(), res.body());
        assertEquals("", res.body());
        assertEquals(List.of(keep), Fixtures.storedSubmissionIds(f.id()), "the item is gone from DynamoDB");
        assertEquals(1, Fixtures.submissionCount(f.ws(), f.id()));
        assertEquals(404, api(f.ws(), "DELETE", "/v1/forms/" + f.id() + "/submissions/" + drop, null).statusCode());
        assertEquals(1, Fixtures.submissionCount(f.ws(), f.id()), "a second delete counts nothing");
        assertEquals(List.of(keep), ids(list(f, "")));
    }

    static List<String> fields(HttpResponse<String> res) {
        List<String> out = new ArrayList<>();
        Http.json(res).path("error").path("fields").forEach(n -> out.add(n.asText()));
        return out;
    }
}
