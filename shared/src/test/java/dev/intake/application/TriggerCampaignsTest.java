package dev.intake.application;

import static org.junit.jupiter.api.Assertions.*;

import dev.intake.application.port.Mailer;
import dev.intake.application.port.WebhookSender;
import dev.intake.domain.Campaign;
import dev.intake.domain.CampaignAction;
import dev.intake.domain.ConsentRecord;
import dev.intake.domain.ConsentState;
import dev.intake.domain.Delivery;
import dev.intake.domain.EventTracked;
import dev.intake.domain.FormSubmitted;
import dev.intake.domain.OutgoingMail;
import dev.intake.domain.PersonUpsert;
import dev.intake.domain.Source;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TriggerCampaignsTest {
    private static final Instant NOW = Instant.parse("2026-03-04T05:06:07Z");
    private static final String WS = "ws_1";
    private static final String SECRET = "whsec_test-secret-0123456789";

    private final InMemoryCampaignStore campaigns = new InMemoryCampaignStore();
    private final InMemoryDeliveryStore deliveries = new InMemoryDeliveryStore();
    private final InMemoryPersonStore people = new InMemoryPersonStore();
    private final List<Posted> posted = new ArrayList<>();
    private final Deque<WebhookSender.Result> webhookResults = new ArrayDeque<>();
    private final List<OutgoingMail> mailed = new ArrayList<>();
    private final Deque<RuntimeException> mailFailures = new ArrayDeque<>();
    private final TriggerCampaigns trigger = new TriggerCampaigns(campaigns, deliveries, people,
            (url, body, headers) -> {
                posted.add(new Posted(url, new String(body, StandardCharsets.UTF_8), headers));
                return webhookResults.isEmpty() ? new WebhookSender.Result.Delivered(200) : webhookResults.removeFirst();
            },
            e -> ("{\"id\":\"" + e.eventId() + "\"}").getBytes(StandardCharsets.UTF_8),
            mail -> {
                if (!mailFailures.isEmpty()) throw mailFailures.removeFirst();
                mailed.add(mail);
            },
            new ConsentTokens("k".repeat(32).getBytes(StandardCharsets.UTF_8)),
            new TriggerCampaigns.Settings("https://intake.example.com", "intake@example.com", Duration.ofSeconds(30), 8),
            Clock.fixed(NOW, ZoneOffset.UTC));

    private record Posted(URI url, String body, Map<String, String> headers) {}

    private static FormSubmitted submitted(String eventId, String formId, String personId, boolean confirm) {
        return new FormSubmitted(eventId, WS, formId, "sub_" + eventId.substring(4), personId,
                Map.of("firstName", "Ada <b>"), Map.of("firstName", "Ada <b>", "email", "ada@example.com"), Source.FORM, NOW, confirm);
    }

    private Campaign campaign(String id, Campaign.Trigger trigger, CampaignAction... actions) {
        Campaign c = new Campaign(WS, id, "Campaign " + id, trigger, List.of(actions), true, NOW, NOW);
        campaigns.create(c);
        return c;
    }

    private Campaign onForm(String id, CampaignAction... actions) {
        return campaign(id, new Campaign.Trigger(Campaign.Trigger.FORM_SUBMITTED, "frm_1", null), actions);
    }

    private static CampaignAction.Webhook webhook() {
        return new CampaignAction.Webhook("https://hooks.example.com/in", SECRET);
    }

    @Test
    void handle_whenWebhookCampaignMatches_postsSignedEventOnceAndRecordsSuccess() {
        onForm("cmp_A", webhook());
        var outcome = trigger.handle(submitted("evt_1", "frm_1", null, false), 1, null);

        assertFalse(outcome.retry());
        assertEquals(1, posted.size());
        Posted p = posted.getFirst();
        assertEquals("{\"id\":\"evt_1\"}", p.body());
        assertEquals("evt_1", p.headers().get("Intake-Event-Id"));
        assertEquals("dlv_1", p.headers().get("Intake-Delivery-Id"));
        assertEquals("cmp_A", p.headers().get("Intake-Campaign-Id"));
        assertTrue(WebhookSignature.verify(SECRET, p.headers().get("Intake-Signature"), p.body().getBytes(StandardCharsets.UTF_8),
                NOW.getEpochSecond(), 300));
        Delivery d = deliveries.find(WS, "cmp_A", "evt_1").orElseThrow();
        assertEquals(Delivery.Status.SUCCEEDED, d.status());
        assertEquals(1, d.attempts());
        assertEquals(200, d.responseCode());
    }

    @Test
    void handle_readsThePersonOnlyToRenderAMessage_andOncePerEvent() {
        people.upsert(new PersonUpsert(WS, "per_1", "ada@example.com", null, Map.of(),
                new ConsentRecord(ConsentState.OPTED_IN, NOW, null, "frm_1", Source.FORM), null, NOW));
        onForm("cmp_Hook", webhook());
        trigger.handle(submitted("evt_1", "frm_1", "per_1", false), 1, null);
        assertEquals(1, posted.size());
        assertEquals(0, people.finds, "a webhook sends the event itself: no person read");

        onForm("cmp_Mail1", new CampaignAction.Email("{{person.email}}", "Hi", "Hello", null));
        onForm("cmp_Mail2", new CampaignAction.Email("{{person.email}}", "Hi again", "Hello", null));
        trigger.handle(submitted("evt_2", "frm_1", "per_1", false), 1, null);
        assertEquals(2, mailed.size());
        assertEquals("ada@example.com", mailed.getFirst().to());
        assertEquals(1, people.finds, "two e-mail campaigns on one event read the person once");
    }

    @Test
    void handle_whenSameEventTwice_runsActionsOnce() {
        onForm("cmp_A", webhook());
        trigger.handle(submitted("evt_1", "frm_1", null, false), 1, null);
        var again = trigger.handle(submitted("evt_1", "frm_1", null, false), 2, null);

        assertFalse(again.retry());
        assertEquals(1, posted.size());
        assertEquals(1, deliveries.find(WS, "cmp_A", "evt_1").orElseThrow().attempts());
    }

    @Test
    void handle_whenCampaignIsForAnotherFormOrDisabled_runsNothing() {
        onForm("cmp_Other", webhook());
        campaigns.create(new Campaign(WS, "cmp_Off", "Off", new Campaign.Trigger(Campaign.Trigger.FORM_SUBMITTED, null, null),
                List.of(webhook()), false, NOW, NOW));
        var outcome = trigger.handle(submitted("evt_1", "frm_2", null, false), 1, null);

        assertTrue(outcome.deliveries().isEmpty());
        assertTrue(posted.isEmpty());
    }

    @Test
    void handle_whenWebhookFails_isRetryingWithBackoffAndTheRetryPostsAgain() {
        onForm("cmp_A", webhook());
        webhookResults.add(new WebhookSender.Result.Failed(503, "HTTP 503"));
        var first = trigger.handle(submitted("evt_1", "frm_1", null, false), 1, null);

        assertEquals(Duration.ofSeconds(30), first.retryAfter());
        Delivery d = deliveries.find(WS, "cmp_A", "evt_1").orElseThrow();
        assertEquals(Delivery.Status.RETRYING, d.status());
        assertEquals(503, d.responseCode());
        assertEquals("HTTP 503", d.lastError());

        var second = trigger.handle(submitted("evt_1", "frm_1", null, false), 2, null);
        assertFalse(second.retry());
        assertEquals(2, posted.size());
        Delivery after = deliveries.find(WS, "cmp_A", "evt_1").orElseThrow();
        assertEquals(Delivery.Status.SUCCEEDED, after.status());
        assertEquals(2, after.attempts());
        assertNull(after.lastError());
    }

    @Test
    void handle_whenLastReceiveFails_marksFailedAndStillAsksForRetrySoTheMessageReachesTheDlq() {
        onForm("cmp_A", webhook());
        for (int i = 0; i < 8; i++) webhookResults.add(new WebhookSender.Result.Failed(null, "timed out after 10 s"));
        TriggerCampaigns.Outcome last = null;
        for (int receive = 1; receive <= 8; receive++) last = trigger.handle(submitted("evt_1", "frm_1", null, false), receive, null);

        assertTrue(last.retry());
        Delivery d = deliveries.find(WS, "cmp_A", "evt_1").orElseThrow();
        assertEquals(Delivery.Status.FAILED, d.status());
        assertEquals(8, d.attempts());
        assertTrue(d.lastError().startsWith("timed out after 10 s (gave up after 8 attempts"), d.lastError());
    }

    @Test
    void handle_whenTargetRefused_failsAtOnceWithoutRetry() {
        onForm("cmp_A", webhook());
        webhookResults.add(new WebhookSender.Result.Refused("127.0.0.1 is a loopback address"));
        var outcome = trigger.handle(submitted("evt_1", "frm_1", null, false), 1, null);

        assertFalse(outcome.retry());
        Delivery d = deliveries.find(WS, "cmp_A", "evt_1").orElseThrow();
        assertEquals(Delivery.Status.FAILED, d.status());
        assertEquals("refused: 127.0.0.1 is a loopback address", d.lastError());
    }

    @Test
    void handle_whenOneActionSucceededAndAnotherFailed_retryRunsOnlyTheFailedOne() {
        onForm("cmp_A", webhook(), new CampaignAction.Email("{{person.email}}", "Hi", "Hello", null));
        mailFailures.add(new Mailer.MailFailed("SMTP 451 try later", false));
        var first = trigger.handle(submitted("evt_1", "frm_1", null, false), 1, null);
        assertTrue(first.retry());
        assertEquals(1, posted.size());
        assertTrue(mailed.isEmpty());

        var second = trigger.handle(submitted("evt_1", "frm_1", null, false), 2, null);
        assertFalse(second.retry());
        assertEquals(1, posted.size(), "the webhook that succeeded is not posted again");
        assertEquals(1, mailed.size());
        Delivery d = deliveries.find(WS, "cmp_A", "evt_1").orElseThrow();
        assertEquals(List.of(Delivery.Status.SUCCEEDED, Delivery.Status.SUCCEEDED), d.actions().stream().map(Delivery.ActionResult::status).toList());
    }

    @Test
    void handle_whenMailPermanentlyRejected_failsWithoutRetry() {
        onForm("cmp_A", new CampaignAction.Email("{{person.email}}", "Hi", "Hello", null));
        mailFailures.add(new Mailer.MailFailed("SMTP 550 no such user", true));
        var outcome = trigger.handle(submitted("evt_1", "frm_1", null, false), 1, null);

        assertFalse(outcome.retry());
        assertEquals(Delivery.Status.FAILED, deliveries.find(WS, "cmp_A", "evt_1").orElseThrow().status());
    }

    @Test
    void handle_whenEmailAction_rendersTemplatesEscapingHtmlOnly() {
        onForm("cmp_A", new CampaignAction.Email("{{person.email}}", "Thanks {{data.firstName}}",
                "Hi {{data.firstName}} from {{campaign.name}}", "<p>Hi {{data.firstName}}</p>"));
        trigger.handle(submitted("evt_1", "frm_1", null, false), 1, null);

        OutgoingMail m = mailed.getFirst();
        assertEquals("ada@example.com", m.to());
        assertEquals("intake@example.com", m.from());
        assertEquals("Thanks Ada <b>", m.subject());
        assertEquals("Hi Ada <b> from Campaign cmp_A", m.text());
        assertEquals("<p>Hi Ada &lt;b&gt;</p>", m.html());
        assertEquals("dlv_1", m.headers().get("Intake-Delivery-Id"));
    }

    @Test
    void handle_whenRecipientRendersEmpty_failsWithAClearError() {
        onForm("cmp_A", new CampaignAction.Email("{{person.attributes.missing}}", "Hi", "Hello", null));
        trigger.handle(submitted("evt_1", "frm_1", null, false), 1, null);

        Delivery d = deliveries.find(WS, "cmp_A", "evt_1").orElseThrow();
        assertEquals(Delivery.Status.FAILED, d.status());
        assertTrue(d.lastError().startsWith("no recipient"), d.lastError());
    }

    @Test
    void handle_whenConfirmationRequired_mailsASignedLinkOnceAsTheDoubleOptInDelivery() {
        people.upsert(new PersonUpsert(WS, "per_1", "ada@example.com", null, Map.of(),
                new ConsentRecord(ConsentState.PENDING, NOW, null, "frm_1", Source.FORM), null, NOW));
        trigger.handle(submitted("evt_1", "frm_1", "per_1", true), 1, null);
        trigger.handle(submitted("evt_1", "frm_1", "per_1", true), 2, null);

        assertEquals(1, mailed.size());
        OutgoingMail m = mailed.getFirst();
        assertEquals("ada@example.com", m.to());
        assertTrue(m.text().contains("https://intake.example.com/api/consent/confirm?token="), m.text());
        assertEquals(Delivery.Status.SUCCEEDED,
                deliveries.find(WS, TriggerCampaigns.CONFIRMATION, "evt_1").orElseThrow().status());
    }

    @Test
    void handle_whenRefiredForOneCampaign_runsOnlyThatOneEvenIfDisabled() {
        onForm("cmp_A", webhook());
        onForm("cmp_B", webhook());
        trigger.handle(submitted("evt_1", "frm_1", null, false), 1, null);
        assertEquals(2, posted.size());
        campaigns.update(new Campaign(WS, "cmp_A", "A", new Campaign.Trigger(Campaign.Trigger.FORM_SUBMITTED, "frm_1", null),
                List.of(webhook()), false, NOW, NOW));
        deliveries.requeue(WS, "cmp_A", "evt_1", NOW);

        trigger.handle(submitted("evt_1", "frm_1", null, false), 1, "cmp_A");
        assertEquals(3, posted.size());
        assertEquals("cmp_A", posted.getLast().headers().get("Intake-Campaign-Id"));
        assertEquals(2, deliveries.find(WS, "cmp_A", "evt_1").orElseThrow().attempts());
    }

    @Test
    void handle_whenAnotherAttemptHoldsTheLease_runsNothingAndAsksForRetry() {
        onForm("cmp_A", webhook());
        FormSubmitted e = submitted("evt_1", "frm_1", null, false);
        deliveries.claim("cmp_A", e, NOW, NOW.plusSeconds(60));

        var outcome = trigger.handle(e, 2, null);
        assertTrue(outcome.retry());
        assertTrue(posted.isEmpty());
    }

    @Test
    void handle_whenTheLeaseOutlastsTheBackoff_retriesWhenTheLeaseLapses() {
        onForm("cmp_A", webhook());
        FormSubmitted e = submitted("evt_1", "frm_1", null, false);
        deliveries.claim("cmp_A", e, NOW, NOW.plus(TriggerCampaigns.LEASE));

        var outcome = trigger.handle(e, 1, null);
        assertEquals(TriggerCampaigns.LEASE.plusSeconds(1), outcome.retryAfter(), "not the 30 s backoff: the lease would still be held");
        assertEquals(Duration.ofMinutes(4), trigger.handle(e, 4, null).retryAfter(), "a longer backoff stays");
    }

    @Test
    void handle_whenTrackedEventMatchesByName_runsTheEventCampaign() {
        campaign("cmp_E", new Campaign.Trigger(Campaign.Trigger.EVENT, null, "Order Completed"), webhook());
        campaign("cmp_F", new Campaign.Trigger(Campaign.Trigger.EVENT, null, "Signed Up"), webhook());
        trigger.handle(new EventTracked("evt_T1", WS, null, "u-1", "Order Completed", Map.of("total", 42), NOW), 1, null);

        assertEquals(1, posted.size());
        assertEquals("cmp_E", posted.getFirst().headers().get("Intake-Campaign-Id"));
    }

    @Test
    void backoff_doublesPerReceiveUpToFifteenMinutes() {
        assertEquals(Duration.ofSeconds(30), trigger.backoff(1));
        assertEquals(Duration.ofSeconds(60), trigger.backoff(2));
        assertEquals(Duration.ofSeconds(240), trigger.backoff(4));
        assertEquals(Duration.ofMinutes(15), trigger.backoff(6));
        assertEquals(Duration.ofMinutes(15), trigger.backoff(60));
    }
}
