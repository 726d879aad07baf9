package dev.intake.local;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

import dev.intake.domain.Campaign;
import dev.intake.domain.Delivery;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * Retries through SQS redelivery and the dead-letter queue, end to end on the local stack. The tests set a
 * zero backoff ({@code INTAKE_RETRY_BASE_SECONDS=0}), so redeliveries come at once.
 */
class DeliveryRetriesIT {

    @Test
    void webhookFailingTwice_isRetriedUntilItSucceeds_once() {
        var stack = TestStack.get();
        var ws = Fixtures.workspace();
        String formId = Fixtures.seedForm(ws, false).path("id").asText();
        try (var receiver = WebhookReceiver.start()) {
            receiver.respond(n -> n <= 2 ? 503 : 204);
            stack.services().campaigns.create(HandlerEventsIT.webhookCampaign(ws.workspaceId(), "cmp_Flaky",
                    new Campaign.Trigger(Campaign.Trigger.FORM_SUBMITTED, formId, null), receiver.url("/flaky")));
            String subId = submit(ws, formId, "flaky@example.com");
            String eventId = "evt_" + subId.substring(4);

            Delivery d = await().atMost(Duration.ofSeconds(30)).until(
                    () -> stack.services().deliveries.find(ws.workspaceId(), "cmp_Flaky", eventId),
                    f -> f.isPresent() && f.get().status() == Delivery.Status.SUCCEEDED).orElseThrow();
            assertEquals(3, d.attempts());
            assertEquals(204, d.responseCode());
            var hooks = receiver.requests("/flaky");
            assertEquals(3, hooks.size());
            assertTrue(hooks.stream().allMatch(h -> eventId.equals(h.header("Intake-Event-Id"))), "every retry carries the same event id");
        }
    }

    @Test
    void webhookAlwaysFailing_endsFailedAndTheEventInTheDeadLetterQueue() {
        var stack = TestStack.get();
        var ws = Fixtures.workspace();
        String formId = Fixtures.seedForm(ws, false).path("id").asText();
        try (var receiver = WebhookReceiver.start()) {
            receiver.respondWith(500);
            stack.services().campaigns.create(HandlerEventsIT.webhookCampaign(ws.workspaceId(), "cmp_Down",
                    new Campaign.Trigger(Campaign.Trigger.FORM_SUBMITTED, formId, null), receiver.url("/down")));
            String subId = submit(ws, formId, "down@example.com");
            String eventId = "evt_" + subId.substring(4);

            Message dead = awaitDeadLetter(eventId);
            assertTrue(dead.body().contains("\"submission_id\":\"" + subId + "\""));
            Delivery d = stack.services().deliveries.find(ws.workspaceId(), "cmp_Down", eventId).orElseThrow();
            assertEquals(Delivery.Status.FAILED, d.status());
            assertEquals(maxReceives(), d.attempts());
            assertEquals(500, d.responseCode());
            assertTrue(d.lastError().contains("gave up after " + maxReceives() + " attempts"), d.lastError());
            assertEquals(maxReceives(), receiver.requests("/down").size());
        }
    }

    @Test
    void poisonMessage_reachesTheDeadLetterQueueAfterMaxReceives() {
        var stack = TestStack.get();
        String body = "{\"type\":\"form.submitted\",\"id\":\"poison-" + System.nanoTime() + "\"}";
        stack.sqs().sendMessage(r -> r.queueUrl(stack.services().config.eventsQueueUrl()).messageBody(body));
        Message dead = awaitDeadLetter(body.substring(body.indexOf("poison-"), body.length() - 2));
        assertEquals(body, dead.body());
        assertTrue(Integer.parseInt(dead.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT)) >= maxReceives(),
                dead.attributes().toString());
    }

    private static String submit(dev.intake.application.CreateWorkspace.Secrets ws, String formId, String email) {
        var res = Http.send("POST", "/v1/forms/" + formId + "/submissions", "{\"data\":{\"email\":\"" + email + "\"}}",
                "Authorization", "Bearer " + ws.apiKey(), "Content-Type", "application/json");
        assertEquals(201, res.statusCode(), res.body());
        return Http.json(res).path("id").asText();
    }

    private static int maxReceives() {
        return TestStack.get().services().config.delivery().maxReceives();
    }

    /** Waits for a message containing {@code marker} on the DLQ, and takes it off. */
    static Message awaitDeadLetter(String marker) {
        var stack = TestStack.get();
        String dlq = stack.queueUrls().get("EventsDLQ");
        List<Message> found = new java.util.ArrayList<>();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            for (Message m : stack.sqs().receiveMessage(r -> r.queueUrl(dlq).maxNumberOfMessages(10).visibilityTimeout(0)
                    .messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages()) {
                if (m.body().contains(marker)) {
                    stack.sqs().deleteMessage(r -> r.queueUrl(dlq).receiptHandle(m.receiptHandle()));
                    found.add(m);
                    return true;
                }
            }
            return false;
        });
        return Optional.of(found.getFirst()).orElseThrow();
    }
}
