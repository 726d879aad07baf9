package dev.intake.local;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.intake.domain.Campaign;
import dev.intake.domain.CampaignAction;
import dev.intake.domain.Delivery;
import dev.intake.domain.Field;
import dev.intake.domain.FieldType;
import dev.intake.domain.Form;
import dev.intake.domain.FormSettings;
import dev.intake.domain.FormStatus;
import dev.intake.domain.IntakeException;
import com.amazonaws.services.lambda.runtime.events.APIGatewayCustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.IamPolicyResponseV1;
import dev.intake.functions.admin.AdminHandler;
import dev.intake.functions.authorizer.KeyAuthorizerHandler;
import dev.intake.functions.forms.FormsHandler;
import dev.intake.functions.people.PeopleHandler;
import dev.intake.functions.submissions.SubmissionsHandler;
import dev.intake.functions.track.TrackHandler;
import dev.intake.functions.action.ActionHandler;
import dev.intake.functions.submit.SubmitHandler;
import dev.intake.functions.trigger.CampaignTriggerHandler;
import dev.intake.functions.relay.EventRelayHandler;
import dev.intake.json.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The sample events in {@code events/} (the ones {@code sam local invoke -e} uses), loaded with
 * aws-lambda-java-tests and handed to each function's handler, against the emulators. The relay and the
 * campaign trigger read their own events: they get the file's bytes, as from the runtime.
 */
class HandlerEventsIT {
    static final String WS = "ws_demo";
    static final String FORM = "frm_SampleForm";

    @BeforeAll
    static void sampleForm() {
        var services = TestStack.get().services();
        assertEquals(WS, TestStack.get().demoWorkspace().workspaceId(), "the events are written for the demo workspace");
        try {
            services.forms.create(new Form(WS, FORM, "Sample", List.of(
                    new Field("fld_email001", "email", FieldType.EMAIL, "Email", true, List.of(), null, null),
                    new Field("fld_first001", "firstName", FieldType.TEXT, "First name", false, List.of(), null, null),
                    new Field("fld_inter001", "interests", FieldType.SELECT, "Interests", false, List.of("tech", "marketing"), null, null)),
                    FormSettings.DEFAULT, false, FormStatus.ACTIVE, Instant.now(), Instant.now(), 1));
        } catch (IntakeException.Conflict exists) {
            // created by an earlier test class in this JVM
        }
    }

    @Test
    void submitEvent_storesSubmissionWithContextIp() throws Exception {
        var event = EventLoader.loadApiGatewayRestEvent("../events/submit.json");
        var res = new SubmitHandler(TestStack.get().services()).handleRequest(event, null);
        assertEquals(201, res.getStatusCode(), res.getBody());
        String id = Json.mapper().readTree(res.getBody()).path("submissionId").asText();
        var stored = TestStack.get().services().submissions.find(FORM, id).orElseThrow();
        assertEquals("203.0.113.42", stored.metadata().ip());
        assertEquals(Map.of("fld_email001", "jane@example.com", "fld_first001", "Jane", "fld_inter001", "marketing"), stored.data());
    }

    @Test
    void actionSubmitEvent_registersTheFormAndRedirectsToTheSuccessPage() throws Exception {
        var event = EventLoader.loadApiGatewayRestEvent("../events/action-submit.json");
        var res = new ActionHandler(TestStack.get().services()).handleRequest(event, null);
        assertEquals(303, res.getStatusCode(), res.getBody());
        assertEquals("https://success.example.com/thanks", res.getHeaders().get("Location"));
        var form = TestStack.get().services().forms.find(WS + ":2d75e032c78a41a").orElseThrow();
        assertEquals(List.of("email", "job title"), form.fields().stream().map(Field::name).toList());
    }

    @Test
    void backendSubmitEvent_answers204AndUpdatesThePerson() throws Exception {
        var event = EventLoader.loadApiGatewayRestEvent("../events/backend-submit.json");
        var res = new SubmitHandler(TestStack.get().services()).handleRequest(event, null);
        assertEquals(204, res.getStatusCode(), res.getBody());
        var person = TestStack.get().services().people
                .find(WS, dev.intake.domain.Ids.person(WS, "email", "cool.person@example.com")).orElseThrow();
        assertEquals("Cool Person", person.attributes().get("first_name"));
    }

    @Test
    void formsListEvent_listsTheDemoWorkspacesForms() throws Exception {
        var event = EventLoader.loadApiGatewayRestEvent("../events/forms-list.json");
        var res = new FormsHandler(TestStack.get().services()).handleRequest(event, null);
        assertEquals(200, res.getStatusCode(), res.getBody());
        JsonNode body = Json.mapper().readTree(res.getBody());
        List<String> ids = new ArrayList<>();
        body.path("data").forEach(f -> ids.add(f.path("id").asText()));
        assertTrue(ids.contains(FORM), ids.toString());
    }

    @Test
    void submissionsCreateEvent_thenPeopleFindEvent_showTheSubmissionAndItsPerson() throws Exception {
        var services = TestStack.get().services();
        var create = EventLoader.loadApiGatewayRestEvent("../events/submissions-create.json");
        var created = new SubmissionsHandler(services).handleRequest(create, null);
        assertEquals(201, created.getStatusCode(), created.getBody());
        JsonNode submission = Json.mapper().readTree(created.getBody());
        assertEquals(Map.of("fld_email001", "priya@example.com", "fld_first001", "Priya", "fld_inter001", "tech"),
                Json.mapper().convertValue(submission.path("data"), Map.class));
        assertEquals("api", submission.path("metadata").path("source").asText());
        var again = new SubmissionsHandler(services).handleRequest(EventLoader.loadApiGatewayRestEvent("../events/submissions-create.json"), null);
        assertEquals(created.getBody(), again.getBody(), "the sample's Idempotency-Key replays the first answer");

        var find = EventLoader.loadApiGatewayRestEvent("../events/people-find.json");
        var found = new PeopleHandler(services).handleRequest(find, null);
        assertEquals(200, found.getStatusCode(), found.getBody());
        JsonNode person = Json.mapper().readTree(found.getBody());
        assertEquals("priya@example.com", person.path("identifiers").path("email").asText());
        assertEquals("Priya", person.path("attributes").path("firstName").asText());
    }

    @Test
    void trackIdentifyEvent_identifiesThePersonAndLinksTheAnonymousId() throws Exception {
        var services = TestStack.get().services();
        var event = EventLoader.loadApiGatewayRestEvent("../events/track-identify.json");
        var res = new TrackHandler(services).handleRequest(event, null);
        assertEquals(200, res.getStatusCode(), res.getBody());
        assertEquals("{\"success\":true}", res.getBody());
        var person = services.people.find(WS, dev.intake.domain.Ids.person(WS, "id", "user-sample-1")).orElseThrow();
        assertEquals("sample.user@example.com", person.email());
        assertEquals("pro", person.attributes().get("plan"));
        assertEquals(List.of("anon-sample-1"), person.anonymousIds());
    }

    @Test
    void trackedEvent_reachesTheCampaignTrigger_andRunsEventCampaignsOnce() throws Exception {
        var services = TestStack.get().services();
        var ws = Fixtures.workspace();
        try (var receiver = WebhookReceiver.start()) {
            services.campaigns.create(webhookCampaign(ws.workspaceId(), "cmp_OnOrder", new Campaign.Trigger(Campaign.Trigger.EVENT, null, "Order Completed"),
                    receiver.url("/order")));
            services.campaigns.create(webhookCampaign(ws.workspaceId(), "cmp_OnOther", new Campaign.Trigger(Campaign.Trigger.EVENT, null, "Signed Up"),
                    receiver.url("/other")));
            String body = "{\"userId\":\"buyer-1\",\"event\":\"Order Completed\",\"messageId\":\"order-msg-1\",\"properties\":{\"total\":42}}";
            for (int i = 0; i < 2; i++) {
                var res = Http.send("POST", "/v1/track", body, "Authorization", "Basic "
                        + java.util.Base64.getEncoder().encodeToString((ws.writeKey() + ":").getBytes(java.nio.charset.StandardCharsets.UTF_8)));
                assertEquals(200, res.statusCode(), res.body());
            }
            var hook = receiver.await("/order", 1).getFirst();
            JsonNode event = Json.mapper().readTree(hook.body());
            assertEquals("event.tracked", event.path("type").asText());
            assertEquals("Order Completed", event.path("name").asText());
            assertEquals(42, event.path("properties").path("total").asInt());
            assertEquals(event.path("id").asText(), hook.header("Intake-Event-Id"));

            var delivery = services.deliveries.find(ws.workspaceId(), "cmp_OnOrder", event.path("id").asText()).orElseThrow();
            assertEquals(Delivery.Status.SUCCEEDED, delivery.status());
            assertEquals(1, delivery.attempts());
            assertEquals(200, delivery.responseCode());
            assertTrue(services.deliveries.list(ws.workspaceId(), "cmp_OnOther", null, 10).items().isEmpty());
            assertEquals(1, receiver.requests("/order").size(), "the second call was the same message: one event, one delivery");
            assertTrue(receiver.requests("/other").isEmpty());
        }
    }

    @Test
    void campaignTriggerEvent_deliveredTwice_hasOneEffect() throws Exception {
        var services = TestStack.get().services();
        byte[] event = Files.readAllBytes(Path.of("../events/campaign-trigger.json"));
        var handler = new CampaignTriggerHandler(services);
        try (var receiver = WebhookReceiver.start()) {
            services.campaigns.create(webhookCampaign(WS, "cmp_SampleEvent", new Campaign.Trigger(Campaign.Trigger.FORM_SUBMITTED, FORM, null),
                    receiver.url("/sample")));
            try {
                assertEquals(NO_FAILURES, invoke(handler, event));
                assertEquals(NO_FAILURES, invoke(handler, event), "a redelivery is not a failure");

                var hooks = receiver.requests("/sample").stream().filter(r -> "evt_0VbfzSample0001".equals(r.header("Intake-Event-Id"))).toList();
                assertEquals(1, hooks.size(), "the same SQS message twice: one webhook");
                var delivery = services.deliveries.find(WS, "cmp_SampleEvent", "evt_0VbfzSample0001").orElseThrow();
                assertEquals(Delivery.Status.SUCCEEDED, delivery.status());
                assertEquals(1, delivery.attempts());
                assertTrue(dev.intake.application.WebhookSignature.verify(((CampaignAction.Webhook) services.campaigns
                                .find(WS, "cmp_SampleEvent").orElseThrow().actions().getFirst()).secret(),
                        hooks.getFirst().header("Intake-Signature"), hooks.getFirst().body(), Instant.now().getEpochSecond(), 300));
            } finally {
                services.campaigns.delete(WS, "cmp_SampleEvent");
            }
        }
    }

    @Test
    void relayEvent_publishesTheSubmissionsEvent() throws Exception {
        var services = TestStack.get().services();
        byte[] event = Files.readAllBytes(Path.of("../events/relay-submission.json"));
        try (var receiver = WebhookReceiver.start()) {
            services.campaigns.create(webhookCampaign(WS, "cmp_SampleRelay", new Campaign.Trigger(Campaign.Trigger.FORM_SUBMITTED, FORM, null),
                    receiver.url("/relay")));
            try {
                assertEquals(NO_FAILURES, invoke(new EventRelayHandler(services), event));
                await().atMost(java.time.Duration.ofSeconds(30)).until(() -> receiver.requests("/relay").stream()
                        .anyMatch(r -> "evt_0VbfzRelay00001".equals(r.header("Intake-Event-Id"))));
                var hook = receiver.requests("/relay").stream().filter(r -> "evt_0VbfzRelay00001".equals(r.header("Intake-Event-Id"))).findFirst().orElseThrow();
                JsonNode body = Json.mapper().readTree(hook.body());
                assertEquals("sub_0VbfzRelay00001", body.path("submission_id").asText());
                assertEquals("Priya", body.path("data").path("firstName").asText(), "values keyed by field name, from the form");
            } finally {
                services.campaigns.delete(WS, "cmp_SampleRelay");
            }
        }
    }

    @Test
    void authorizerRequestEvent_allowsTheDemoKey_andDeniesWithoutOne() throws Exception {
        var services = TestStack.get().services();
        var handler = new KeyAuthorizerHandler(services);
        APIGatewayCustomAuthorizerEvent event = EventLoader.loadAPIGatewayCustomAuthorizerEvent("../events/authorizer-request.json");

        IamPolicyResponseV1 allowed = handler.handleRequest(event, null);

        assertEquals(WS, allowed.getPrincipalId());
        assertEquals(Map.of("workspaceId", WS), allowed.getContext());
        var demoKey = services.workspaces.findCredential(dev.intake.domain.Ids.sha256("sk_live_local_demo")).orElseThrow();
        assertEquals(demoKey.usageKey().value(), allowed.getUsageIdentifierKey());
        JsonNode sent = lambdaRuntimeJson(allowed);
        assertEquals(WS, sent.path("principalId").asText());
        assertEquals(demoKey.usageKey().value(), sent.path("usageIdentifierKey").asText());
        assertEquals("2012-10-17", sent.path("policyDocument").path("Version").asText());
        JsonNode statement = sent.path("policyDocument").path("Statement").get(0);
        assertEquals("execute-api:Invoke", statement.path("Action").asText());
        assertEquals("Allow", statement.path("Effect").asText());
        assertEquals("arn:aws:execute-api:us-east-1:123456789012:abc123defg/prod/*/*", statement.path("Resource").get(0).asText());
        assertEquals(WS, sent.path("context").path("workspaceId").asText());

        event.setHeaders(Map.of("Accept", "application/json"));
        JsonNode denied = lambdaRuntimeJson(handler.handleRequest(event, null));
        assertEquals("Deny", denied.path("policyDocument").path("Statement").get(0).path("Effect").asText());
        assertTrue(denied.path("context").path("message").asText().startsWith("Missing API key"), denied.toString());
        assertTrue(denied.path("usageIdentifierKey").isNull() || denied.path("usageIdentifierKey").isMissingNode(), denied.toString());
        event.setHeaders(Map.of("x-api-key", "sk_live_unknown"));
        assertEquals("Invalid or revoked API key", handler.handleRequest(event, null).getContext().get("message"));
    }

    /** The JSON the Lambda Java runtime makes of a handler's answer. */
    private static JsonNode lambdaRuntimeJson(IamPolicyResponseV1 answer) throws Exception {
        return Json.mapper().readTree(LambdaRuntime.write(answer, IamPolicyResponseV1.class));
    }

    @Test
    void adminCreateWorkspaceEvent_createsAWorkspaceWhoseApiKeyWorks() {
        var services = TestStack.get().services();
        @SuppressWarnings("unchecked")
        Map<String, Object> event = EventLoader.loadEvent("../events/admin-create-workspace.json", Map.class);

        Map<String, Object> out = new AdminHandler(services).handleRequest(event, null);

        String ws = (String) out.get("workspaceId");
        assertEquals("Acme", services.workspaces.find(ws).orElseThrow().name());
        for (String secret : List.of("siteId", "trackKey", "writeKey", "apiKey")) assertNotNull(out.get(secret), secret);
        var res = Http.send("GET", "/api/workspaces/" + ws + "/forms", null, "Authorization", "Bearer " + out.get("apiKey"));
        assertEquals(200, res.statusCode(), res.body());
    }

    /** A campaign with one webhook action to {@code url}. */
    static Campaign webhookCampaign(String workspaceId, String id, Campaign.Trigger trigger, String url) {
        Instant now = Instant.now();
        return new Campaign(workspaceId, id, id, trigger,
                List.of(new CampaignAction.Webhook(url, dev.intake.application.WebhookSignature.newSecret())), true, now, now);
    }

    @Test
    void campaignTrigger_reportsOnlyTheMalformedMessageOfABatch() throws Exception {
        ObjectNode event = (ObjectNode) Json.mapper().readTree(Path.of("../events/campaign-trigger.json").toFile());
        JsonNode good = event.path("Records").get(0);
        ObjectNode poison = Json.object().put("messageId", "poison-1").put("body", "{\"type\":\"something.else\"}");
        event.putArray("Records").add(poison).add(good);

        String answer = invoke(new CampaignTriggerHandler(TestStack.get().services()), Json.mapper().writeValueAsBytes(event));

        assertEquals("{\"batchItemFailures\":[{\"itemIdentifier\":\"poison-1\"}]}", answer);
    }

    /** A batch answer that reports no failure, as the runtime's serializer writes it. */
    static final String NO_FAILURES = "{\"batchItemFailures\":[]}";

    /** Calls a function that reads its own event as the runtime does, with the event's bytes; returns what it wrote. */
    static String invoke(RequestStreamHandler handler, byte[] event) throws IOException {
        var out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event), out, null);
        return out.toString(StandardCharsets.UTF_8);
    }
}
