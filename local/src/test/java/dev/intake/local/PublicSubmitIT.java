package dev.intake.local;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.intake.application.CreateWorkspace;
import dev.intake.domain.Campaign;
import dev.intake.domain.ConsentState;
import dev.intake.domain.Ids;
import dev.intake.domain.Person;
import dev.intake.domain.Source;
import dev.intake.domain.Submission;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** {@code POST /api/forms/{formId}/submit} over real HTTP, against the emulators, through SQS. */
class PublicSubmitIT {
    static CreateWorkspace.Secrets ws;
    static JsonNode form;
    static String formId;

    @BeforeAll
    static void setUp() {
        ws = Fixtures.workspace();
        form = Fixtures.seedForm(ws, false);
        formId = form.path("id").asText();
    }

    static java.net.http.HttpResponse<String> submit(String id, String body, String... headers) {
        String[] all = new String[headers.length + 2];
        all[0] = "Content-Type";
        all[1] = "application/json";
        System.arraycopy(headers, 0, all, 2, headers.length);
        return Http.send("POST", "/api/forms/" + id + "/submit", body, all);
    }

    @Test
    void submit_seed003Body_storesEverythingAndTriggersCampaigns() {
        var stack = TestStack.get();
        String campaignId = Ids.campaign();
        var receiver = WebhookReceiver.start();
        stack.services().campaigns.create(HandlerEventsIT.webhookCampaign(ws.workspaceId(), campaignId,
                new Campaign.Trigger(Campaign.Trigger.FORM_SUBMITTED, formId, null), receiver.url("/welcome")));

        var res = submit(formId, Fixtures.SEED_003_SUBMIT, "User-Agent", "IntakeTest/1.0",
                "Referer", "https://www.example.com/register", "X-Forwarded-For", "6.6.6.6");

        assertEquals(201, res.statusCode(), res.body());
        JsonNode body = Http.json(res);
        assertTrue(body.path("success").asBoolean());
        String subId = body.path("submissionId").asText();
        assertTrue(Ids.isSubmission(subId), subId);

        Submission stored = stack.services().submissions.find(formId, subId).orElseThrow();
        Map<String, String> fieldIds = fieldIds(form);
        assertEquals(Map.of(fieldIds.get("email"), "jane@example.com", fieldIds.get("firstName"), "Jane",
                fieldIds.get("interests"), "marketing"), stored.data());
        assertEquals("127.0.0.1", stored.metadata().ip(), "the IP comes from the request context, not X-Forwarded-For");
        assertEquals("IntakeTest/1.0", stored.metadata().userAgent());
        assertEquals("https://www.example.com/register", stored.metadata().referrer());
        assertEquals(Source.FORM, stored.metadata().source());

        Person person = stack.services().people.find(ws.workspaceId(), stored.personId()).orElseThrow();
        assertEquals("jane@example.com", person.email());
        assertEquals(ConsentState.OPTED_IN, person.consent());
        assertEquals(formId, person.consentRecord().formId());
        assertEquals(Map.of("firstName", "Jane", "interests", "marketing"), person.attributes());

        var get = Http.send("GET", "/api/workspaces/" + ws.workspaceId() + "/forms/" + formId, null, "x-api-key", ws.apiKey());
        assertTrue(Http.json(get).path("_count").path("submissions").asLong() >= 1);

        try (receiver) {
            var hook = receiver.await("/welcome", 1).getFirst();
            JsonNode event = dev.intake.json.Json.mapper().readTree(hook.body());
            assertEquals("form.submitted", event.path("type").asText());
            assertEquals(subId, event.path("submission_id").asText());
            assertEquals("Jane", event.path("data").path("firstName").asText());
            assertEquals(stored.personId(), event.path("person_id").asText());
            assertEquals(campaignId, hook.header("Intake-Campaign-Id"));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void submit_urlencodedBody_isAccepted() {
        var res = Http.send("POST", "/api/forms/" + formId + "/submit",
                "email=url%40example.com&firstName=Ur+L&interests=tech", "Content-Type", "application/x-www-form-urlencoded");
        assertEquals(201, res.statusCode(), res.body());
        var stored = TestStack.get().services().submissions.find(formId, Http.json(res).path("submissionId").asText()).orElseThrow();
        assertEquals("Ur L", stored.data().get(fieldIds(form).get("firstName")));
    }

    @Test
    void submit_countGoesUpByOnePerSubmission() {
        var w = Fixtures.workspace();
        String id = Fixtures.seedForm(w, false).path("id").asText();
        for (int i = 0; i < 3; i++) assertEquals(201, submit(id, "{\"email\":\"c" + i + "@example.com\"}").statusCode());
        var list = Http.json(Http.send("GET", "/api/workspaces/" + w.workspaceId() + "/forms", null, "x-api-key", w.apiKey()));
        assertEquals(3, list.path("data").get(0).path("_count").path("submissions").asLong());
    }

    @Test
    void submit_doubleOptInForm_leavesConsentPending() {
        String id = Fixtures.seedForm(ws, true).path("id").asText();
        var res = submit(id, "{\"email\":\"Pending@Example.com\"}");
        assertEquals(201, res.statusCode(), res.body());
        Person p = TestStack.get().services().people.find(ws.workspaceId(), Ids.person(ws.workspaceId(), "email", "pending@example.com")).orElseThrow();
        assertEquals(ConsentState.PENDING, p.consent());
    }

    @Test
    void submit_unknownForm_is404() {
        var res = submit("frm_doesNotExist", Fixtures.SEED_003_SUBMIT);
        assertEquals(404, res.statusCode());
        assertEquals("not_found", Http.json(res).path("error").path("code").asText());
        assertEquals(404, submit("my-own-form-id", Fixtures.SEED_003_SUBMIT).statusCode());
    }

    @Test
    void submit_missingRequiredAndInvalidValues_is400NamingEachField() {
        var res = submit(formId, "{\"firstName\":\"Jane\",\"interests\":\"cooking\"}");
        assertEquals(400, res.statusCode());
        JsonNode error = Http.json(res).path("error");
        assertEquals("missing_required_fields", error.path("code").asText());
        assertEquals(List.of("email", "interests"), List.of(error.path("fields").get(0).asText(), error.path("fields").get(1).asText()));

        var bad = submit(formId, "{\"email\":\"not-an-email\"}");
        assertEquals(400, bad.statusCode());
        assertEquals("invalid_field_values", Http.json(bad).path("error").path("code").asText());
        assertTrue(Http.json(bad).path("error").path("message").asText().contains("email"));
    }

    @Test
    void submit_malformedOrWrongBodies_are4xxWithNamedProblems() {
        assertEquals("invalid_json", Http.json(submit(formId, "{\"email\":")).path("error").path("code").asText());
        assertEquals("invalid_body", Http.json(submit(formId, "[1,2]")).path("error").path("code").asText());
        assertEquals("empty_body", Http.json(submit(formId, "")).path("error").path("code").asText());
        var wrongType = Http.send("POST", "/api/forms/" + formId + "/submit", "email=x", "Content-Type", "text/plain");
        assertEquals(400, wrongType.statusCode());
        assertEquals("unsupported_content_type", Http.json(wrongType).path("error").path("code").asText());
        var big = submit(formId, "{\"email\":\"a@b.co\",\"note\":\"" + "x".repeat(120_000) + "\"}");
        assertEquals(413, big.statusCode());
        var invalidUtf8 = Http.sendBytes("POST", "/api/forms/" + formId + "/submit",
                new byte[] {'{', '"', 'e', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'}, "Content-Type", "application/json");
        assertEquals(400, invalidUtf8.statusCode());
        assertEquals("invalid_encoding", Http.json(invalidUtf8).path("error").path("code").asText());
    }

    @Test
    void submit_numberField_isStoredAsNumber() {
        var f = Fixtures.createForm(ws, "{\"name\":\"Quote\",\"fields\":[{\"name\":\"email\",\"type\":\"email\"},{\"name\":\"seats\",\"type\":\"number\"}]}");
        String id = f.path("id").asText();
        var res = submit(id, "{\"email\":\"n@example.com\",\"seats\":\"12\"}");
        assertEquals(201, res.statusCode(), res.body());
        var stored = TestStack.get().services().submissions.find(id, Http.json(res).path("submissionId").asText()).orElseThrow();
        assertEquals(new BigDecimal("12"), stored.data().get(fieldIds(f).get("seats")));
        assertEquals(400, submit(id, "{\"email\":\"n@example.com\",\"seats\":\"twelve\"}").statusCode());
    }

    @Test
    void cors_formWithoutOrigins_answersAnyOrigin() {
        var res = submit(formId, Fixtures.SEED_003_SUBMIT, "Origin", "https://anywhere.example");
        assertEquals(201, res.statusCode());
        assertEquals("*", res.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
        var pre = Http.send("OPTIONS", "/api/forms/" + formId + "/submit", null, "Origin", "https://anywhere.example",
                "Access-Control-Request-Method", "POST");
        assertEquals(204, pre.statusCode());
        assertTrue(pre.headers().firstValue("Access-Control-Allow-Methods").orElse("").contains("POST"));
    }

    @Test
    void cors_formWithOrigins_echoesOnlyAllowedOriginsAndRejectsOthers() {
        String id = Fixtures.createForm(ws, "{\"name\":\"Restricted\",\"fields\":[{\"name\":\"email\",\"type\":\"email\"}],"
                + "\"settings\":{\"allowedOrigins\":[\"https://good.example\"]}}").path("id").asText();
        var ok = submit(id, "{\"email\":\"o@example.com\"}", "Origin", "https://good.example");
        assertEquals(201, ok.statusCode());
        assertEquals("https://good.example", ok.headers().firstValue("Access-Control-Allow-Origin").orElse(null));

        var bad = submit(id, "{\"email\":\"o@example.com\"}", "Origin", "https://evil.example");
        assertEquals(403, bad.statusCode());
        assertTrue(bad.headers().firstValue("Access-Control-Allow-Origin").isEmpty());
        var pre = Http.send("OPTIONS", "/api/forms/" + id + "/submit", null, "Origin", "https://evil.example");
        assertTrue(pre.headers().firstValue("Access-Control-Allow-Origin").isEmpty());
    }

    @Test
    void unknownRouteAndMethod_areJson404And405() {
        var none = Http.send("GET", "/nope", null);
        assertEquals(404, none.statusCode());
        assertEquals("not_found", Http.json(none).path("error").path("code").asText());
        var method = Http.send("GET", "/api/forms/" + formId + "/submit", null);
        assertEquals(405, method.statusCode());
        assertEquals("OPTIONS, POST", method.headers().firstValue("Allow").orElse(""));
    }

    static Map<String, String> fieldIds(JsonNode form) {
        var out = new java.util.HashMap<String, String>();
        form.path("fields").forEach(f -> out.put(f.path("name").asText(), f.path("id").asText()));
        return out;
    }
}
