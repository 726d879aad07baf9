package dev.intake.application;

import dev.intake.application.port.CampaignStore;
import dev.intake.application.port.DeliveryStore;
import dev.intake.application.port.EventEncoder;
import dev.intake.application.port.Mailer;
import dev.intake.application.port.PersonStore;
import dev.intake.application.port.WebhookSender;
import dev.intake.domain.Campaign;
import dev.intake.domain.CampaignAction;
import dev.intake.domain.Delivery;
import dev.intake.domain.DomainEvent;
import dev.intake.domain.EventTracked;
import dev.intake.domain.FormSubmitted;
import dev.intake.domain.MessageTemplate;
import dev.intake.domain.OutgoingMail;
import dev.intake.domain.Person;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs the campaigns an event triggers, each at most once per event. For every matching campaign it claims
 * the (campaign, event) delivery with a conditional write, runs the actions that have not yet succeeded,
 * and records the result. A submission to a double opt-in form whose person is still pending also gets its
 * confirmation e-mail, as a built-in delivery under the campaign id {@value #CONFIRMATION}.
 *
 * <p>Transient failures (a webhook's non-2xx or timeout, an SMTP 4xx or network error) leave the delivery
 * RETRYING and ask for the event to be retried after an exponential backoff; on the last receive the
 * queue allows they become FAILED and the event goes on to the dead-letter queue. Refused targets and
 * rejected e-mails fail at once, because a retry would fail the same way.
 */
public final class TriggerCampaigns {
    /** The campaign id under which double opt-in confirmations are recorded. */
    public static final String CONFIRMATION = "double_opt_in";
    /** How long one attempt holds a delivery; longer than an attempt can take, shorter than SQS's visibility timeout. */
    static final Duration LEASE = Duration.ofMinutes(2);
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(15);

    private final CampaignStore campaigns;
    private final DeliveryStore deliveries;
    private final PersonStore people;
    private final WebhookSender webhooks;
    private final EventEncoder encoder;
    private final Mailer mailer;
    private final ConsentTokens tokens;
    private final Settings settings;
    private final Clock clock;

    /**
     * @param publicUrl the API's base URL, to which {@code /api/consent/confirm} is appended
     * @param mailFrom the sender of every e-mail
     * @param retryBase the first backoff; each later one doubles, up to 15 minutes
     * @param maxReceives the queue's {@code maxReceiveCount}: the receive after which a failure is final
     */
    public record Settings(String publicUrl, String mailFrom, Duration retryBase, int maxReceives) {}

    /**
     * What became of an event: its deliveries after this attempt, and when to retry it (null when nothing
     * is left to do).
     */
    public record Outcome(List<Delivery> deliveries, Duration retryAfter) {
        public boolean retry() { return retryAfter != null; }
    }

    public TriggerCampaigns(CampaignStore campaigns, DeliveryStore deliveries, PersonStore people, WebhookSender webhooks,
                            EventEncoder encoder, Mailer mailer, ConsentTokens tokens, Settings settings, Clock clock) {
        this.campaigns = campaigns;
        this.deliveries = deliveries;
        this.people = people;
        this.webhooks = webhooks;
        this.encoder = encoder;
        this.mailer = mailer;
        this.tokens = tokens;
        this.settings = settings;
        this.clock = clock;
    }

    /**
     * Handles one receive of {@code event}.
     *
     * @param receiveCount how many times the queue has handed this message out, this time included
     * @param onlyCampaignId set when a delivery was re-fired: run that campaign only, whatever its trigger
     */
    public Outcome handle(DomainEvent event, int receiveCount, String onlyCampaignId) {
        List<Campaign> due = new ArrayList<>();
        if (onlyCampaignId == null) {
            campaigns.listRecent(event.workspaceId()).stream().filter(c -> c.matches(event)).forEach(due::add);
            confirmation(event).ifPresent(due::add);
        } else if (onlyCampaignId.equals(CONFIRMATION)) {
            confirmation(event).ifPresent(due::add);
        } else {
            campaigns.find(event.workspaceId(), onlyCampaignId).ifPresent(due::add);
        }
        boolean last = receiveCount >= settings.maxReceives();
        boolean retry = false;
        List<Delivery> results = new ArrayList<>();
        Map<String, Object> eventContext = null; // read once per event, and only when a message will be rendered
        Duration leaseLeft = Duration.ZERO; // the longest lease another attempt still holds
        for (Campaign c : due) {
            Instant now = clock.instant();
            switch (deliveries.claim(c.id(), event, now, now.plus(LEASE))) {
                case DeliveryStore.Claim.Done done -> results.add(done.delivery());
                case DeliveryStore.Claim.Busy busy -> {
                    results.add(busy.delivery());
                    retry = true;
                    // Retry once the lease lapses, not before: quick receives that only find it held (after an
                    // attempt that could not record its result) would use up maxReceives and send the event to the DLQ.
                    Instant until = busy.delivery().leaseUntil();
                    if (until != null && until.isAfter(now)) leaseLeft = max(leaseLeft, Duration.between(now, until).plusSeconds(1));
                }
                case DeliveryStore.Claim.Granted granted -> {
                    if (eventContext == null && rendersMessage(c, granted.delivery())) eventContext = context(event);
                    Attempt attempt = run(c, event, granted.delivery(), eventContext, last);
                    // A lost lease means a later attempt took over: let it, and look again after the backoff.
                    if (!deliveries.finish(granted.delivery(), attempt.result())) retry = true;
                    results.add(attempt.result());
                    retry |= attempt.transientFailure();
                }
            }
        }
        return new Outcome(results, retry ? max(backoff(receiveCount), leaseLeft) : null);
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    /** The backoff before receive {@code receiveCount + 1}: the base, doubled for each earlier receive. */
    public Duration backoff(int receiveCount) {
        Duration d = settings.retryBase().multipliedBy(1L << Math.min(Math.max(receiveCount - 1, 0), 20));
        return d.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : d;
    }

    /**
     * Whether this attempt will render a message template, and so needs the person: an e-mail action that has
     * not yet succeeded. A webhook sends the event itself, so a webhook-only campaign never reads the person.
     */
    private static boolean rendersMessage(Campaign c, Delivery claimed) {
        for (int i = 0; i < c.actions().size(); i++) {
            if (c.actions().get(i) instanceof CampaignAction.Email && !claimed.succeeded(i)) return true;
        }
        return false;
    }

    /** An attempt's result, and whether an action failed in a way a retry may fix (even when this was the last try). */
    private record Attempt(Delivery result, boolean transientFailure) {}

    private Attempt run(Campaign c, DomainEvent event, Delivery claimed, Map<String, Object> eventContext, boolean last) {
        Map<String, Object> context = new LinkedHashMap<>(eventContext == null ? Map.of() : eventContext);
        context.put("campaign", Map.of("id", c.id(), "name", c.name()));
        List<Delivery.ActionResult> results = new ArrayList<>();
        Integer responseCode = claimed.responseCode();
        boolean transientFailure = false;
        for (int i = 0; i < c.actions().size(); i++) {
            if (claimed.succeeded(i)) {
                results.add(claimed.actions().get(i));
                continue;
            }
            Delivery.ActionResult r = run(c.actions().get(i), c, event, claimed, context);
            if (r.responseCode() != null) responseCode = r.responseCode();
            if (r.status() == Delivery.Status.RETRYING) {
                transientFailure = true;
                if (last) {
                    r = new Delivery.ActionResult(r.type(), Delivery.Status.FAILED, r.responseCode(),
                            r.error() + " (gave up after " + claimed.attempts() + " attempts; the event goes to the dead-letter queue)", r.at());
                }
            }
            results.add(r);
        }
        Delivery.Status status = results.stream().anyMatch(r -> r.status() == Delivery.Status.RETRYING) ? Delivery.Status.RETRYING
                : results.stream().anyMatch(r -> r.status() == Delivery.Status.FAILED) ? Delivery.Status.FAILED
                : Delivery.Status.SUCCEEDED;
        String error = results.stream().map(Delivery.ActionResult::error).filter(e -> e != null).findFirst().orElse(null);
        return new Attempt(new Delivery(claimed.workspaceId(), claimed.campaignId(), claimed.eventId(), claimed.event(), status,
                claimed.attempts(), results, responseCode, error, claimed.createdAt(), clock.instant(), claimed.leaseUntil()),
                transientFailure);
    }

    private Delivery.ActionResult run(CampaignAction action, Campaign c, DomainEvent event, Delivery d,
                                      Map<String, Object> context) {
        Instant at = clock.instant();
        return switch (action) {
            case CampaignAction.Webhook w -> {
                byte[] body = encoder.encode(event);
                Map<String, String> headers = new LinkedHashMap<>();
                headers.put("Intake-Signature", WebhookSignature.header(w.secret(), at.getEpochSecond(), body));
                headers.put("Intake-Event-Id", event.eventId());
                headers.put("Intake-Delivery-Id", d.id());
                headers.put("Intake-Campaign-Id", c.id());
                URI url;
                try {
                    url = URI.create(w.url());
                } catch (IllegalArgumentException e) {
                    yield new Delivery.ActionResult(w.type(), Delivery.Status.FAILED, null, "not a valid URL", at);
                }
                yield switch (webhooks.post(url, body, headers)) {
                    case WebhookSender.Result.Delivered ok -> new Delivery.ActionResult(w.type(), Delivery.Status.SUCCEEDED, ok.status(), null, at);
                    case WebhookSender.Result.Failed f -> new Delivery.ActionResult(w.type(), Delivery.Status.RETRYING, f.status(), f.error(), at);
                    case WebhookSender.Result.Refused r -> new Delivery.ActionResult(w.type(), Delivery.Status.FAILED, null, "refused: " + r.reason(), at);
                };
            }
            case CampaignAction.Email e -> {
                String to = MessageTemplate.renderHeader(e.to(), context).trim();
                if (to.isEmpty()) {
                    yield new Delivery.ActionResult(e.type(), Delivery.Status.FAILED, null,
                            "no recipient: '" + e.to() + "' is empty for this person", at);
                }
                try {
                    mailer.send(new OutgoingMail(settings.mailFrom(), to, MessageTemplate.renderHeader(e.subject(), context),
                            e.text() == null ? null : MessageTemplate.render(e.text(), context, false),
                            e.html() == null ? null : MessageTemplate.render(e.html(), context, true),
                            Map.of("Intake-Delivery-Id", d.id(), "Intake-Campaign-Id", c.id())));
                    yield new Delivery.ActionResult(e.type(), Delivery.Status.SUCCEEDED, null, null, at);
                } catch (Mailer.MailFailed f) {
                    yield new Delivery.ActionResult(e.type(), f.permanent() ? Delivery.Status.FAILED : Delivery.Status.RETRYING, null,
                            f.getMessage(), at);
                } catch (IllegalArgumentException bad) {
                    // The address stays out of the message: errors are logged, and an address is personal data.
                    yield new Delivery.ActionResult(e.type(), Delivery.Status.FAILED, null,
                            "the message could not be built: an address or header is not valid", at);
                }
            }
        };
    }

    /** The built-in confirmation "campaign" of a double opt-in submission whose person is pending and has an e-mail. */
    private Optional<Campaign> confirmation(DomainEvent event) {
        if (!(event instanceof FormSubmitted f) || !f.confirmationRequired() || f.personId() == null) return Optional.empty();
        String token = tokens.issue(f.workspaceId(), f.personId(), f.formId(), clock.instant());
        String link = settings.publicUrl() + "/api/consent/confirm?token=" + token;
        CampaignAction.Email mail = new CampaignAction.Email("{{person.email}}", "Please confirm your subscription",
                "Please confirm that you want to hear from us by following this link:\n\n" + link
                        + "\n\nThe link works for " + ConsentTokens.VALIDITY.toDays() + " days. If you did not ask for this, ignore this message.",
                "<p>Please confirm that you want to hear from us:</p><p><a href=\"" + MessageTemplate.escapeHtml(link)
                        + "\">Confirm my subscription</a></p><p>The link works for " + ConsentTokens.VALIDITY.toDays()
                        + " days. If you did not ask for this, ignore this message.</p>");
        Instant at = f.submittedAt();
        return Optional.of(new Campaign(f.workspaceId(), CONFIRMATION, "Double opt-in confirmation",
                new Campaign.Trigger(Campaign.Trigger.FORM_SUBMITTED, f.formId(), null), List.of(mail), true, at, at));
    }

    /** What templates can use, but {@code campaign}: {@code person}, {@code data}, {@code event} and {@code form}. */
    private Map<String, Object> context(DomainEvent event) {
        Map<String, Object> person = new LinkedHashMap<>();
        Optional<Person> found = event.personId() == null ? Optional.empty() : people.find(event.workspaceId(), event.personId());
        found.ifPresent(p -> {
            person.putAll(p.attributes());
            person.put("attributes", p.attributes());
            person.put("id", p.externalId() != null ? p.externalId() : p.id());
            person.put("email", p.email());
        });
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("id", event.eventId());
        ev.put("type", event.type());
        Map<String, Object> data;
        Map<String, Object> form = new LinkedHashMap<>();
        switch (event) {
            case FormSubmitted f -> {
                data = f.data();
                if (found.isEmpty()) {
                    person.putAll(f.attributes());
                    person.put("attributes", f.attributes());
                }
                form.put("id", f.formId());
                ev.put("submission_id", f.submissionId());
                ev.put("submitted_at", f.submittedAt().toString());
            }
            case EventTracked t -> {
                data = t.properties();
                ev.put("name", t.name());
                ev.put("timestamp", t.timestamp().toString());
                ev.put("properties", t.properties());
                if (found.isEmpty() && t.userId() != null) person.put("id", t.userId());
            }
        }
        return Map.of("person", person, "data", data, "event", ev, "form", form);
    }
}
