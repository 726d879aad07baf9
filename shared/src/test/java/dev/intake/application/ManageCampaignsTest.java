package dev.intake.application;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.intake.adapter.web.TargetPolicy;
import dev.intake.application.ManageCampaigns.ActionDraft;
import dev.intake.application.ManageCampaigns.CampaignDraft;
import dev.intake.application.ManageCampaigns.CampaignPatch;
import dev.intake.application.ManageCampaigns.DeliveryPage;
import dev.intake.application.ManageCampaigns.TriggerDraft;
import dev.intake.application.port.EventPublisher;
import dev.intake.application.port.SubmissionStore.Range;
import dev.intake.domain.Campaign;
import dev.intake.domain.CampaignAction;
import dev.intake.domain.Delivery;
import dev.intake.domain.DomainEvent;
import dev.intake.domain.Form;
import dev.intake.domain.FormSubmitted;
import dev.intake.domain.Ids;
import dev.intake.domain.IntakeException;
import dev.intake.domain.Source;
import dev.intake.json.CampaignJson;
import dev.intake.json.Json;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ManageCampaignsTest {
    private static final String WS = "ws_a";
    private static final String OTHER_WS = "ws_b";
    private static final Instant START = Instant.parse("2025-03-04T05:06:07.089Z");
    private static final byte[] SECRET = "c".repeat(32).getBytes(StandardCharsets.UTF_8);
    private static final String HOOK = "https://hooks.example.com/intake";

    /** A clock the test moves, so that campaigns and deliveries get distinct times. */
    private static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant now) { this.now = now; }

        void advance(Duration d) { now = now.plus(d); }

        @Override public Instant instant() { return now; }
        @Override public ZoneId getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(ZoneId zone) { return this; }
    }

    /** Records re-fired events, and fails while {@code down}, like SQS during an outage. */
    private static final class SwitchablePublisher implements EventPublisher {
        final List<String> refiredFor = new ArrayList<>();
        final List<DomainEvent> refired = new ArrayList<>();
        boolean down;

        @Override
        public void publish(DomainEvent event) {
            throw new AssertionError("managing campaigns never publishes a new event");
        }

        @Override
        public void publishFor(DomainEvent event, String campaignId) {
            if (down) throw new IntakeException.Unavailable("The event queue is unreachable; retry shortly", 2);
            refiredFor.add(campaignId);
            refired.add(event);
        }
    }

    private final MutableClock clock = new MutableClock(START);
    private final InMemoryFormStore formStore = new InMemoryFormStore();
    private final InMemoryCampaignStore store = new InMemoryCampaignStore();
    private final InMemoryDeliveryStore deliveryStore = new InMemoryDeliveryStore();
    private final SwitchablePublisher events = new SwitchablePublisher();
    /** As deployed: private and loopback webhook targets are refused. */
    private final ManageCampaigns campaigns = manageCampaigns(false);
    private final ManageForms forms = new ManageForms(formStore, clock);
    private final Form form = forms.create(WS, new ManageForms.FormDraft("Contact", List.of(), null, null)).form();
    private final Form otherForm = forms.create(OTHER_WS, new ManageForms.FormDraft("Theirs", List.of(), null, null)).form();

    private ManageCampaigns manageCampaigns(boolean allowPrivate) {
        return new ManageCampaigns(store, deliveryStore, formStore, events, new TargetPolicy(allowPrivate)::refusalBeforeResolving,
                SECRET, clock);
    }

    // ---- helpers ----

    private static JsonNode json(String text) {
        try {
            return Json.mapper().readTree(text);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Creates in {@link #WS} from a JSON body, as the handler does. */
    private Campaign create(String body) {
        return campaigns.create(WS, CampaignJson.parseDraft(json(body)));
    }

    private Campaign patch(String id, String body) {
        return campaigns.patch(WS, id, CampaignJson.parsePatch(json(body)));
    }

    private static String webhookBody(String url) {
        return "{\"name\":\"Hook\",\"trigger\":{\"type\":\"form_submitted\"},\"actions\":[{\"type\":\"webhook\",\"url\":\"" + url + "\"}]}";
    }

    private Campaign hook() {
        return create(webhookBody(HOOK));
    }

    private static IntakeException.Invalid invalid(Runnable r) {
        return assertThrows(IntakeException.Invalid.class, r::run);
    }

    private void assertInvalid(String body, String code, String field) {
        var e = invalid(() -> create(body));
        assertEquals(code, e.code(), body + " -> " + e.getMessage());
        assertTrue(e.fields().contains(field), body + " -> fields " + e.fields());
        assertFalse(e.getMessage().isBlank());
    }

    /** A campaign body with the given actions array. */
    private static String withActions(String actions) {
        return "{\"name\":\"C\",\"trigger\":{\"type\":\"form_submitted\"},\"actions\":" + actions + "}";
    }

    private static String email(String to, String subject, String text, String html) {
        StringBuilder b = new StringBuilder("{\"type\":\"email\"");
        if (to != null) b.append(",\"to\":").append(TextNode.valueOf(to));
        if (subject != null) b.append(",\"subject\":").append(TextNode.valueOf(subject));
        if (text != null) b.append(",\"text\":").append(TextNode.valueOf(text));
        if (html != null) b.append(",\"html\":").append(TextNode.valueOf(html));
        return b.append('}').toString();
    }

    private static FormSubmitted event(String workspaceId, Instant at) {
        String submissionId = Ids.submission(at);
        return new FormSubmitted(RelaySubmissions.eventId(submissionId), workspaceId, "frm_x", submissionId, null,
                Map.of("email", "ada@example.com"), Map.of("email", "ada@example.com"), Source.FORM, at, false);
    }

    /** A finished delivery of a new event, a millisecond after the previous one. */
    private Delivery delivered(String workspaceId, String campaignId, Delivery.Status status) {
        clock.advance(Duration.ofMillis(1));
        Instant at = clock.instant();
        Delivery d = new Delivery(workspaceId, campaignId, event(workspaceId, at).eventId(), event(workspaceId, at), status, 1,
                List.of(new Delivery.ActionResult("webhook", status, 200, null, at)), 200, null, at, at, null);
        deliveryStore.put(d);
        return d;
    }

    private List<String> walk(String workspaceId, String campaignId, int limit) {
        List<String> ids = new ArrayList<>();
        String cursor = null;
        for (int pages = 0; pages < 100; pages++) {
            DeliveryPage page = campaigns.deliveries(workspaceId, campaignId, limit, cursor);
            page.data().forEach(d -> ids.add(d.id()));
            assertEquals(page.hasMore(), page.nextCursor() != null);
            if (!page.hasMore()) return ids;
            cursor = page.nextCursor();
        }
        throw new AssertionError("the cursor walk did not end");
    }

    // ---- create ----

    @Test
    void create_whenDraftValid_assignsCmpIdTimestampsAndStoresIt() {
        Campaign c = create("""
                {"name":"  Welcome  ","trigger":{"type":"form_submitted","formId":"%s"},
                 "actions":[{"type":"webhook","url":"https://hooks.example.com/intake"},
                            {"type":"email","to":"{{person.email}}","subject":"Hi {{person.first_name}}","text":"Thanks!"}]}"""
                .formatted(form.id()));

        assertTrue(c.id().matches("cmp_[0-9A-Za-z]{10}"), c.id());
        assertEquals(WS, c.workspaceId());
        assertEquals("Welcome", c.name());
        assertEquals(new Campaign.Trigger(Campaign.Trigger.FORM_SUBMITTED, form.id(), null), c.trigger());
        assertEquals(2, c.actions().size());
        assertEquals(new CampaignAction.Email("{{person.email}}", "Hi {{person.first_name}}", "Thanks!", null), c.actions().get(1));
        assertTrue(c.enabled(), "enabled by default");
        assertEquals(START, c.createdAt());
        assertEquals(START, c.updatedAt());
        assertEquals(c, store.find(WS, c.id()).orElseThrow());
    }

    @Test
    void create_whenWebhookSecretAbsent_generatesADistinctWhsecSecretPerWebhook() {
        Campaign c = create(withActions("[{\"type\":\"webhook\",\"url\":\"https://a.example.com/\"},"
                + "{\"type\":\"webhook\",\"url\":\"https://b.example.com/\"}]"));

        String a = ((CampaignAction.Webhook) c.actions().get(0)).secret();
        String b = ((CampaignAction.Webhook) c.actions().get(1)).secret();
        assertTrue(a.startsWith(WebhookSignature.SECRET_PREFIX) && a.length() > 40, a);
        assertNotEquals(a, b);
    }

    @ParameterizedTest
    @ValueSource(ints = {ManageCampaigns.MIN_SECRET, ManageCampaigns.MAX_SECRET})
    void create_whenWebhookSecretGivenWithinBounds_keepsItAsGiven(int length) {
        String secret = "s ~!".repeat(length).substring(0, length);
        Campaign c = create(withActions("[{\"type\":\"webhook\",\"url\":\"" + HOOK + "\",\"secret\":\"" + secret + "\"}]"));

        assertEquals(new CampaignAction.Webhook(HOOK, secret), c.actions().getFirst());
    }

    @Test
    void create_whenEnabledFalse_storesItDisabled() {
        Campaign c = create("{\"name\":\"Off\",\"enabled\":false,\"trigger\":{\"type\":\"event\",\"name\":\"Signed Up\"},"
                + "\"actions\":[{\"type\":\"webhook\",\"url\":\"" + HOOK + "\"}]}");

        assertFalse(c.enabled());
        assertEquals(new Campaign.Trigger(Campaign.Trigger.EVENT, null, "Signed Up"), c.trigger());
    }

    @Test
    void create_whenFormSubmittedWithoutFormId_triggersOnEveryForm() {
        Campaign c = hook();

        assertNull(c.trigger().formId());
        assertTrue(c.matches(event(WS, START)));
    }

    @Test
    void create_whenEmailHasOnlyHtml_storesNoText() {
        Campaign c = create(withActions("[" + email("ops@example.com", "New lead", "  ", "<p>{{data.email}}</p>") + "]"));

        assertEquals(new CampaignAction.Email("ops@example.com", "New lead", null, "<p>{{data.email}}</p>"), c.actions().getFirst());
    }

    @Test
    void create_whenExactlyAtEveryLimit_isAccepted() {
        String five = String.join(",", java.util.Collections.nCopies(Campaign.MAX_ACTIONS,
                email("{{person.email}}", "s".repeat(ManageCampaigns.MAX_HEADER), "t".repeat(ManageCampaigns.MAX_BODY),
                        "h".repeat(ManageCampaigns.MAX_BODY))));
        String url = "https://hooks.example.com/" + "p".repeat(ManageCampaigns.MAX_URL - "https://hooks.example.com/".length());
        Campaign c = create("{\"name\":\"" + "n".repeat(ManageCampaigns.MAX_NAME) + "\",\"trigger\":{\"type\":\"event\",\"name\":\""
                + "e".repeat(ManageCampaigns.MAX_EVENT_NAME) + "\"},\"actions\":[" + five + "]}");
        Campaign hook = create(webhookBody(url));

        assertEquals(Campaign.MAX_ACTIONS, c.actions().size());
        assertEquals(url, ((CampaignAction.Webhook) hook.actions().getFirst()).url());
    }

    // ---- create: validation ----

    @Test
    void create_whenTopLevelKeyUnknown_is400NamingIt() {
        var e = invalid(() -> create("{\"name\":\"x\",\"colour\":\"red\",\"trigger\":{\"type\":\"form_submitted\"},\"actions\":[]}"));

        assertEquals("invalid_body", e.code());
        assertEquals(List.of("colour"), e.fields());
        assertTrue(e.getMessage().contains("colour") && e.getMessage().contains("actions, enabled, name, trigger"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            // unknown keys at every level, per type
            "{'name':'x','trigger':{'type':'form_submitted','formId':null,'when':'now'},'actions':[{'type':'webhook','url':'https://a.example.com'}]}|invalid_body|trigger.when",
            "{'name':'x','trigger':{'type':'form_submitted','name':'Signed Up'},'actions':[{'type':'webhook','url':'https://a.example.com'}]}|invalid_body|trigger.name",
            "{'name':'x','trigger':{'type':'event','name':'a','formId':'frm_x'},'actions':[{'type':'webhook','url':'https://a.example.com'}]}|invalid_body|trigger.formId",
            "{'name':'x','trigger':{'type':'form_submitted'},'actions':[{'type':'webhook','url':'https://a.example.com','to':'a@b.c'}]}|invalid_body|actions[0].to",
            "{'name':'x','trigger':{'type':'form_submitted'},'actions':[{'type':'email','to':'a@b.c','subject':'s','text':'t','url':'https://a.example.com'}]}|invalid_body|actions[0].url",
            // wrong JSON types
            "{'name':5,'trigger':{'type':'form_submitted'},'actions':[{'type':'webhook','url':'https://a.example.com'}]}|invalid_body|name",
            "{'name':'x','trigger':'form_submitted','actions':[{'type':'webhook','url':'https://a.example.com'}]}|invalid_body|trigger",
            "{'name':'x','trigger':{'type':1},'actions':[{'type':'webhook','url':'https://a.example.com'}]}|invalid_body|trigger.type",
            "{'name':'x','trigger':{'type':'form_submitted','formId':7},'actions':[{'type':'webhook','url':'https://a.example.com'}]}|invalid_body|trigger.formId",
            "{'name':'x','trigger':{'type':'form_submitted'},'actions':{'type':'webhook'}}|invalid_body|actions",
            "{'name':'x','trigger':{'type':'form_submitted'},'actions':['https://a.example.com']}|invalid_body|actions[0]",
            "{'name':'x','trigger':{'type':'form_submitted'},'actions':[null]}|invalid_body|actions[0]",
            "{'name':'x','trigger':{'type':'form_submitted'},'actions':[{'type':'webhook','url':['https://a.example.com']}]}|invalid_body|actions[0].url",
            "{'name':'x','trigger':{'type':'form_submitted'},'actions':[{'type':'webhook','url':'https://a.example.com','secret':12345678901234567}]}|invalid_body|actions[0].secret",
            "{'name':'x','enabled':'yes','trigger':{'type':'form_submitted'},'actions':[{'type':'webhook','url':'https://a.example.com'}]}|invalid_body|enabled",
            // name
            "{'trigger':{'type':'form_submitted'},'actions':[{'type':'webhook','url':'https://a.example.com'}]}|missing_name|name",
            "{'name':'   ','trigger':{'type':'form_submitted'},'actions':[{'type':'webhook','url':'https://a.example.com'}]}|missing_name|name",
            // trigger
            "{'name':'x','actions':[{'type':'webhook','url':'https://a.example.com'}]}|missing_trigger|trigger",
            "{'name':'x','trigger':null,'actions':[{'type':'webhook','url':'https://a.example.com'}]}|missing_trigger|trigger",
            "{'name':'x','trigger':{},'actions':[{'type':'webhook','url':'https://a.example.com'}]}|invalid_trigger|trigger.type",
            "{'name':'x','trigger':{'type':'page_viewed'},'actions':[{'type':'webhook','url':'https://a.example.com'}]}|invalid_trigger|trigger.type",
            "{'name':'x','trigger':{'type':'form_submitted','formId':'frm_nosuchform'},'actions':[{'type':'webhook','url':'https://a.example.com'}]}|unknown_form|trigger.formId",
            "{'name':'x','trigger':{'type':'form_submitted','formId':''},'actions':[{'type':'webhook','url':'https://a.example.com'}]}|unknown_form|trigger.formId",
            "{'name':'x','trigger':{'type':'event'},'actions':[{'type':'webhook','url':'https://a.example.com'}]}|invalid_trigger|trigger.name",
            "{'name':'x','trigger':{'type':'event','name':' '},'actions':[{'type':'webhook','url':'https://a.example.com'}]}|invalid_trigger|trigger.name",
            // actions
            "{'name':'x','trigger':{'type':'form_submitted'}}|missing_actions|actions",
            "{'name':'x','trigger':{'type':'form_submitted'},'actions':[]}|missing_actions|actions",
            "{'name':'x','trigger':{'type':'form_submitted'},'actions':[{'url':'https://a.example.com'}]}|invalid_action|actions[0].type",
            "{'name':'x','trigger':{'type':'form_submitted'},'actions':[{'type':'sms','to':'+15550100'}]}|invalid_action|actions[0].type",
            // webhook URL shape
            "{'name':'x','trigger':{'type':'form_submitted'},'actions':[{'type':'webhook'}]}|invalid_webhook_url|actions[0].url",
            "{'name':'x','trigger':{'type':'form_submitted'},'actions':[{'type':'webhook','url':''}]}|invalid_webhook_url|actions[0].url",
            "{'name':'x','trigger':{'type':'form_submitted'},'actions':[{'type':'webhook','url':'/hooks/intake'}]}|invalid_webhook_url|actions[0].url",
            "{'name':'x','trigger':{'type':'form_submitted'},'actions':[{'type':'webhook','url':'ftp://files.example.com/in'}]}|invalid_webhook_url|actions[0].url",
            "{'name':'x','trigger':{'type':'form_submitted'},'actions':[{'type':'webhook','url':'javascript:alert(1)'}]}|invalid_webhook_url|actions[0].url",
            "{'name':'x','trigger':{'type':'form_submitted'},'actions':[{'type':'webhook','url':'https://exa mple.com/'}]}|invalid_webhook_url|actions[0].url",
            "{'name':'x','trigger':{'type':'form_submitted'},'actions':[{'type':'webhook','url':'https:///path-only'}]}|invalid_webhook_url|actions[0].url",
            "{'name':'x','trigger':{'type':'form_submitted'},'actions':[{'type':'webhook','url':'http://0x7f.1/'}]}|invalid_webhook_url|actions[0].url",
            "{'name':'x','trigger':{'type':'form_submitted'},'actions':[{'type':'webhook','url':'https://user:pw@hooks.example.com/'}]}|invalid_webhook_url|actions[0].url",
            "{'name':'x','trigger':{'type':'form_submitted'},'actions':[{'type':'webhook','url':'https://user@hooks.example.com/'}]}|invalid_webhook_url|actions[0].url",
            // webhook secret
            "{'name':'x','trigger':{'type':'form_submitted'},'actions':[{'type':'webhook','url':'https://a.example.com','secret':'fifteen-chars!!'}]}|invalid_webhook_secret|actions[0].secret",
            "{'name':'x','trigger':{'type':'form_submitted'},'actions':[{'type':'webhook','url':'https://a.example.com','secret':'tab\\there-is-not-printable'}]}|invalid_webhook_secret|actions[0].secret",
            "{'name':'x','trigger':{'type':'form_submitted'},'actions':[{'type':'webhook','url':'https://a.example.com','secret':'non-ascii-sécret-value'}]}|invalid_webhook_secret|actions[0].secret",
            // e-mail
            "{'name':'x','trigger':{'type':'form_submitted'},'actions':[{'type':'email','subject':'s','text':'t'}]}|invalid_action|actions[0].to",
            "{'name':'x','trigger':{'type':'form_submitted'},'actions':[{'type':'email','to':' ','subject':'s','text':'t'}]}|invalid_action|actions[0].to",
            "{'name':'x','trigger':{'type':'form_submitted'},'actions':[{'type':'email','to':'a@example.com','text':'t'}]}|invalid_action|actions[0].subject",
            "{'name':'x','trigger':{'type':'form_submitted'},'actions':[{'type':'email','to':'a@example.com','subject':'s'}]}|invalid_action|actions[0].text",
            "{'name':'x','trigger':{'type':'form_submitted'},'actions':[{'type':'email','to':'a@example.com','subject':'s','text':'','html':' '}]}|invalid_action|actions[0].html",
            // the second action is named, not the first
            "{'name':'x','trigger':{'type':'form_submitted'},'actions':[{'type':'webhook','url':'https://a.example.com'},{'type':'email','to':'a@example.com','subject':'s'}]}|invalid_action|actions[1].text",
    })
    void create_whenBodyBreaksARule_is400WithCodeAndField(String body, String code, String field) {
        assertInvalid(body.replace('\'', '"'), code, field);
        assertEquals(0, store.size(), "nothing is stored");
    }

    @Test
    void create_whenNameLongerThan200_isInvalidName() {
        assertInvalid("{\"name\":\"" + "n".repeat(ManageCampaigns.MAX_NAME + 1) + "\",\"trigger\":{\"type\":\"form_submitted\"},"
                + "\"actions\":[{\"type\":\"webhook\",\"url\":\"" + HOOK + "\"}]}", "invalid_name", "name");
    }

    @Test
    void create_whenEventNameLongerThan255_isInvalidTrigger() {
        assertInvalid("{\"name\":\"x\",\"trigger\":{\"type\":\"event\",\"name\":\"" + "e".repeat(ManageCampaigns.MAX_EVENT_NAME + 1)
                + "\"},\"actions\":[{\"type\":\"webhook\",\"url\":\"" + HOOK + "\"}]}", "invalid_trigger", "trigger.name");
    }

    @Test
    void create_whenDraftMixesTriggerMembers_isInvalidTrigger() {
        var webhook = List.of(ActionDraft.webhook(HOOK, null));
        var formWithName = invalid(() -> campaigns.create(WS, new CampaignDraft("x",
                new TriggerDraft(Campaign.Trigger.FORM_SUBMITTED, null, "Signed Up"), webhook, null)));
        var eventWithForm = invalid(() -> campaigns.create(WS, new CampaignDraft("x",
                new TriggerDraft(Campaign.Trigger.EVENT, form.id(), "Signed Up"), webhook, null)));

        assertEquals("invalid_trigger", formWithName.code());
        assertEquals(List.of("trigger.name"), formWithName.fields());
        assertEquals("invalid_trigger", eventWithForm.code());
        assertEquals(List.of("trigger.formId"), eventWithForm.fields());
    }

    @Test
    void create_whenFormBelongsToAnotherWorkspace_isUnknownForm() {
        assertInvalid("{\"name\":\"x\",\"trigger\":{\"type\":\"form_submitted\",\"formId\":\"" + otherForm.id() + "\"},"
                + "\"actions\":[{\"type\":\"webhook\",\"url\":\"" + HOOK + "\"}]}", "unknown_form", "trigger.formId");
    }

    @Test
    void create_whenMoreThanMaxActions_isTooManyActions() {
        String six = String.join(",", java.util.Collections.nCopies(Campaign.MAX_ACTIONS + 1, "{\"type\":\"webhook\",\"url\":\"" + HOOK + "\"}"));
        assertInvalid(withActions("[" + six + "]"), "too_many_actions", "actions");
    }

    @Test
    void create_whenWebhookUrlLongerThan2048_isInvalidWebhookUrl() {
        String url = "https://hooks.example.com/" + "p".repeat(ManageCampaigns.MAX_URL);
        assertInvalid(webhookBody(url), "invalid_webhook_url", "actions[0].url");
    }

    @Test
    void create_whenSecretLongerThan200_isInvalidWebhookSecret() {
        assertInvalid(withActions("[{\"type\":\"webhook\",\"url\":\"" + HOOK + "\",\"secret\":\"" + "s".repeat(ManageCampaigns.MAX_SECRET + 1) + "\"}]"),
                "invalid_webhook_secret", "actions[0].secret");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "http://127.0.0.1/", "http://127.0.0.1:8080/hook", "http://localhost/hook", "http://api.localhost/",
            "http://169.254.169.254/latest/meta-data/", "http://10.0.0.5/", "http://192.168.1.1/", "http://[::1]/",
            "http://[::ffff:127.0.0.1]/", "http://metadata.google.internal/", "http://0.0.0.0/", "http://2130706433/"})
    void create_whenWebhookTargetIsPrivateAndNotAllowed_isRefusedWithTheReason(String url) {
        var e = invalid(() -> create(webhookBody(url)));

        assertEquals("webhook_target_refused", e.code(), e.getMessage());
        assertEquals(List.of("actions[0].url"), e.fields());
        assertTrue(e.getMessage().startsWith("'actions[0].url' cannot be called: ") && e.getMessage().length() > 40, e.getMessage());
        assertEquals(0, store.size());
    }

    @Test
    void create_whenPrivateTargetsAllowed_acceptsALoopbackWebhook() {
        Campaign c = manageCampaigns(true).create(WS, CampaignJson.parseDraft(json(webhookBody("http://127.0.0.1:9/hook"))));

        assertEquals("http://127.0.0.1:9/hook", ((CampaignAction.Webhook) c.actions().getFirst()).url());
    }

    @Test
    void create_whenPrivateTargetsAllowed_stillRefusesAmbiguousNumericHosts() {
        var e = invalid(() -> manageCampaigns(true).create(WS, CampaignJson.parseDraft(json(webhookBody("http://0177.0.0.1/")))));

        assertEquals("webhook_target_refused", e.code());
    }

    @ParameterizedTest
    @ValueSource(strings = {"to", "subject", "text", "html"})
    void create_whenEmailPartOverItsLimit_isInvalidActionNamingIt(String part) {
        String to = part.equals("to") ? "t".repeat(ManageCampaigns.MAX_HEADER + 1) : "a@example.com";
        String subject = part.equals("subject") ? "s".repeat(ManageCampaigns.MAX_HEADER + 1) : "Hello";
        String text = part.equals("text") ? "x".repeat(ManageCampaigns.MAX_BODY + 1) : "Body";
        String html = part.equals("html") ? "x".repeat(ManageCampaigns.MAX_BODY + 1) : null;

        assertInvalid(withActions("[" + email(to, subject, text, html) + "]"), "invalid_action", "actions[0]." + part);
    }

    @Test
    void create_whenTemplatesHaveMistakes_isInvalidTemplateListingEveryOne() {
        var e = invalid(() -> create(withActions("[" + email("{{person.email}}", "Hi {{ persn.name }}", "ok", null) + ","
                + email("{{person.email", "fine", null, "<p>{{ }}</p>") + "]")));

        assertEquals("invalid_template", e.code());
        assertEquals(List.of("actions[0].subject", "actions[1].to", "actions[1].html"), e.fields());
        assertTrue(e.getMessage().contains("actions[0].subject: {{persn.name}}: unknown variable 'persn'"), e.getMessage());
        assertTrue(e.getMessage().contains("actions[1].to: unclosed '{{'"), e.getMessage());
        assertTrue(e.getMessage().contains("actions[1].html: {{}}: empty variable"), e.getMessage());
        assertEquals(0, store.size());
    }

    @Test
    void create_whenTemplatePlaceholderIsHuge_keepsTheErrorShort() {
        var e = invalid(() -> create(withActions("[" + email("a@example.com", "s", "{{" + "x".repeat(50_000) + "}}", null) + "]")));

        assertEquals("invalid_template", e.code());
        assertTrue(e.getMessage().length() < 400, "message of " + e.getMessage().length() + " characters");
    }

    // ---- list and get ----

    @Test
    void list_returnsOnlyTheWorkspacesCampaignsOldestFirst() {
        Campaign first = hook();
        clock.advance(Duration.ofSeconds(1));
        Campaign second = hook();
        campaigns.create(OTHER_WS, CampaignJson.parseDraft(json(webhookBody(HOOK))));

        assertEquals(List.of(first, second), campaigns.list(WS));
        assertEquals(1, campaigns.list(OTHER_WS).size());
        assertEquals(List.of(), campaigns.list("ws_empty"));
    }

    @Test
    void get_whenOwnCampaign_returnsIt() {
        Campaign c = hook();

        assertEquals(c, campaigns.get(WS, c.id()));
    }

    @Test
    void get_whenCampaignOfAnotherWorkspace_isNotFound() {
        Campaign theirs = campaigns.create(OTHER_WS, CampaignJson.parseDraft(json(webhookBody(HOOK))));

        var e = assertThrows(IntakeException.NotFound.class, () -> campaigns.get(WS, theirs.id()));
        assertEquals("Campaign not found", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "cmp_", "cmp_short", "frm_0123456789", "cmp_0123456789/../x", "cmp_01234567890123456789012345678901234567890",
            "double_opt_in", "CMP_0123456789", "cmp_01234567-9"})
    void get_whenIdMalformed_isNotFound(String id) {
        assertThrows(IntakeException.NotFound.class, () -> campaigns.get(WS, id));
    }

    @Test
    void get_whenIdNull_isNotFound() {
        assertThrows(IntakeException.NotFound.class, () -> campaigns.get(WS, null));
    }

    // ---- patch ----

    @Test
    void patch_whenOnlyNameGiven_keepsTheRestAndStampsUpdatedAt() {
        Campaign c = create("{\"name\":\"Old\",\"trigger\":{\"type\":\"form_submitted\",\"formId\":\"" + form.id() + "\"},"
                + "\"actions\":[{\"type\":\"webhook\",\"url\":\"" + HOOK + "\"}]}");
        clock.advance(Duration.ofMinutes(5));

        Campaign p = patch(c.id(), "{\"name\":\" New \"}");

        assertEquals("New", p.name());
        assertEquals(c.trigger(), p.trigger());
        assertEquals(c.actions(), p.actions());
        assertTrue(p.enabled());
        assertEquals(c.createdAt(), p.createdAt());
        assertEquals(START.plus(Duration.ofMinutes(5)), p.updatedAt());
        assertEquals(p, store.find(WS, c.id()).orElseThrow());
    }

    @Test
    void patch_whenNullMembersOrEmptyObject_changesNothingButUpdatedAt() {
        Campaign c = hook();

        Campaign p = patch(c.id(), "{\"name\":null,\"trigger\":null,\"actions\":null,\"enabled\":null}");
        Campaign q = patch(c.id(), "{}");

        assertEquals(List.of(c.name(), c.trigger(), c.actions(), c.enabled()), List.of(p.name(), p.trigger(), p.actions(), p.enabled()));
        assertEquals(p, q);
    }

    @Test
    void patch_whenEnabledAndTriggerGiven_replacesThem() {
        Campaign c = hook();

        Campaign p = patch(c.id(), "{\"enabled\":false,\"trigger\":{\"type\":\"event\",\"name\":\"Order Completed\"}}");

        assertFalse(p.enabled());
        assertEquals(new Campaign.Trigger(Campaign.Trigger.EVENT, null, "Order Completed"), p.trigger());
        assertEquals(c.actions(), p.actions());
    }

    @Test
    void patch_whenActionsGivenWithoutSecrets_keepsTheSecretOfTheSameUrlAndNewUrlsGetNewOnes() {
        Campaign c = hook();
        String kept = ((CampaignAction.Webhook) c.actions().getFirst()).secret();

        Campaign p = patch(c.id(), "{\"actions\":[{\"type\":\"webhook\",\"url\":\"https://other.example.com/in\"},"
                + "{\"type\":\"webhook\",\"url\":\"" + HOOK + "\"},"
                + "{\"type\":\"email\",\"to\":\"{{person.email}}\",\"subject\":\"Hi\",\"text\":\"Hello\"}]}");

        assertEquals(3, p.actions().size());
        String fresh = ((CampaignAction.Webhook) p.actions().get(0)).secret();
        assertTrue(fresh.startsWith("whsec_"));
        assertNotEquals(kept, fresh);
        assertEquals(new CampaignAction.Webhook(HOOK, kept), p.actions().get(1));
    }

    @Test
    void patch_whenSecretGiven_replacesIt() {
        Campaign c = hook();

        Campaign p = patch(c.id(), "{\"actions\":[{\"type\":\"webhook\",\"url\":\"" + HOOK + "\",\"secret\":\"rotated-secret-0123456789\"}]}");

        assertEquals(new CampaignAction.Webhook(HOOK, "rotated-secret-0123456789"), p.actions().getFirst());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "{'actions':[]}|missing_actions|actions",
            "{'name':''}|missing_name|name",
            "{'trigger':{'type':'event'}}|invalid_trigger|trigger.name",
            "{'trigger':{'type':'form_submitted','formId':'frm_gone000000'}}|unknown_form|trigger.formId",
            "{'actions':[{'type':'webhook','url':'http://127.0.0.1/'}]}|webhook_target_refused|actions[0].url",
            "{'actions':[{'type':'email','to':'{{nobody.email}}','subject':'s','text':'t'}]}|invalid_template|actions[0].to",
            "{'id':'cmp_0000000000'}|invalid_body|id",
            "{'createdAt':'2025-01-01T00:00:00Z'}|invalid_body|createdAt",
            "{'enabled':1}|invalid_body|enabled",
    })
    void patch_whenMergedCampaignIsInvalid_is400AndKeepsTheStoredOne(String body, String code, String field) {
        Campaign c = hook();

        var e = invalid(() -> patch(c.id(), body.replace('\'', '"')));

        assertEquals(code, e.code(), e.getMessage());
        assertTrue(e.fields().contains(field), e.fields().toString());
        assertEquals(c, store.find(WS, c.id()).orElseThrow());
    }

    @Test
    void patch_whenTriggerFormWasDeleted_stillAllowsRenamingAndDisabling_butNotReSendingThatTrigger() {
        Campaign c = create("{\"name\":\"Old\",\"trigger\":{\"type\":\"form_submitted\",\"formId\":\"" + form.id() + "\"},"
                + "\"actions\":[{\"type\":\"webhook\",\"url\":\"" + HOOK + "\"}]}");
        forms.delete(WS, form.id());

        Campaign p = patch(c.id(), "{\"name\":\"Retired\",\"enabled\":false}");
        var e = invalid(() -> patch(c.id(), "{\"trigger\":{\"type\":\"form_submitted\",\"formId\":\"" + form.id() + "\"}}"));

        assertEquals("Retired", p.name());
        assertFalse(p.enabled());
        assertEquals("unknown_form", e.code());
    }

    @Test
    void patch_whenCampaignOfAnotherWorkspace_isNotFoundAndChangesNothing() {
        Campaign theirs = campaigns.create(OTHER_WS, CampaignJson.parseDraft(json(webhookBody(HOOK))));

        assertThrows(IntakeException.NotFound.class, () -> patch(theirs.id(), "{\"name\":\"hijacked\"}"));
        assertEquals(theirs, store.find(OTHER_WS, theirs.id()).orElseThrow());
    }

    // ---- delete ----

    @Test
    void delete_removesTheCampaignAndItsDeliveriesOnly() {
        Campaign c = hook();
        Campaign kept = hook();
        delivered(WS, c.id(), Delivery.Status.SUCCEEDED);
        delivered(WS, c.id(), Delivery.Status.FAILED);
        delivered(WS, kept.id(), Delivery.Status.SUCCEEDED);
        delivered(WS, TriggerCampaigns.CONFIRMATION, Delivery.Status.SUCCEEDED);

        campaigns.delete(WS, c.id());

        assertTrue(store.find(WS, c.id()).isEmpty());
        assertEquals(0, deliveryStore.count(WS, c.id()));
        assertEquals(1, deliveryStore.count(WS, kept.id()));
        assertEquals(1, deliveryStore.count(WS, TriggerCampaigns.CONFIRMATION));
        assertThrows(IntakeException.NotFound.class, () -> campaigns.delete(WS, c.id()), "a second delete");
        assertThrows(IntakeException.NotFound.class, () -> campaigns.deliveries(WS, c.id(), null, null));
    }

    @Test
    void delete_whenCampaignOfAnotherWorkspace_isNotFoundAndKeepsItAndItsDeliveries() {
        Campaign theirs = campaigns.create(OTHER_WS, CampaignJson.parseDraft(json(webhookBody(HOOK))));
        delivered(OTHER_WS, theirs.id(), Delivery.Status.SUCCEEDED);

        assertThrows(IntakeException.NotFound.class, () -> campaigns.delete(WS, theirs.id()));
        assertTrue(store.find(OTHER_WS, theirs.id()).isPresent());
        assertEquals(1, deliveryStore.count(OTHER_WS, theirs.id()));
    }

    @Test
    void delete_whenDoubleOptInNamed_isNotFound() {
        delivered(WS, TriggerCampaigns.CONFIRMATION, Delivery.Status.SUCCEEDED);

        assertThrows(IntakeException.NotFound.class, () -> campaigns.delete(WS, TriggerCampaigns.CONFIRMATION));
        assertEquals(1, deliveryStore.count(WS, TriggerCampaigns.CONFIRMATION));
    }

    // ---- deliveries ----

    @Test
    void deliveries_whenWalkedWithCursors_returnsEachOnceNewestFirst() {
        Campaign c = hook();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 7; i++) expected.add(0, delivered(WS, c.id(), Delivery.Status.SUCCEEDED).id());
        delivered(WS, hook().id(), Delivery.Status.SUCCEEDED);

        assertEquals(expected, walk(WS, c.id(), 3));
        assertEquals(expected, walk(WS, c.id(), 7));
        assertEquals(expected, walk(WS, c.id(), 100));
    }

    @Test
    void deliveries_whenNewOnesArriveBetweenPages_keepsLaterPagesStable() {
        Campaign c = hook();
        List<String> older = new ArrayList<>();
        for (int i = 0; i < 4; i++) older.add(0, delivered(WS, c.id(), Delivery.Status.SUCCEEDED).id());

        DeliveryPage first = campaigns.deliveries(WS, c.id(), 2, null);
        delivered(WS, c.id(), Delivery.Status.SUCCEEDED);
        DeliveryPage second = campaigns.deliveries(WS, c.id(), 2, first.nextCursor());

        assertEquals(older.subList(2, 4), second.data().stream().map(Delivery::id).toList());
        assertFalse(second.hasMore());
        assertNull(second.nextCursor());
    }

    @Test
    void deliveries_whenLimitAbsent_returns25() {
        Campaign c = hook();
        for (int i = 0; i < 26; i++) delivered(WS, c.id(), Delivery.Status.SUCCEEDED);

        DeliveryPage page = campaigns.deliveries(WS, c.id(), null, null);

        assertEquals(ManageCampaigns.DEFAULT_LIMIT, page.data().size());
        assertTrue(page.hasMore());
    }

    @Test
    void deliveries_whenNone_isAnEmptyLastPage() {
        DeliveryPage page = campaigns.deliveries(WS, hook().id(), null, null);

        assertEquals(new DeliveryPage(List.of(), null, false), page);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, ManageCampaigns.MAX_LIMIT + 1})
    void deliveries_whenLimitOutOfRange_isInvalidLimit(int limit) {
        Campaign c = hook();

        var e = invalid(() -> campaigns.deliveries(WS, c.id(), limit, null));
        assertEquals("invalid_limit", e.code());
        assertEquals(List.of("limit"), e.fields());
    }

    @Test
    void deliveries_whenCursorEdited_isInvalidCursor() {
        Campaign c = hook();
        for (int i = 0; i < 3; i++) delivered(WS, c.id(), Delivery.Status.SUCCEEDED);
        String cursor = campaigns.deliveries(WS, c.id(), 1, null).nextCursor();
        Set<String> tampered = new HashSet<>();
        for (int i = 0; i < cursor.length(); i++) {
            for (char r : "AZaz09-_+/=.~ ".toCharArray()) {
                if (cursor.charAt(i) != r) tampered.add(cursor.substring(0, i) + r + cursor.substring(i + 1));
            }
        }
        tampered.addAll(List.of("", "cur_", cursor + "A", cursor.substring(0, cursor.length() - 1), "x".repeat(200), "cur_!!!!",
                cursor.substring(4)));

        for (String t : tampered) {
            var e = assertThrows(IntakeException.Invalid.class, () -> campaigns.deliveries(WS, c.id(), 1, t), t);
            assertEquals("invalid_cursor", e.code(), t);
            assertEquals(List.of("cursor"), e.fields());
        }
        assertEquals(1, campaigns.deliveries(WS, c.id(), 1, cursor).data().size(), "the untouched cursor still works");
    }

    @Test
    void deliveries_whenCursorOfAnotherCampaignOrWorkspaceOrKind_isInvalidCursor() {
        Campaign a = hook();
        Campaign b = hook();
        for (int i = 0; i < 2; i++) {
            delivered(WS, a.id(), Delivery.Status.SUCCEEDED);
            delivered(WS, b.id(), Delivery.Status.SUCCEEDED);
            delivered(WS, TriggerCampaigns.CONFIRMATION, Delivery.Status.SUCCEEDED);
            delivered(OTHER_WS, TriggerCampaigns.CONFIRMATION, Delivery.Status.SUCCEEDED);
        }
        String ofA = campaigns.deliveries(WS, a.id(), 1, null).nextCursor();
        String confirmationsOfWs = campaigns.deliveries(WS, TriggerCampaigns.CONFIRMATION, 1, null).nextCursor();
        String submissionCursor = new SubmissionCursors(new Signer(SECRET))
                .issue(WS, a.id(), new Range("sub_", "sub_~", null), Ids.submission(START));

        for (Runnable r : List.<Runnable>of(
                () -> campaigns.deliveries(WS, b.id(), 1, ofA),
                () -> campaigns.deliveries(OTHER_WS, TriggerCampaigns.CONFIRMATION, 1, confirmationsOfWs),
                () -> campaigns.deliveries(WS, a.id(), 1, submissionCursor))) {
            assertEquals("invalid_cursor", invalid(r).code());
        }
    }

    @Test
    void deliveries_whenCursorSignedWithAnotherSecret_isInvalidCursor() {
        Campaign c = hook();
        for (int i = 0; i < 2; i++) delivered(WS, c.id(), Delivery.Status.SUCCEEDED);
        ManageCampaigns otherDeployment = new ManageCampaigns(store, deliveryStore, formStore, events, url -> java.util.Optional.empty(),
                "d".repeat(32).getBytes(StandardCharsets.UTF_8), clock);
        String foreign = otherDeployment.deliveries(WS, c.id(), 1, null).nextCursor();

        assertEquals("invalid_cursor", invalid(() -> campaigns.deliveries(WS, c.id(), 1, foreign)).code());
    }

    @Test
    void deliveries_whenDoubleOptIn_listsTheConfirmationDeliveriesOfThisWorkspaceOnly() {
        Delivery older = delivered(WS, TriggerCampaigns.CONFIRMATION, Delivery.Status.SUCCEEDED);
        Delivery newer = delivered(WS, TriggerCampaigns.CONFIRMATION, Delivery.Status.RETRYING);
        delivered(OTHER_WS, TriggerCampaigns.CONFIRMATION, Delivery.Status.SUCCEEDED);

        DeliveryPage page = campaigns.deliveries(WS, TriggerCampaigns.CONFIRMATION, null, null);

        assertEquals(List.of(newer, older), page.data());
        assertEquals(List.of(), campaigns.deliveries("ws_fresh", TriggerCampaigns.CONFIRMATION, null, null).data(),
                "exists implicitly in every workspace");
    }

    @Test
    void deliveries_whenCampaignUnknownMalformedOrOfAnotherWorkspace_isNotFound() {
        Campaign theirs = campaigns.create(OTHER_WS, CampaignJson.parseDraft(json(webhookBody(HOOK))));
        delivered(OTHER_WS, theirs.id(), Delivery.Status.SUCCEEDED);

        for (String id : List.of(theirs.id(), "cmp_0000000000", "nope", "DOUBLE_OPT_IN")) {
            assertThrows(IntakeException.NotFound.class, () -> campaigns.deliveries(WS, id, null, null), id);
        }
    }

    // ---- retry ----

    @Test
    void retry_whenDeliveryFinished_requeuesItThenRefiresItsEventForThatCampaignOnly() {
        Campaign c = hook();
        Delivery d = delivered(WS, c.id(), Delivery.Status.FAILED);
        clock.advance(Duration.ofMinutes(1));

        Delivery r = campaigns.retry(WS, c.id(), d.id());

        assertEquals(Delivery.Status.REQUEUED, r.status());
        assertEquals(d.id(), r.id());
        assertEquals(List.of(), r.actions(), "every action runs again");
        assertEquals(clock.instant(), r.updatedAt());
        assertEquals(r, deliveryStore.find(WS, c.id(), d.eventId()).orElseThrow());
        assertEquals(List.of(c.id()), events.refiredFor);
        assertEquals(List.of(d.event()), events.refired);
    }

    @Test
    void retry_whenDeliverySucceeded_canStillBeRefired() {
        Campaign c = hook();
        Delivery d = delivered(WS, c.id(), Delivery.Status.SUCCEEDED);

        assertEquals(Delivery.Status.REQUEUED, campaigns.retry(WS, c.id(), d.id()).status());
        assertEquals(1, events.refired.size());
    }

    @Test
    void retry_whenDeliveryRunning_isConflictAndPublishesNothing() {
        Campaign c = hook();
        Instant now = clock.instant();
        FormSubmitted e = event(WS, now);
        deliveryStore.claim(c.id(), e, now, now.plus(Duration.ofMinutes(2)));

        assertThrows(IntakeException.Conflict.class, () -> campaigns.retry(WS, c.id(), Delivery.id(e.eventId())));
        assertEquals(Delivery.Status.IN_PROGRESS, deliveryStore.find(WS, c.id(), e.eventId()).orElseThrow().status());
        assertEquals(List.of(), events.refired);
    }

    @Test
    void retry_whenRunningAttemptsLeaseLapsed_requeuesIt() {
        Campaign c = hook();
        Instant now = clock.instant();
        FormSubmitted e = event(WS, now);
        deliveryStore.claim(c.id(), e, now, now.plus(Duration.ofMinutes(2)));
        clock.advance(Duration.ofMinutes(3));

        assertEquals(Delivery.Status.REQUEUED, campaigns.retry(WS, c.id(), Delivery.id(e.eventId())).status());
    }

    @Test
    void retry_whenQueueIsDown_isUnavailable_leavesItRequeued_andARetryOfTheRequestRefires() {
        Campaign c = hook();
        Delivery d = delivered(WS, c.id(), Delivery.Status.FAILED);
        events.down = true;

        var e = assertThrows(IntakeException.Unavailable.class, () -> campaigns.retry(WS, c.id(), d.id()));
        assertTrue(e.retryAfterSeconds() > 0);
        assertEquals(Delivery.Status.REQUEUED, deliveryStore.find(WS, c.id(), d.eventId()).orElseThrow().status());
        assertEquals(List.of(), events.refired);

        events.down = false;
        assertEquals(Delivery.Status.REQUEUED, campaigns.retry(WS, c.id(), d.id()).status());
        assertEquals(List.of(d.event()), events.refired);
    }

    @Test
    void retry_whenDoubleOptInDelivery_refiresForTheConfirmation() {
        Delivery d = delivered(WS, TriggerCampaigns.CONFIRMATION, Delivery.Status.RETRYING);

        Delivery r = campaigns.retry(WS, TriggerCampaigns.CONFIRMATION, d.id());

        assertEquals(Delivery.Status.REQUEUED, r.status());
        assertEquals(List.of(TriggerCampaigns.CONFIRMATION), events.refiredFor);
    }

    @Test
    void retry_whenDeliveryUnknownMalformedOrOfAnotherCampaign_isNotFound() {
        Campaign c = hook();
        Campaign other = hook();
        Delivery ofOther = delivered(WS, other.id(), Delivery.Status.FAILED);

        for (String id : List.of(ofOther.id(), Delivery.id(event(WS, START.minusSeconds(60)).eventId()), "dlv_", "evt_"
                + ofOther.id().substring(4), "dlv_../../x", "")) {
            assertThrows(IntakeException.NotFound.class, () -> campaigns.retry(WS, c.id(), id), id);
        }
        assertThrows(IntakeException.NotFound.class, () -> campaigns.retry(WS, c.id(), null));
        assertEquals(Delivery.Status.FAILED, deliveryStore.find(WS, other.id(), ofOther.eventId()).orElseThrow().status());
        assertEquals(List.of(), events.refired);
    }

    @Test
    void retry_whenCampaignOrDeliveryOfAnotherWorkspace_isNotFoundAndChangesNothing() {
        Campaign theirs = campaigns.create(OTHER_WS, CampaignJson.parseDraft(json(webhookBody(HOOK))));
        Delivery d = delivered(OTHER_WS, theirs.id(), Delivery.Status.FAILED);
        Delivery confirmation = delivered(OTHER_WS, TriggerCampaigns.CONFIRMATION, Delivery.Status.FAILED);

        assertThrows(IntakeException.NotFound.class, () -> campaigns.retry(WS, theirs.id(), d.id()));
        assertThrows(IntakeException.NotFound.class, () -> campaigns.retry(WS, TriggerCampaigns.CONFIRMATION, confirmation.id()));
        assertEquals(Delivery.Status.FAILED, deliveryStore.find(OTHER_WS, theirs.id(), d.eventId()).orElseThrow().status());
        assertEquals(List.of(), events.refired);
    }

    // ---- JSON shapes ----

    @Test
    void campaignJson_showsCamelCaseMembersAndTheWebhookSecret() {
        Campaign c = create("{\"name\":\"Both\",\"trigger\":{\"type\":\"form_submitted\"},\"actions\":[{\"type\":\"webhook\",\"url\":\""
                + HOOK + "\",\"secret\":\"0123456789abcdef\"}," + email("{{person.email}}", "Hi", "Text", null) + "]}");

        JsonNode view = CampaignJson.view(c);

        assertEquals(json("""
                {"id":"%s","name":"Both","trigger":{"type":"form_submitted","formId":null},
                 "actions":[{"type":"webhook","url":"%s","secret":"0123456789abcdef"},
                            {"type":"email","to":"{{person.email}}","subject":"Hi","text":"Text","html":null}],
                 "enabled":true,"createdAt":"%s","updatedAt":"%s"}""".formatted(c.id(), HOOK, START, START)), view);
        Campaign event = create("{\"name\":\"E\",\"trigger\":{\"type\":\"event\",\"name\":\"Signed Up\"},\"actions\":[{\"type\":\"webhook\",\"url\":\"" + HOOK + "\"}]}");
        assertEquals(json("{\"type\":\"event\",\"name\":\"Signed Up\"}"), CampaignJson.view(event).path("trigger"));
    }

    @Test
    void campaignJson_roundTripsThroughParseDraft() {
        Campaign c = create("{\"name\":\"Trip\",\"enabled\":false,\"trigger\":{\"type\":\"form_submitted\",\"formId\":\"" + form.id() + "\"},"
                + "\"actions\":[" + email("{{person.email}}", "Hi", null, "<b>x</b>") + "]}");
        var body = CampaignJson.view(c);
        body.remove(List.of("id", "createdAt", "updatedAt"));

        Campaign again = campaigns.create(WS, CampaignJson.parseDraft(body));

        assertEquals(List.of(c.name(), c.trigger(), c.actions(), c.enabled()),
                List.of(again.name(), again.trigger(), again.actions(), again.enabled()));
    }

    @Test
    void deliveryJson_showsStatusesInLowerCaseAndEveryActionResult() {
        Campaign c = hook();
        Delivery d = delivered(WS, c.id(), Delivery.Status.SUCCEEDED);

        JsonNode view = CampaignJson.delivery(d);

        assertEquals(json("""
                {"id":"%s","campaignId":"%s","eventId":"%s","eventType":"form.submitted","status":"succeeded","attempts":1,
                 "responseCode":200,"lastError":null,
                 "actions":[{"type":"webhook","status":"succeeded","responseCode":200,"error":null,"at":"%s"}],
                 "createdAt":"%s","updatedAt":"%s"}""".formatted(d.id(), c.id(), d.eventId(), d.createdAt(), d.createdAt(), d.updatedAt())),
                view);
        assertTrue(d.id().startsWith("dlv_"));
        JsonNode page = CampaignJson.deliveryPage(new DeliveryPage(List.of(d), "cur_x", true));
        assertEquals(List.of("data", "next_cursor", "has_more"), iterable(page.fieldNames()));
    }

    private static List<String> iterable(java.util.Iterator<String> it) {
        List<String> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
