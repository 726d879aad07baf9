package dev.intake.local;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.intake.application.CreateWorkspace;
import dev.intake.application.WebhookSignature;
import dev.intake.domain.Field;
import dev.intake.domain.FieldType;
import dev.intake.domain.Form;
import dev.intake.domain.FormSettings;
import dev.intake.domain.FormStatus;
import dev.intake.domain.IntakeException;
import dev.intake.functions.campaigns.CampaignsHandler;
import dev.intake.json.Json;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The campaigns API over real HTTP against the local stack: CRUD, idempotent create, bad input, tenant
 * isolation, and deliveries made by the stack's own campaign trigger, which calls a webhook receiver on
 * 127.0.0.1 (the local stack allows private targets; the refusal is covered by ManageCampaignsTest).
 */
class CampaignsApiIT {
    private static final Duration POLL = Duration.ofSeconds(60);

    /** One request the webhook receiver got. */
    record Received(String eventId, String deliveryId, String campaignId, String signature, byte[] body) {}

    private static HttpServer receiver;
    private static final List<Received> received = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startReceiver() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            try (exchange) {
                byte[] body = exchange.getRequestBody().readAllBytes();
                var h = exchange.getRequestHeaders();
                received.add(new Received(h.getFirst("Intake-Event-Id"), h.getFirst("Intake-Delivery-Id"),
                        h.getFirst("Intake-Campaign-Id"), h.getFirst(WebhookSignature.HEADER), body));
                exchange.sendResponseHeaders(200, -1);
            }
        });
        receiver.start();
    }

    @AfterAll
    static void stopReceiver() {
        receiver.stop(0);
    }

    private static String hookUrl(String path) {
        return "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook/" + path;
    }

    private static HttpResponse<String> call(CreateWorkspace.Secrets ws, String method, String path, String body, String... extra) {
        List<String> headers = new ArrayList<>(List.of("Authorization", "Bearer " + ws.apiKey(), "Content-Type", "application/json"));
        headers.addAll(List.of(extra));
        return Http.send(method, "/api/workspaces/" + ws.workspaceId() + "/campaigns" + path, body, headers.toArray(String[]::new));
    }

    private static JsonNode created(CreateWorkspace.Secrets ws, String body) {
        var res = call(ws, "POST", "", body);
        assertEquals(201, res.statusCode(), res.body());
        return Http.json(res);
    }

    private static String webhookCampaign(String name, String formId, String url) {
        return """
                {"name":"%s","trigger":{"type":"form_submitted"%s},"actions":[{"type":"webhook","url":"%s"}]}"""
                .formatted(name, formId == null ? "" : ",\"formId\":\"" + formId + "\"", url);
    }

    private static List<Received> receivedFor(String campaignId) {
        return received.stream().filter(r -> campaignId.equals(r.campaignId())).toList();
    }

    private static JsonNode deliveries(CreateWorkspace.Secrets ws, String campaignId, String query) {
        var res = call(ws, "GET", "/" + campaignId + "/deliveries" + query, null);
        assertEquals(200, res.statusCode(), res.body());
        return Http.json(res);
    }

    private static String submitApi(CreateWorkspace.Secrets ws, String formId, String email) {
        var res = Http.send("POST", "/v1/forms/" + formId + "/submissions", "{\"data\":{\"email\":\"" + email + "\"}}",
                "x-api-key", ws.apiKey(), "Content-Type", "application/json");
        assertEquals(201, res.statusCode(), res.body());
        return Http.json(res).path("id").asText();
    }

    @Test
    void crud_roundTripsThroughCreateGetListPatchDelete() {
        var ws = Fixtures.workspace();
        String formId = Fixtures.seedForm(ws, false).path("id").asText();
        JsonNode first = created(ws, """
                {"name":"Welcome","trigger":{"type":"form_submitted","formId":"%s"},
                 "actions":[{"type":"webhook","url":"https://hooks.example.com/intake"},
                            {"type":"email","to":"{{person.email}}","subject":"Hi {{person.firstName}}","text":"Thanks"}]}"""
                .formatted(formId));
        JsonNode second = created(ws, "{\"name\":\"Orders\",\"enabled\":false,\"trigger\":{\"type\":\"event\",\"name\":\"Order Completed\"},"
                + "\"actions\":[{\"type\":\"webhook\",\"url\":\"https://hooks.example.com/orders\",\"secret\":\"my-own-secret-0123\"}]}");
        String id = first.path("id").asText();

        assertTrue(id.matches("cmp_[0-9A-Za-z]{10}"), id);
        assertEquals("Welcome", first.path("name").asText());
        assertEquals(formId, first.path("trigger").path("formId").asText());
        assertTrue(first.path("actions").get(0).path("secret").asText().startsWith("whsec_"));
        assertEquals("email", first.path("actions").get(1).path("type").asText());
        assertTrue(first.path("actions").get(1).path("html").isNull());
        assertTrue(first.path("enabled").asBoolean());
        assertFalse(first.path("createdAt").asText().isEmpty());
        assertEquals("my-own-secret-0123", second.path("actions").get(0).path("secret").asText());
        assertEquals("Order Completed", second.path("trigger").path("name").asText());
        assertFalse(second.path("enabled").asBoolean());

        assertEquals(first, Http.json(call(ws, "GET", "/" + id, null)));
        JsonNode list = Http.json(call(ws, "GET", "", null));
        assertEquals(List.of(first, second), List.of(list.path("data").get(0), list.path("data").get(1)), "oldest first");
        assertEquals(2, list.path("data").size());

        var patched = call(ws, "PATCH", "/" + id, "{\"name\":\"Welcome v2\",\"enabled\":false}");
        assertEquals(200, patched.statusCode(), patched.body());
        JsonNode p = Http.json(patched);
        assertEquals("Welcome v2", p.path("name").asText());
        assertFalse(p.path("enabled").asBoolean());
        assertEquals(first.path("actions"), p.path("actions"), "actions and their secrets are kept");
        assertEquals(first.path("trigger"), p.path("trigger"));
        assertEquals(p, Http.json(call(ws, "GET", "/" + id, null)));

        var badPatch = call(ws, "PATCH", "/" + id, "{\"actions\":[]}");
        assertEquals(400, badPatch.statusCode());
        assertEquals("missing_actions", Http.json(badPatch).path("error").path("code").asText());
        assertEquals(p, Http.json(call(ws, "GET", "/" + id, null)), "a refused patch changes nothing");

        assertEquals(204, call(ws, "DELETE", "/" + id, null).statusCode());
        assertEquals(404, call(ws, "GET", "/" + id, null).statusCode());
        assertEquals(404, call(ws, "DELETE", "/" + id, null).statusCode());
        assertEquals(404, call(ws, "GET", "/" + id + "/deliveries", null).statusCode());
        assertEquals(List.of(second), listOf(Http.json(call(ws, "GET", "", null)).path("data")));
    }

    private static List<JsonNode> listOf(JsonNode array) {
        List<JsonNode> out = new ArrayList<>();
        array.forEach(out::add);
        return out;
    }

    @Test
    void create_withIdempotencyKey_replaysTheFirstAnswerAndCreatesOne() {
        var ws = Fixtures.workspace();
        String body = webhookCampaign("Once", null, "https://hooks.example.com/once");
        var first = call(ws, "POST", "", body, "Idempotency-Key", "campaign-once-1");
        var again = call(ws, "POST", "", body, "Idempotency-Key", "campaign-once-1");
        var otherBody = call(ws, "POST", "", webhookCampaign("Twice", null, "https://hooks.example.com/once"), "Idempotency-Key", "campaign-once-1");

        assertEquals(201, first.statusCode(), first.body());
        assertEquals(201, again.statusCode());
        assertEquals(first.body(), again.body());
        assertEquals("true", again.headers().firstValue("Idempotent-Replayed").orElse(null));
        assertEquals(422, otherBody.statusCode());
        assertEquals(1, Http.json(call(ws, "GET", "", null)).path("data").size());
    }

    @Test
    void create_badBodies_are400NamingTheProblemAndStoreNothing() {
        var ws = Fixtures.workspace();
        var other = Fixtures.workspace();
        String otherForm = Fixtures.seedForm(other, false).path("id").asText();
        String hook = "{\"type\":\"webhook\",\"url\":\"https://hooks.example.com/x\"}";
        String[][] cases = {
                {"{\"name\":\"x\",\"trigger\":{\"type\":\"form_submitted\"},\"actions\":[" + hook + "],\"colour\":\"red\"}", "invalid_body", "colour"},
                {"{\"name\":7,\"trigger\":{\"type\":\"form_submitted\"},\"actions\":[" + hook + "]}", "invalid_body", "name"},
                {"{\"name\":\"x\",\"trigger\":{\"type\":\"form_submitted\"},\"actions\":[" + hook + "],\"enabled\":\"no\"}", "invalid_body", "enabled"},
                {"{\"trigger\":{\"type\":\"form_submitted\"},\"actions\":[" + hook + "]}", "missing_name", "name"},
                {"{\"name\":\"" + "n".repeat(201) + "\",\"trigger\":{\"type\":\"form_submitted\"},\"actions\":[" + hook + "]}", "invalid_name", "name"},
                {"{\"name\":\"x\",\"actions\":[" + hook + "]}", "missing_trigger", "trigger"},
                {"{\"name\":\"x\",\"trigger\":{\"type\":\"page\"},\"actions\":[" + hook + "]}", "invalid_trigger", "trigger.type"},
                {"{\"name\":\"x\",\"trigger\":{\"type\":\"event\"},\"actions\":[" + hook + "]}", "invalid_trigger", "trigger.name"},
                {"{\"name\":\"x\",\"trigger\":{\"type\":\"form_submitted\",\"formId\":\"" + otherForm + "\"},\"actions\":[" + hook + "]}", "unknown_form", "trigger.formId"},
                {"{\"name\":\"x\",\"trigger\":{\"type\":\"form_submitted\"},\"actions\":[]}", "missing_actions", "actions"},
                {"{\"name\":\"x\",\"trigger\":{\"type\":\"form_submitted\"},\"actions\":[" + String.join(",", java.util.Collections.nCopies(6, hook)) + "]}", "too_many_actions", "actions"},
                {"{\"name\":\"x\",\"trigger\":{\"type\":\"form_submitted\"},\"actions\":[{\"type\":\"webhook\",\"url\":\"ftp://example.com/\"}]}", "invalid_webhook_url", "actions[0].url"},
                {"{\"name\":\"x\",\"trigger\":{\"type\":\"form_submitted\"},\"actions\":[{\"type\":\"webhook\",\"url\":\"https://u:p@example.com/\"}]}", "invalid_webhook_url", "actions[0].url"},
                {"{\"name\":\"x\",\"trigger\":{\"type\":\"form_submitted\"},\"actions\":[{\"type\":\"webhook\",\"url\":\"https://example.com/\",\"secret\":\"short\"}]}", "invalid_webhook_secret", "actions[0].secret"},
                {"{\"name\":\"x\",\"trigger\":{\"type\":\"form_submitted\"},\"actions\":[{\"type\":\"email\",\"to\":\"a@example.com\",\"subject\":\"s\"}]}", "invalid_action", "actions[0].text"},
                {"{\"name\":\"x\",\"trigger\":{\"type\":\"form_submitted\"},\"actions\":[{\"type\":\"email\",\"to\":\"{{persn.email}}\",\"subject\":\"s\",\"text\":\"{{data.x}\"}]}", "invalid_template", "actions[0].to"},
        };
        for (String[] c : cases) {
            var res = call(ws, "POST", "", c[0]);
            assertEquals(400, res.statusCode(), c[0] + " -> " + res.body());
            JsonNode error = Http.json(res).path("error");
            assertEquals(c[1], error.path("code").asText(), c[0] + " -> " + res.body());
            assertTrue(listOf(error.path("fields")).stream().anyMatch(f -> f.asText().equals(c[2])), c[0] + " -> " + res.body());
            assertFalse(error.path("message").asText().isBlank());
        }
        for (String[] raw : new String[][] {{"not json", "invalid_json"}, {"[]", "invalid_body"}, {"", "empty_body"}}) {
            var res = call(ws, "POST", "", raw[0]);
            assertEquals(400, res.statusCode(), raw[0]);
            assertEquals(raw[1], Http.json(res).path("error").path("code").asText(), raw[0]);
        }
        assertEquals(0, Http.json(call(ws, "GET", "", null)).path("data").size(), "nothing was stored");
    }

    @Test
    void deliveries_madeByTheTrigger_areListedNewestFirstWithCursors_andRetryRefiresTheWebhook() {
        var ws = Fixtures.workspace();
        String formId = Fixtures.seedForm(ws, false).path("id").asText();
        JsonNode campaign = created(ws, webhookCampaign("Hook", formId, hookUrl("deliveries")));
        String cid = campaign.path("id").asText();
        String secret = campaign.path("actions").get(0).path("secret").asText();
        List<String> submissions = new ArrayList<>();
        for (int i = 0; i < 5; i++) submissions.add(submitApi(ws, formId, "person" + i + "@example.com"));

        await().atMost(POLL).pollInterval(Duration.ofMillis(200)).until(() -> receivedFor(cid).size() >= 5
                && listOf(deliveries(ws, cid, "?limit=100").path("data")).stream().allMatch(d -> d.path("status").asText().equals("succeeded"))
                && deliveries(ws, cid, "?limit=100").path("data").size() == 5);

        // Newest first is descending id order (ids start with their millisecond).
        List<String> expected = submissions.stream().sorted(java.util.Comparator.reverseOrder()).map(s -> "dlv_" + s.substring(4)).toList();
        List<String> walked = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonNode page = deliveries(ws, cid, "?limit=2" + (cursor == null ? "" : "&cursor=" + cursor));
            page.path("data").forEach(d -> walked.add(d.path("id").asText()));
            cursor = page.path("next_cursor").isNull() ? null : page.path("next_cursor").asText();
            assertEquals(cursor != null, page.path("has_more").asBoolean());
            assertTrue(++pages <= 3, "5 deliveries in pages of 2");
        } while (cursor != null);
        assertEquals(expected, walked, "each delivery once, newest first");

        JsonNode oldest = deliveries(ws, cid, "?limit=100").path("data").get(4);
        assertEquals("form.submitted", oldest.path("eventType").asText());
        assertEquals("evt_" + expected.getLast().substring(4), oldest.path("eventId").asText());
        assertEquals(cid, oldest.path("campaignId").asText());
        assertEquals(1, oldest.path("attempts").asInt());
        assertEquals(200, oldest.path("responseCode").asInt());
        assertTrue(oldest.path("lastError").isNull());
        assertEquals("webhook", oldest.path("actions").get(0).path("type").asText());
        assertEquals("succeeded", oldest.path("actions").get(0).path("status").asText());

        Received first = receivedFor(cid).stream().filter(r -> r.deliveryId().equals(oldest.path("id").asText())).findFirst().orElseThrow();
        assertEquals(oldest.path("eventId").asText(), first.eventId());
        assertTrue(WebhookSignature.verify(secret, first.signature(), first.body(), Instant.now().getEpochSecond(), 600),
                "signed with the campaign's secret");

        // Bad paging input.
        String firstCursor = deliveries(ws, cid, "?limit=1").path("next_cursor").asText();
        String edited = firstCursor.substring(0, 6) + (firstCursor.charAt(6) == 'A' ? 'B' : 'A') + firstCursor.substring(7);
        for (String q : new String[] {"?cursor=" + edited, "?cursor=cur_nope", "?limit=0", "?limit=101", "?limit=x"}) {
            var res = call(ws, "GET", "/" + cid + "/deliveries" + q, null);
            assertEquals(400, res.statusCode(), q + " -> " + res.body());
        }
        assertEquals("invalid_cursor", Http.json(call(ws, "GET", "/" + cid + "/deliveries?cursor=" + edited, null)).path("error").path("code").asText());

        // Re-fire the oldest delivery: the receiver gets the same event again.
        var retry = call(ws, "POST", "/" + cid + "/deliveries/" + oldest.path("id").asText() + "/retry", null);
        assertEquals(202, retry.statusCode(), retry.body());
        assertEquals("requeued", Http.json(retry).path("status").asText());
        await().atMost(POLL).pollInterval(Duration.ofMillis(200)).until(() ->
                receivedFor(cid).stream().filter(r -> r.eventId().equals(oldest.path("eventId").asText())).count() == 2);
        await().atMost(POLL).pollInterval(Duration.ofMillis(200)).until(() ->
                deliveries(ws, cid, "?limit=100").path("data").get(4).path("status").asText().equals("succeeded"));
        JsonNode refired = deliveries(ws, cid, "?limit=100").path("data").get(4);
        assertEquals(oldest.path("id"), refired.path("id"));
        assertEquals(2, refired.path("attempts").asInt());
        assertEquals(5, receivedFor(cid).stream().map(Received::eventId).distinct().count(), "no other delivery ran again");
        assertEquals(6, receivedFor(cid).size());

        var unknown = call(ws, "POST", "/" + cid + "/deliveries/dlv_0000000000000000/retry", null);
        assertEquals(404, unknown.statusCode(), unknown.body());
        assertEquals(404, call(ws, "POST", "/" + cid + "/deliveries/not-a-delivery/retry", null).statusCode());

        // Deleting the campaign deletes its deliveries.
        assertEquals(204, call(ws, "DELETE", "/" + cid, null).statusCode());
        assertEquals(404, call(ws, "GET", "/" + cid + "/deliveries", null).statusCode());
        assertEquals(404, call(ws, "POST", "/" + cid + "/deliveries/" + oldest.path("id").asText() + "/retry", null).statusCode());
    }

    @Test
    void deliveries_ofDoubleOptIn_listTheConfirmationEmails() {
        var ws = Fixtures.workspace();
        assertEquals(Http.parse("{\"data\":[],\"next_cursor\":null,\"has_more\":false}"), deliveries(ws, "double_opt_in", ""),
                "exists in every workspace, empty at first");
        String formId = Fixtures.seedForm(ws, true).path("id").asText();
        String submission = submitApi(ws, formId, "pending@example.com");

        // Until the attempt has finished, the record has no action results yet.
        await().atMost(POLL).pollInterval(Duration.ofMillis(200)).until(() -> deliveries(ws, "double_opt_in", "").path("data").path(0).path("actions").size() == 1);
        JsonNode page = deliveries(ws, "double_opt_in", "");
        assertEquals(1, page.path("data").size());
        JsonNode d = page.path("data").get(0);
        assertEquals("dlv_" + submission.substring(4), d.path("id").asText());
        assertEquals("double_opt_in", d.path("campaignId").asText());
        assertEquals("form.submitted", d.path("eventType").asText());
        assertEquals("email", d.path("actions").get(0).path("type").asText());
        assertEquals(404, call(ws, "GET", "/double_opt_in", null).statusCode(), "not a campaign for the other routes");
    }

    @Test
    void otherWorkspacesKey_is404OnEveryCampaignRoute() {
        var a = Fixtures.workspace();
        var b = Fixtures.workspace();
        String cid = created(a, webhookCampaign("Mine", null, "https://hooks.example.com/a")).path("id").asText();
        String wsA = "/api/workspaces/" + a.workspaceId() + "/campaigns";
        String wsB = "/api/workspaces/" + b.workspaceId() + "/campaigns";
        String[][] probes = {
                {"GET", wsA, null},
                {"POST", wsA, webhookCampaign("Theirs", null, "https://hooks.example.com/b")},
                {"GET", wsA + "/" + cid, null},
                {"GET", wsB + "/" + cid, null},
                {"PATCH", wsB + "/" + cid, "{\"name\":\"hijacked\"}"},
                {"DELETE", wsB + "/" + cid, null},
                {"GET", wsB + "/" + cid + "/deliveries", null},
                {"GET", wsA + "/double_opt_in/deliveries", null},
                {"POST", wsB + "/" + cid + "/deliveries/dlv_0000000000000000/retry", null},
                {"POST", wsA + "/double_opt_in/deliveries/dlv_0000000000000000/retry", null},
        };
        for (String[] p : probes) {
            var res = Http.send(p[0], p[1], p[2], "x-api-key", b.apiKey(), "Content-Type", "application/json");
            assertEquals(404, res.statusCode(), p[0] + " " + p[1] + " -> " + res.body());
            assertFalse(res.body().contains(cid) || res.body().contains("whsec_"), res.body());
        }
        assertEquals(401, Http.send("GET", wsA, null).statusCode());
        assertEquals(401, Http.send("GET", wsA, null, "x-api-key", a.trackKey()).statusCode());
        assertEquals("Mine", Http.json(call(a, "GET", "/" + cid, null)).path("name").asText());
        assertEquals(1, Http.json(call(a, "GET", "", null)).path("data").size());
        assertEquals(0, Http.json(call(b, "GET", "", null)).path("data").size());
    }

    @Test
    void sampleEvent_createsTheCampaignOnceAndReplaysOnRetry() throws Exception {
        var services = TestStack.get().services();
        String ws = TestStack.get().demoWorkspace().workspaceId();
        try {
            services.forms.create(new Form(ws, "frm_SampleForm", "Sample", List.of(
                    new Field("fld_email001", "email", FieldType.EMAIL, "Email", true, List.of(), null, null),
                    new Field("fld_first001", "firstName", FieldType.TEXT, "First name", false, List.of(), null, null),
                    new Field("fld_inter001", "interests", FieldType.SELECT, "Interests", false, List.of("tech", "marketing"), null, null)),
                    FormSettings.DEFAULT, false, FormStatus.ACTIVE, Instant.now(), Instant.now(), 1));
        } catch (IntakeException.Conflict exists) {
            // created by HandlerEventsIT in this JVM
        }
        var handler = new CampaignsHandler(services);
        var res = handler.handleRequest(EventLoader.loadApiGatewayRestEvent("../events/campaigns-create.json"), null);
        String id = null;
        try {
            assertEquals(201, res.getStatusCode(), res.getBody());
            JsonNode c = Json.mapper().readTree(res.getBody());
            id = c.path("id").asText();
            assertEquals("Welcome new subscribers", c.path("name").asText());
            assertEquals("frm_SampleForm", c.path("trigger").path("formId").asText());
            assertEquals(List.of("webhook", "email"), listOf(c.path("actions")).stream().map(a -> a.path("type").asText()).toList());
            var again = handler.handleRequest(EventLoader.loadApiGatewayRestEvent("../events/campaigns-create.json"), null);
            assertEquals(res.getBody(), again.getBody(), "the sample's Idempotency-Key replays the first answer");
        } finally {
            // An enabled campaign on the demo form would fire on other tests' submissions.
            if (id != null) services.manageCampaigns.delete(ws, id);
        }
        String deleted = id;
        assertTrue(services.manageCampaigns.list(ws).stream().noneMatch(c -> c.id().equals(deleted)));
    }
}
