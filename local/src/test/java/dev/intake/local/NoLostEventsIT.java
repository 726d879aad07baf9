package dev.intake.local;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.intake.domain.Campaign;
import dev.intake.domain.Delivery;
import dev.intake.json.Json;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The outbox guarantee, with the queue really down: ElasticMQ stops while submissions are being accepted
 * and starts again later. Every acknowledged submission must end with exactly one webhook delivery.
 */
class NoLostEventsIT {
    /** At most this many are sent: the submitter stops once 20 have been accepted with the queue down. */
    private static final int MAX_SUBMISSIONS = 400;

    @Test
    void sqsDownWhileAccepting_everyAcknowledgedSubmissionIsDeliveredExactlyOnce() throws Exception {
        var stack = TestStack.get();
        org.junit.jupiter.api.Assumptions.assumeTrue(stack.emulators() != null, "stopping the queue needs the in-JVM emulators");
        var ws = Fixtures.workspace();
        String formId = Fixtures.seedForm(ws, false).path("id").asText();
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicInteger rejected = new AtomicInteger();
        AtomicInteger sent = new AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean enough = new java.util.concurrent.atomic.AtomicBoolean();

        try (var receiver = WebhookReceiver.start()) {
            stack.services().campaigns.create(HandlerEventsIT.webhookCampaign(ws.workspaceId(), "cmp_Outbox",
                    new Campaign.Trigger(Campaign.Trigger.FORM_SUBMITTED, formId, null), receiver.url("/outbox")));
            Thread submitter = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < MAX_SUBMISSIONS && !enough.get(); i++) {
                    sent.incrementAndGet();
                    var res = Http.send("POST", "/v1/forms/" + formId + "/submissions",
                            "{\"data\":{\"email\":\"outbox" + i + "@example.com\",\"firstName\":\"N" + i + "\"}}",
                            "Authorization", "Bearer " + ws.apiKey(), "Content-Type", "application/json");
                    if (res.statusCode() == 201) acknowledged.add(Http.json(res).path("id").asText());
                    else rejected.incrementAndGet();
                }
            });
            try {
                await().atMost(Duration.ofSeconds(30)).until(() -> acknowledged.size() >= 15);
                stack.emulators().stopSqs();
                int whenStopped = acknowledged.size();
                await().atMost(Duration.ofSeconds(30)).until(() -> acknowledged.size() >= whenStopped + 20 || !submitter.isAlive());
                assertTrue(acknowledged.size() >= whenStopped + 20, "submissions are accepted while the queue is down: "
                        + (acknowledged.size() - whenStopped) + " of 20");
            } finally {
                enough.set(true);
                stack.emulators().startSqs();
            }
            submitter.join(Duration.ofSeconds(60));
            assertFalse(submitter.isAlive());
            assertEquals(0, rejected.get(), "no submission was refused: the queue is not on the request path");
            assertEquals(sent.get(), acknowledged.size());

            // Usually seconds. But a receive whose answer was lost as the queue went down leaves its messages hidden
            // for the queue's visibility timeout (180 s, template.yaml), as in a real outage; they come back after it.
            await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofMillis(200))
                    .until(() -> receiver.requests("/outbox").size() >= acknowledged.size());
            await().atMost(Duration.ofSeconds(30)).until(() -> nothingWaiting(stack));

            List<WebhookReceiver.Request> hooks = receiver.requests("/outbox");
            Set<String> delivered = new HashSet<>();
            for (var hook : hooks) {
                JsonNode event = Json.mapper().readTree(hook.body());
                delivered.add(event.path("submission_id").asText());
            }
            assertEquals(acknowledged, delivered, "every acknowledged submission reached the receiver");
            assertEquals(acknowledged.size(), hooks.size(), "and each exactly once");
            for (String id : acknowledged) {
                var d = stack.services().deliveries.find(ws.workspaceId(), "cmp_Outbox", "evt_" + id.substring(4)).orElseThrow();
                assertEquals(Delivery.Status.SUCCEEDED, d.status(), id);
            }
        }
    }

    /**
     * Nothing waiting on the events queue. Messages the poller had received when the queue went down could
     * not be deleted; they come back after the visibility timeout and find their deliveries done (the
     * redelivery test in HandlerEventsIT covers that), so they are not waited for here.
     */
    private static boolean nothingWaiting(IntakeLocal stack) {
        String url = stack.services().config.eventsQueueUrl();
        Map<QueueAttributeName, String> a = stack.sqs().getQueueAttributes(r -> r.queueUrl(url).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)).attributes();
        return "0".equals(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES));
    }
}
