package dev.intake.local;

import static org.junit.jupiter.api.Assertions.*;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import dev.intake.domain.Campaign;
import dev.intake.domain.Field;
import dev.intake.domain.FieldType;
import dev.intake.domain.Form;
import dev.intake.domain.FormSettings;
import dev.intake.domain.FormStatus;
import dev.intake.domain.IntakeException;
import dev.intake.functions.forms.FormsHandler;
import dev.intake.functions.people.PeopleHandler;
import dev.intake.functions.submissions.SubmissionsHandler;
import dev.intake.functions.track.TrackHandler;
import dev.intake.functions.action.ActionHandler;
import dev.intake.functions.submit.SubmitHandler;
import dev.intake.functions.trigger.CampaignTriggerHandler;
import dev.intake.json.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The sample events in {@code events/} (the ones {@code sam local invoke -e} uses), loaded with
 * aws-lambda-java-tests and handed to each function's handler, against the emulators.
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
        String id = Json.MAPPER.readTree(res.getBody()).path("submissionId").asText();
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
        JsonNode body = Json.MAPPER.readTree(res.getBody());
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
        JsonNode submission = Json.MAPPER.readTree(created.getBody());
        assertEquals(Map.of("fld_email001", "priya@example.com", "fld_first001", "Priya", "fld_inter001", "tech"),
                Json.MAPPER.convertValue(submission.path("data"), Map.class));
        assertEquals("api", submission.path("metadata").path("source").asText());
        var again = new SubmissionsHandler(services).handleRequest(EventLoader.loadApiGatewayRestEvent("../events/submissions-create.json"), null);
        assertEquals(created.getBody(), again.getBody(), "the sample's Idempotency-Key replays the first answer");

        var find = EventLoader.loadApiGatewayRestEvent("../events/people-find.json");
        var found = new PeopleHandler(services).handleRequest(find, null);
        assertEquals(200, found.getStatusCode(), found.getBody());
        JsonNode person = Json.MAPPER.readTree(found.getBody());
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
    void trackedEvent_reachesTheCampaignTrigger_andMatchesEventCampaignsOnce() {
        var services = TestStack.get().services();
        var ws = Fixtures.workspace();
        services.campaigns.save(new Campaign(ws.workspaceId(), "cmp_OnOrder", "On order",
                new Campaign.Trigger(Campaign.Trigger.EVENT, null, "Order Completed"), true, Instant.now()));
        services.campaigns.save(new Campaign(ws.workspaceId(), "cmp_OnOther", "On another event",
                new Campaign.Trigger(Campaign.Trigger.EVENT, null, "Signed Up"), true, Instant.now()));
        String body = "{\"userId\":\"buyer-1\",\"event\":\"Order Completed\",\"messageId\":\"order-msg-1\",\"properties\":{\"total\":42}}";
        for (int i = 0; i < 2; i++) {
            var res = Http.send("POST", "/v1/track", body, "Authorization", "Basic "
                    + java.util.Base64.getEncoder().encodeToString((ws.writeKey() + ":").getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            assertEquals(200, res.statusCode(), res.body());
        }
        String eventId = "evt_" + dev.intake.domain.Ids.sha256(ws.workspaceId() + "\u0000order-msg-1").substring(0, 24);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() -> !record(eventId).isEmpty());
        assertEquals(List.of("cmp_OnOrder"), record(eventId).get("campaigns").l().stream().map(AttributeValue::s).toList());
        assertEquals("Order Completed", record(eventId).get("event").s());
    }

    @Test
    void campaignTriggerEvent_matchesOnceEvenWhenRedelivered() {
        var services = TestStack.get().services();
        String campaignId = "cmp_SampleEvent";
        services.campaigns.save(new Campaign(WS, campaignId, "Any form", new Campaign.Trigger(Campaign.Trigger.FORM_SUBMITTED, null, null),
                true, Instant.now()));
        SQSEvent event = EventLoader.loadSQSEvent("../events/campaign-trigger.json");
        var handler = new CampaignTriggerHandler(services);

        assertTrue(handler.handleRequest(event, null).getBatchItemFailures().isEmpty());
        Map<String, AttributeValue> first = record("evt_0VbfzSample0001");
        assertTrue(first.get("campaigns").l().stream().map(AttributeValue::s).toList().contains(campaignId));

        services.campaigns.save(new Campaign(WS, "cmp_SampleLater", "Added after", new Campaign.Trigger(Campaign.Trigger.FORM_SUBMITTED, null, null),
                true, Instant.now()));
        assertTrue(handler.handleRequest(event, null).getBatchItemFailures().isEmpty(), "a redelivery is not a failure");
        assertEquals(first, record("evt_0VbfzSample0001"), "a redelivery changes nothing");
    }

    @Test
    void campaignTrigger_reportsOnlyTheMalformedMessageOfABatch() {
        SQSEvent event = EventLoader.loadSQSEvent("../events/campaign-trigger.json");
        SQSEvent.SQSMessage good = event.getRecords().get(0);
        SQSEvent.SQSMessage poison = new SQSEvent.SQSMessage();
        poison.setMessageId("poison-1");
        poison.setBody("{\"type\":\"something.else\"}");
        event.setRecords(List.of(poison, good));
        var failures = new CampaignTriggerHandler(TestStack.get().services()).handleRequest(event, null).getBatchItemFailures();
        assertEquals(List.of("poison-1"), failures.stream().map(f -> f.getItemIdentifier()).toList());
    }

    private static Map<String, AttributeValue> record(String eventId) {
        var stack = TestStack.get();
        return stack.dynamo().getItem(r -> r.tableName(stack.services().config.tables().campaigns())
                .key(Map.of("pk", AttributeValue.fromS("EVT#" + eventId), "sk", AttributeValue.fromS("TRIGGER")))
                .consistentRead(true)).item();
    }
}
