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
        // An enabled campaign that A's submissions trigger: A then has real deliveries, and a deliveries cursor.
        var receiver = WebhookReceiver.start();
        var hookCampaign = Http.send("POST", "/api/workspaces/" + a.workspaceId() + "/campaigns",
                "{\"name\":\"Hook\",\"trigger\":{\"type\":\"form_submitted\"},"
                        + "\"actions\":[{\"type\":\"webhook\",\"url\":\"" + receiver.url("/isolation") + "\"}]}",
                "x-api-key", a.apiKey(), "Content-Type", "application/json");
        assertEquals(201, hookCampaign.statusCode(), hookCampaign.body());
        String hookA = Http.json(hookCampaign).path("id").asText();
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
        receiver.await("/isolation", 3);
        receiver.close();
        JsonNode deliveryPage = org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(
                () -> Http.json(Http.send("GET", wsA + "/campaigns/" + hookA + "/deliveries?limit=1", null, "x-api-key", a.apiKey())),
                p -> p.path("has_more").asBoolean());
        String deliveryA = deliveryPage.path("data").get(0).path("id").asText();
        String deliveryCursorA = deliveryPage.path("next_cursor").asText();
        var campaignB = Http.send("POST", wsB + "/campaigns", "{\"name\":\"B\",\"enabled\":false,\"trigger\":{\"type\":\"form_submitted\"},"
                + "\"actions\":[{\"type\":\"webhook\",\"url\":\"https://hooks.example.com/b\"}]}",
                "x-api-key", b.apiKey(), "Content-Type", "application/json");
        assertEquals(201, campaignB.statusCode(), campaignB.body());
        String hookB = Http.json(campaignB).path("id").asText();
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
                new Probe("POST", wsB + "/campaigns/" + campaignA + "/deliveries/dlv_0000000000000000/retry", null),
                new Probe("GET", wsA + "/campaigns/" + hookA + "/deliveries", null),
                new Probe("GET", wsA + "/campaigns/" + hookA + "/deliveries?cursor=" + deliveryCursorA, null),
                new Probe("GET", wsB + "/campaigns/" + hookA + "/deliveries?cursor=" + deliveryCursorA, null),
                new Probe("POST", wsA + "/campaigns/" + hookA + "/deliveries/" + deliveryA + "/retry", null),
                new Probe("POST", wsB + "/campaigns/" + hookA + "/deliveries/" + deliveryA + "/retry", null),
                new Probe("POST", wsB + "/campaigns/" + hookB + "/deliveries/" + deliveryA + "/retry", null));
        assertEveryKeyRouteIsProbed(probes);
        for (Probe p : probes) {
            HttpResponse<String> res = Http.send(p.method(), p.path(), p.body(), "Authorization", "Bearer " + b.apiKey(),
                    "Content-Type", "application/json");
            assertEquals(404, res.statusCode(), p + " -> " + res.body());
            assertFalse(res.body().contains("one@example.com") || res.body().contains(subsA.get(0)), res.body());
        }
        // A's cursor on B's own form: not a cursor B's listing issued.
        var foreignCursor = Http.send("GET", "/v1/forms/" + formB + "/submissions?cursor=" + cursorA, null, "x-api-key", b.apiKey());
        assertEquals(400, foreignCursor.statusCode(), foreignCursor.body());
        var foreignDeliveryCursor = Http.send("GET", wsB + "/campaigns/" + hookB + "/deliveries?cursor=" + deliveryCursorA, null,
                "x-api-key", b.apiKey());
        assertEquals(400, foreignDeliveryCursor.statusCode(), foreignDeliveryCursor.body());
        assertFalse(foreignDeliveryCursor.body().contains(deliveryA), foreignDeliveryCursor.body());

        // Nothing of A changed.
        assertEquals(subsA.reversed(), ids(Http.json(Http.send("GET", "/v1/forms/" + formA + "/submissions", null, "x-api-key", a.apiKey()))));
        assertEquals("Newsletter Signup", Http.json(Http.send("GET", wsA + "/forms/" + formA, null, "x-api-key", a.apiKey())).path("name").asText());
        assertEquals(3, Fixtures.submissionCount(a, formA));
        assertEquals(200, Http.send("GET", wsA + "/people?email=one%40example.com", null, "x-api-key", a.apiKey()).statusCode());
        assertEquals(0, Fixtures.submissionCount(b, formB));
        assertEquals("Welcome", Http.json(Http.send("GET", wsA + "/campaigns/" + campaignA, null, "x-api-key", a.apiKey())).path("name").asText());
        JsonNode deliveries = Http.json(Http.send("GET", wsA + "/campaigns/" + hookA + "/deliveries", null, "x-api-key", a.apiKey()));
        assertEquals(3, deliveries.path("data").size(), deliveries.toString());
        deliveries.path("data").forEach(d -> assertEquals("succeeded", d.path("status").asText(), "not re-fired by B: " + d));
    }

    /**
     * Every route of template.yaml behind the key authorizer has at least one probe: a route added without an
     * isolation probe fails here.
     */
    private static void assertEveryKeyRouteIsProbed(List<Probe> probes) {
        Template template;
        try {
            template = Template.load(java.nio.file.Path.of("..", "template.yaml"));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        List<String> unprobed = new ArrayList<>();
        int routes = 0;
        for (Template.Function f : template.functions().values()) {
            for (Template.Route r : f.routes()) {
                if (r.auth().open()) continue;
                routes++;
                java.util.regex.Pattern shape = java.util.regex.Pattern.compile(
                        r.path().replaceAll("\\{[^}]+}", "[^/]+"));
                boolean probed = probes.stream().anyMatch(p -> p.method().equals(r.method())
                        && shape.matcher(p.path().replaceFirst("\\?.*", "")).matches());
                if (!probed) unprobed.add(r.method() + " " + r.path());
            }
        }
        assertTrue(routes >= 18, "key routes found: " + routes);
        assertEquals(List.of(), unprobed, "key routes without a tenant-isolation probe");
    }

    /**
     * The public, site-credential and write-key routes: a workspace's credentials never reach another's forms,
     * people or objects, whatever ids they name.
     */
    @Test
    void publicSiteAndTrackingRoutes_ofOneWorkspace_neverReachTheOthers() {
        CreateWorkspace.Secrets a = Fixtures.workspace();
        CreateWorkspace.Secrets b = Fixtures.workspace();
        String formA = Fixtures.createForm(a, """
                {"name":"A","fields":[{"name":"email","type":"email"}],"settings":{"successMessage":"Secret thanks of A"}}""")
                .path("id").asText();
        String basicA = basic(a.siteId() + ":" + a.trackKey());
        String basicB = basic(b.siteId() + ":" + b.trackKey());
        // A's caller-chosen form "contact", with one submission.
        assertEquals(204, Http.send("POST", "/api/v1/forms/contact/submit", "{\"data\":{\"email\":\"a@example.com\"}}",
                "Authorization", basicA, "Content-Type", "application/json").statusCode());
        // A's person, object and alias, through tracking.
        String writeA = basic(a.writeKey() + ":");
        assertEquals(200, Http.send("POST", "/v1/batch", """
                {"batch":[{"type":"identify","userId":"shared-user","traits":{"plan":"gold"}},
                          {"type":"group","userId":"shared-user","groupId":"acme","traits":{"name":"Acme A"}},
                          {"type":"alias","previousId":"old-a","userId":"shared-user"}]}""",
                "Authorization", writeA, "Content-Type", "application/json").statusCode());

        // B's site credentials with A's generated form id: not found, nothing stored.
        var backend = Http.send("POST", "/api/v1/forms/" + formA + "/submit", "{\"data\":{\"email\":\"b@example.com\"}}",
                "Authorization", basicB, "Content-Type", "application/json");
        assertEquals(404, backend.statusCode(), backend.body());
        var action = ActionSubmitIT.post("/forms/submit_action?site_id=" + b.siteId() + "&form_id=" + formA, "email=b%40example.com");
        assertEquals(404, action.statusCode(), action.body());
        var thanks = Http.send("GET", "/forms/thank_you?site_id=" + b.siteId() + "&form_id=" + formA, null);
        assertEquals(200, thanks.statusCode());
        assertFalse(thanks.body().contains("Secret thanks of A"), thanks.body());
        // B's "contact" is B's own form: A's is untouched.
        assertEquals(204, Http.send("POST", "/api/v1/forms/contact/submit", "{\"data\":{\"email\":\"b@example.com\"}}",
                "Authorization", basicB, "Content-Type", "application/json").statusCode());
        // A's site id with B's track key, and the other way round: 401.
        assertEquals(401, Http.send("POST", "/api/v1/forms/contact/submit", "{\"data\":{\"email\":\"x@example.com\"}}",
                "Authorization", basic(a.siteId() + ":" + b.trackKey()), "Content-Type", "application/json").statusCode());
        // B's write key naming A's user, group and alias: B's own profiles.
        String writeB = basic(b.writeKey() + ":");
        assertEquals(200, Http.send("POST", "/v1/batch", """
                {"batch":[{"type":"identify","userId":"shared-user","traits":{"plan":"hijacked"}},
                          {"type":"group","userId":"shared-user","groupId":"acme","traits":{"name":"Hijacked"}},
                          {"type":"alias","previousId":"shared-user","userId":"b-user"},
                          {"type":"track","userId":"old-a","event":"Hijack"}]}""",
                "Authorization", writeB, "Content-Type", "application/json").statusCode());
        // A's write key in the body, B's in the header: the header wins or the call is refused; never A's data changed.
        Http.send("POST", "/v1/identify", "{\"writeKey\":\"" + a.writeKey() + "\",\"userId\":\"shared-user\",\"traits\":{\"plan\":\"mixed\"}}",
                "Authorization", writeB, "Content-Type", "application/json");

        assertEquals(List.of(), Fixtures.storedSubmissionIds(formA));
        assertEquals(1, Fixtures.submissionCount(a, "contact"));
        assertEquals(1, Fixtures.submissionCount(b, "contact"));
        var people = TestStack.get().services().people;
        var personA = people.find(a.workspaceId(), dev.intake.domain.Ids.person(a.workspaceId(), "id", "shared-user")).orElseThrow();
        assertEquals("gold", personA.attributes().get("plan"));
        assertEquals(1, people.relationships(a.workspaceId(), personA.id()).size());
        assertEquals(0, people.recentActivity(a.workspaceId(), personA.id(), 25).size(), "B's track of 'old-a' is not A's");
        assertEquals(java.util.Optional.of(personA.id()), people.alias(a.workspaceId(), "id", "old-a"));
        var objectA = TestStack.get().dynamo().getItem(r -> r.tableName(TestStack.get().services().config.tables().people()).consistentRead(true)
                .key(java.util.Map.of("pk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("OBJECT#" + a.workspaceId() + "#1#acme"),
                        "sk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("OBJECT")))).item();
        assertEquals("Acme A", objectA.get("a.name").s(), objectA.toString());
        // And through A's own API key, A sees its person as it was.
        JsonNode viaApi = Http.json(Http.send("GET", "/api/workspaces/" + a.workspaceId() + "/people?id=shared-user", null, "x-api-key", a.apiKey()));
        assertEquals("gold", viaApi.path("attributes").path("plan").asText(), viaApi.toString());
    }

    private static String basic(String userPass) {
        return "Basic " + java.util.Base64.getEncoder().encodeToString(userPass.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static List<String> ids(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.path("data").forEach(s -> ids.add(s.path("id").asText()));
        return ids;
    }
}
