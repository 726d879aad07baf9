package dev.intake.application;

import dev.intake.application.port.CampaignStore;
import dev.intake.application.port.DeliveryStore;
import dev.intake.application.port.EventPublisher;
import dev.intake.application.port.FormStore;
import dev.intake.domain.Campaign;
import dev.intake.domain.CampaignAction;
import dev.intake.domain.Delivery;
import dev.intake.domain.Form;
import dev.intake.domain.Ids;
import dev.intake.domain.IntakeException;
import dev.intake.domain.MessageTemplate;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The campaigns of a workspace: create, list, read, change and delete them, list a campaign's deliveries
 * newest first with cursors, and re-fire one delivery.
 *
 * <p>The double opt-in confirmations are recorded as deliveries of the pseudo-campaign
 * {@value TriggerCampaigns#CONFIRMATION}, which exists in every workspace for {@link #deliveries} and
 * {@link #retry} only.
 */
public final class ManageCampaigns {
    public static final int DEFAULT_LIMIT = 25;
    public static final int MAX_LIMIT = 100;
    public static final int MAX_NAME = 200;
    public static final int MAX_EVENT_NAME = 255;
    public static final int MAX_URL = 2048;
    public static final int MIN_SECRET = 16;
    public static final int MAX_SECRET = 200;
    /** RFC 5322's line limit, for the rendered header and so for its template. */
    public static final int MAX_HEADER = 998;
    public static final int MAX_BODY = 100_000;

    /** Looser than {@link Ids#campaign()} so that longer ids could be issued later; anything else is a 404 before any read. */
    private static final Pattern CAMPAIGN_ID = Pattern.compile("cmp_[0-9A-Za-z]{8,40}");

    private final CampaignStore campaigns;
    private final DeliveryStore deliveries;
    private final FormStore forms;
    private final EventPublisher events;
    private final TargetCheck targets;
    private final DeliveryCursors cursors;
    private final Clock clock;

    /**
     * Decides, without DNS, whether a webhook URL may be saved: a short reason when it may not, empty when
     * it may. The deployment's target policy (private and loopback addresses refused unless allowed) lives
     * in an adapter, so it is handed in as this function.
     */
    @FunctionalInterface
    public interface TargetCheck {
        Optional<String> refusal(URI url);
    }

    /** A trigger as the caller describes it: {@code type} with {@code formId} (form_submitted) or {@code eventName} (event). */
    public record TriggerDraft(String type, String formId, String eventName) {}

    /**
     * An action as the caller describes it. A webhook uses {@code url} and {@code secret} (null: keep or
     * generate one); an e-mail uses {@code to}, {@code subject}, {@code text} and {@code html}.
     */
    public record ActionDraft(String type, String url, String secret, String to, String subject, String text, String html) {
        public static ActionDraft webhook(String url, String secret) {
            return new ActionDraft(CampaignAction.Webhook.TYPE, url, secret, null, null, null, null);
        }

        public static ActionDraft email(String to, String subject, String text, String html) {
            return new ActionDraft(CampaignAction.Email.TYPE, null, null, to, subject, text, html);
        }
    }

    /** A new campaign; {@code enabled} null means true. */
    public record CampaignDraft(String name, TriggerDraft trigger, List<ActionDraft> actions, Boolean enabled) {}

    /** A change: null members are left as they are; given ones replace the current value whole. */
    public record CampaignPatch(String name, TriggerDraft trigger, List<ActionDraft> actions, Boolean enabled) {}

    /** One page of deliveries, newest first; {@code nextCursor} is null on the last page. */
    public record DeliveryPage(List<Delivery> data, String nextCursor, boolean hasMore) {}

    /**
     * @param targets where webhooks may point, checked when a campaign is saved (the sender checks the
     *     resolved address again on every call)
     * @param signingSecret the deployment's key for list cursors (see {@link Signer}); null when this
     *     function never lists deliveries
     */
    public ManageCampaigns(CampaignStore campaigns, DeliveryStore deliveries, FormStore forms, EventPublisher events,
                           TargetCheck targets, byte[] signingSecret, Clock clock) {
        this.campaigns = campaigns;
        this.deliveries = deliveries;
        this.forms = forms;
        this.events = events;
        this.targets = targets;
        this.cursors = new DeliveryCursors(new Signer(signingSecret));
        this.clock = clock;
    }

    /** Every campaign of the workspace, oldest first (a workspace has few, so there is no paging). */
    public List<Campaign> list(String workspaceId) {
        return campaigns.listByWorkspace(workspaceId);
    }

    /** Validates the draft as a whole, gives it a {@code cmp_…} id and stores it. */
    public Campaign create(String workspaceId, CampaignDraft draft) {
        return create(workspaceId, draft, null);
    }

    /**
     * {@link #create(String, CampaignDraft)} for an idempotent request: the campaign's id comes from
     * {@code attempt}, so a retry that takes over from an attempt that created it and died before its answer was
     * kept answers with that campaign instead of a second one.
     */
    public Campaign create(String workspaceId, CampaignDraft draft, String attempt) {
        String name = name(draft.name());
        Campaign.Trigger trigger = trigger(workspaceId, draft.trigger());
        List<CampaignAction> actions = actions(draft.actions(), List.of());
        Instant now = clock.instant();
        boolean retryable = Ids.isAttempt(attempt);
        Campaign campaign = new Campaign(workspaceId, retryable ? Ids.campaign(workspaceId, attempt) : Ids.campaign(), name,
                trigger, actions, draft.enabled() == null || draft.enabled(), now, now);
        try {
            campaigns.create(campaign);
        } catch (IntakeException.Conflict created) {
            if (!retryable) throw created;
            return load(workspaceId, campaign.id());
        }
        return campaign;
    }

    public Campaign get(String workspaceId, String campaignId) {
        return load(workspaceId, campaignId);
    }

    /**
     * Replaces the given top-level members and validates the result. A webhook sent without a
     * {@code secret} keeps the secret of the current webhook with the same URL, so a change elsewhere does not
     * silently rotate it; a new URL gets a new secret. The trigger's form and the webhook targets are
     * checked again only when the trigger or the actions are part of the change, so that a campaign whose
     * form has since been deleted can still be renamed or disabled.
     */
    public Campaign patch(String workspaceId, String campaignId, CampaignPatch patch) {
        Campaign current = load(workspaceId, campaignId);
        String name = patch.name() == null ? current.name() : name(patch.name());
        Campaign.Trigger trigger = patch.trigger() == null ? current.trigger() : trigger(workspaceId, patch.trigger());
        List<CampaignAction> actions = patch.actions() == null ? current.actions() : actions(patch.actions(), current.actions());
        Campaign changed = new Campaign(workspaceId, current.id(), name, trigger, actions,
                patch.enabled() == null ? current.enabled() : patch.enabled(), current.createdAt(), clock.instant());
        campaigns.update(changed);
        return changed;
    }

    /** Deletes the campaign and its delivery records; a second delete is a 404. */
    public void delete(String workspaceId, String campaignId) {
        Campaign c = load(workspaceId, campaignId);
        // Records first: if this fails half-way the campaign is still there, and a retried DELETE finishes
        // the job. A delivery an in-flight trigger writes after this expires through the table's TTL.
        deliveries.deleteAll(workspaceId, c.id());
        if (!campaigns.delete(workspaceId, c.id())) throw new IntakeException.NotFound("Campaign");
    }

    /**
     * A page of the campaign's deliveries, newest event first. {@code cursor} is the previous page's
     * {@code nextCursor}; one issued for another campaign or workspace, or edited, is a 400.
     */
    public DeliveryPage deliveries(String workspaceId, String campaignId, Integer limit, String cursor) {
        int l = limit == null ? DEFAULT_LIMIT : limit;
        if (l < 1 || l > MAX_LIMIT) {
            throw new IntakeException.Invalid("invalid_limit", "'limit' must be a whole number from 1 to " + MAX_LIMIT, List.of("limit"));
        }
        String id = deliveryCampaign(workspaceId, campaignId);
        String startAfter = cursor == null ? null : cursors.verify(workspaceId, id, cursor);
        DeliveryStore.Slice slice = deliveries.list(workspaceId, id, startAfter, l);
        String next = slice.hasMore() ? cursors.issue(workspaceId, id, slice.items().getLast().eventId()) : null;
        return new DeliveryPage(slice.items(), next, slice.hasMore());
    }

    /**
     * Re-fires a delivery: marks it REQUEUED, then hands its event to the campaign trigger for this campaign
     * only, which runs every action again. A running delivery is a 409. If the queue is down the delivery
     * stays REQUEUED and the error (503) tells the caller to retry, which publishes again.
     */
    public Delivery retry(String workspaceId, String campaignId, String deliveryId) {
        String id = deliveryCampaign(workspaceId, campaignId);
        String eventId = Delivery.eventId(deliveryId);
        if (eventId == null) throw new IntakeException.NotFound("Delivery");
        Delivery requeued = deliveries.requeue(workspaceId, id, eventId, clock.instant());
        events.publishFor(requeued.event(), id);
        return requeued;
    }

    /** Loads a campaign of this workspace; a malformed id, or another workspace's campaign, is absent. */
    private Campaign load(String workspaceId, String campaignId) {
        if (campaignId == null || !CAMPAIGN_ID.matcher(campaignId).matches()) throw new IntakeException.NotFound("Campaign");
        return campaigns.find(workspaceId, campaignId)
                .filter(c -> c.workspaceId().equals(workspaceId))
                .orElseThrow(() -> new IntakeException.NotFound("Campaign"));
    }

    /** The campaign id whose deliveries a route names: a campaign of this workspace, or the confirmations. */
    private String deliveryCampaign(String workspaceId, String campaignId) {
        return TriggerCampaigns.CONFIRMATION.equals(campaignId) ? campaignId : load(workspaceId, campaignId).id();
    }

    private static String name(String name) {
        if (name == null || name.isBlank()) throw new IntakeException.Invalid("missing_name", "A campaign needs a 'name'", List.of("name"));
        String trimmed = name.strip();
        if (trimmed.length() > MAX_NAME) {
            throw new IntakeException.Invalid("invalid_name", "'name' is longer than " + MAX_NAME + " characters", List.of("name"));
        }
        return trimmed;
    }

    private Campaign.Trigger trigger(String workspaceId, TriggerDraft t) {
        if (t == null) {
            throw new IntakeException.Invalid("missing_trigger", "A campaign needs a 'trigger': {\"type\":\"form_submitted\",\"formId\":…} "
                    + "or {\"type\":\"event\",\"name\":…}", List.of("trigger"));
        }
        if (Campaign.Trigger.FORM_SUBMITTED.equals(t.type())) {
            if (t.eventName() != null) throw invalidTrigger("'trigger.name' applies to event triggers only", "trigger.name");
            if (t.formId() == null) return new Campaign.Trigger(Campaign.Trigger.FORM_SUBMITTED, null, null);
            boolean known = !t.formId().isBlank() && forms.find(Form.key(workspaceId, t.formId()))
                    .filter(f -> f.workspaceId().equals(workspaceId)).isPresent();
            if (!known) {
                throw new IntakeException.Invalid("unknown_form", "'trigger.formId' names no form of this workspace; "
                        + "leave it out to trigger on every form", List.of("trigger.formId"));
            }
            return new Campaign.Trigger(Campaign.Trigger.FORM_SUBMITTED, t.formId(), null);
        }
        if (Campaign.Trigger.EVENT.equals(t.type())) {
            if (t.formId() != null) throw invalidTrigger("'trigger.formId' applies to form_submitted triggers only", "trigger.formId");
            // Matched exactly against a track call's event name, so it is not trimmed.
            if (t.eventName() == null || t.eventName().isBlank()) throw invalidTrigger("An event trigger needs 'trigger.name'", "trigger.name");
            if (t.eventName().length() > MAX_EVENT_NAME) {
                throw invalidTrigger("'trigger.name' is longer than " + MAX_EVENT_NAME + " characters", "trigger.name");
            }
            return new Campaign.Trigger(Campaign.Trigger.EVENT, null, t.eventName());
        }
        throw invalidTrigger("'trigger.type' must be form_submitted or event"
                + (t.type() == null ? "" : ", not '" + t.type() + "'"), "trigger.type");
    }

    /**
     * The actions, each checked in order; then every e-mail template, so that one 400 lists all template
     * mistakes at once.
     */
    private List<CampaignAction> actions(List<ActionDraft> drafts, List<CampaignAction> current) {
        if (drafts == null || drafts.isEmpty()) {
            throw new IntakeException.Invalid("missing_actions", "A campaign needs at least one action in 'actions'", List.of("actions"));
        }
        if (drafts.size() > Campaign.MAX_ACTIONS) {
            throw new IntakeException.Invalid("too_many_actions", "A campaign may have at most " + Campaign.MAX_ACTIONS + " actions",
                    List.of("actions"));
        }
        List<CampaignAction> out = new ArrayList<>();
        for (int i = 0; i < drafts.size(); i++) {
            ActionDraft d = drafts.get(i);
            String at = "actions[" + i + "]";
            if (d == null) throw invalidAction(at + " must be an action object", at);
            if (CampaignAction.Webhook.TYPE.equals(d.type())) out.add(webhook(d, at, current));
            else if (CampaignAction.Email.TYPE.equals(d.type())) out.add(email(d, at));
            else throw invalidAction("'" + at + ".type' must be webhook or email" + (d.type() == null ? "" : ", not '" + d.type() + "'"), at + ".type");
        }
        checkTemplates(out);
        return List.copyOf(out);
    }

    private CampaignAction.Webhook webhook(ActionDraft d, String at, List<CampaignAction> current) {
        String field = at + ".url";
        if (d.url() == null || d.url().isBlank()) throw invalidUrl("A webhook needs '" + field + "'", field);
        if (d.url().length() > MAX_URL) throw invalidUrl("'" + field + "' is longer than " + MAX_URL + " characters", field);
        URI url;
        try {
            url = new URI(d.url());
        } catch (URISyntaxException e) {
            throw invalidUrl("'" + field + "' is not a valid URL", field);
        }
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!url.isAbsolute() || !(scheme.equals("http") || scheme.equals("https"))) {
            throw invalidUrl("'" + field + "' must be an absolute http or https URL", field);
        }
        // Before the host: java.net.URI gives no host for some authorities with user info it cannot parse.
        if (url.getRawUserInfo() != null || (url.getRawAuthority() != null && url.getRawAuthority().contains("@"))) {
            throw invalidUrl("'" + field + "' must not carry a user name or password; authenticate with the signature", field);
        }
        if (url.getHost() == null || url.getHost().isEmpty()) throw invalidUrl("'" + field + "' has no valid host", field);
        Optional<String> refusal = targets.refusal(url);
        if (refusal.isPresent()) {
            throw new IntakeException.Invalid("webhook_target_refused", "'" + field + "' cannot be called: " + refusal.get(), List.of(field));
        }
        return new CampaignAction.Webhook(d.url(), secret(d, at, current));
    }

    /** The given secret, else the current one of a webhook with the same URL, else a new one. */
    private static String secret(ActionDraft d, String at, List<CampaignAction> current) {
        String s = d.secret();
        if (s == null) {
            return current.stream()
                    .filter(a -> a instanceof CampaignAction.Webhook w && w.url().equals(d.url()))
                    .map(a -> ((CampaignAction.Webhook) a).secret())
                    .findFirst().orElseGet(WebhookSignature::newSecret);
        }
        boolean printable = s.chars().allMatch(c -> c >= 0x20 && c <= 0x7e);
        if (s.length() < MIN_SECRET || s.length() > MAX_SECRET || !printable) {
            throw new IntakeException.Invalid("invalid_webhook_secret", "'" + at + ".secret' must be " + MIN_SECRET + " to " + MAX_SECRET
                    + " printable ASCII characters; leave it out to have one generated", List.of(at + ".secret"));
        }
        return s;
    }

    private static CampaignAction.Email email(ActionDraft d, String at) {
        if (d.to() == null || d.to().isBlank()) {
            throw invalidAction("An e-mail needs '" + at + ".to', such as \"{{person.email}}\"", at + ".to");
        }
        if (d.subject() == null || d.subject().isBlank()) throw invalidAction("An e-mail needs '" + at + ".subject'", at + ".subject");
        boolean hasText = d.text() != null && !d.text().isBlank();
        boolean hasHtml = d.html() != null && !d.html().isBlank();
        if (!hasText && !hasHtml) {
            throw new IntakeException.Invalid("invalid_action", "An e-mail needs '" + at + ".text', '" + at + ".html' or both",
                    List.of(at + ".text", at + ".html"));
        }
        maxLength(d.to(), MAX_HEADER, at + ".to");
        maxLength(d.subject(), MAX_HEADER, at + ".subject");
        maxLength(d.text(), MAX_BODY, at + ".text");
        maxLength(d.html(), MAX_BODY, at + ".html");
        return new CampaignAction.Email(d.to(), d.subject(), hasText ? d.text() : null, hasHtml ? d.html() : null);
    }

    private static void maxLength(String value, int max, String field) {
        if (value != null && value.length() > max) {
            throw invalidAction("'" + field + "' is longer than " + String.format(Locale.ROOT, "%,d", max) + " characters", field);
        }
    }

    private static void checkTemplates(List<CampaignAction> actions) {
        List<String> fields = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < actions.size(); i++) {
            if (!(actions.get(i) instanceof CampaignAction.Email e)) continue;
            String at = "actions[" + i + "].";
            String[][] templates = {{"to", e.to()}, {"subject", e.subject()}, {"text", e.text()}, {"html", e.html()}};
            for (String[] t : templates) {
                List<String> p = MessageTemplate.problems(t[1]);
                if (p.isEmpty()) continue;
                fields.add(at + t[0]);
                p.forEach(problem -> problems.add(at + t[0] + ": " + shorten(problem)));
            }
        }
        if (!problems.isEmpty()) {
            throw new IntakeException.Invalid("invalid_template", "Template mistakes: " + String.join("; ", problems), fields);
        }
    }

    /** A problem quotes the placeholder, which may be as long as the template: keep the error readable. */
    private static String shorten(String problem) {
        if (problem.length() <= 200) return problem;
        int end = Character.isHighSurrogate(problem.charAt(196)) ? 196 : 197;
        return problem.substring(0, end) + "...";
    }

    private static IntakeException.Invalid invalidTrigger(String message, String field) {
        return new IntakeException.Invalid("invalid_trigger", message, List.of(field));
    }

    private static IntakeException.Invalid invalidAction(String message, String field) {
        return new IntakeException.Invalid("invalid_action", message, List.of(field));
    }

    private static IntakeException.Invalid invalidUrl(String message, String field) {
        return new IntakeException.Invalid("invalid_webhook_url", message, List.of(field));
    }
}
