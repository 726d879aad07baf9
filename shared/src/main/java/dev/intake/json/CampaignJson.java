package dev.intake.json;

import static dev.intake.json.BodyFields.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.intake.application.ManageCampaigns.ActionDraft;
import dev.intake.application.ManageCampaigns.CampaignDraft;
import dev.intake.application.ManageCampaigns.CampaignPatch;
import dev.intake.application.ManageCampaigns.DeliveryPage;
import dev.intake.application.ManageCampaigns.TriggerDraft;
import dev.intake.domain.Campaign;
import dev.intake.domain.CampaignAction;
import dev.intake.domain.Delivery;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The API shape of campaigns and their deliveries, in the forms API's camelCase. Parsing checks the JSON
 * itself (known keys, JSON types); the values are checked by {@link dev.intake.application.ManageCampaigns}.
 */
public final class CampaignJson {
    private static final Set<String> CAMPAIGN_KEYS = Set.of("name", "trigger", "actions", "enabled");
    private static final Set<String> FORM_TRIGGER_KEYS = Set.of("type", "formId");
    private static final Set<String> EVENT_TRIGGER_KEYS = Set.of("type", "name");
    private static final Set<String> WEBHOOK_KEYS = Set.of("type", "url", "secret");
    private static final Set<String> EMAIL_KEYS = Set.of("type", "to", "subject", "text", "html");

    private CampaignJson() {}

    /**
     * A campaign as the API shows it. A webhook's {@code secret} is included: API keys administer the
     * workspace, and receivers need it to verify signatures.
     */
    public static ObjectNode view(Campaign c) {
        ObjectNode o = Json.object();
        o.put("id", c.id());
        o.put("name", c.name());
        ObjectNode trigger = o.putObject("trigger");
        trigger.put("type", c.trigger().type());
        if (Campaign.Trigger.EVENT.equals(c.trigger().type())) trigger.put("name", c.trigger().eventName());
        else trigger.put("formId", c.trigger().formId());
        ArrayNode actions = o.putArray("actions");
        for (CampaignAction a : c.actions()) {
            ObjectNode n = actions.addObject();
            n.put("type", a.type());
            switch (a) {
                case CampaignAction.Webhook w -> {
                    n.put("url", w.url());
                    n.put("secret", w.secret());
                }
                case CampaignAction.Email e -> {
                    n.put("to", e.to());
                    n.put("subject", e.subject());
                    n.put("text", e.text());
                    n.put("html", e.html());
                }
            }
        }
        o.put("enabled", c.enabled());
        o.put("createdAt", c.createdAt().toString());
        o.put("updatedAt", c.updatedAt().toString());
        return o;
    }

    /** {@code {"data":[campaign…]}}. */
    public static ObjectNode list(List<Campaign> campaigns) {
        ObjectNode body = Json.object();
        ArrayNode data = body.putArray("data");
        campaigns.forEach(c -> data.add(view(c)));
        return body;
    }

    public static ObjectNode delivery(Delivery d) {
        ObjectNode o = Json.object();
        o.put("id", d.id());
        o.put("campaignId", d.campaignId());
        o.put("eventId", d.eventId());
        o.put("eventType", EventJson.type(d.event()));
        o.put("status", d.status().wireName());
        o.put("attempts", d.attempts());
        o.put("responseCode", d.responseCode());
        o.put("lastError", d.lastError());
        ArrayNode actions = o.putArray("actions");
        for (Delivery.ActionResult r : d.actions()) {
            ObjectNode n = actions.addObject();
            n.put("type", r.type());
            n.put("status", r.status().wireName());
            n.put("responseCode", r.responseCode());
            n.put("error", r.error());
            n.put("at", r.at().toString());
        }
        o.put("createdAt", d.createdAt().toString());
        o.put("updatedAt", d.updatedAt().toString());
        return o;
    }

    /** {@code {"data":[delivery…],"next_cursor":…,"has_more":…}}, the submissions listing's envelope. */
    public static ObjectNode deliveryPage(DeliveryPage page) {
        ObjectNode body = Json.object();
        ArrayNode data = body.putArray("data");
        page.data().forEach(d -> data.add(delivery(d)));
        body.put("next_cursor", page.nextCursor());
        body.put("has_more", page.hasMore());
        return body;
    }

    public static CampaignDraft parseDraft(JsonNode body) {
        knownKeys(body, CAMPAIGN_KEYS, "");
        return new CampaignDraft(text(body, "name"), trigger(body.get("trigger")), actions(body.get("actions")),
                bool(body, "enabled"));
    }

    /** Like {@link #parseDraft}; members left out or {@code null} stay as they are. */
    public static CampaignPatch parsePatch(JsonNode body) {
        knownKeys(body, CAMPAIGN_KEYS, "");
        return new CampaignPatch(text(body, "name"), trigger(body.get("trigger")), actions(body.get("actions")),
                bool(body, "enabled"));
    }

    private static TriggerDraft trigger(JsonNode o) {
        if (o == null || o.isNull()) return null;
        if (!o.isObject()) throw invalid("'trigger' must be an object such as {\"type\":\"form_submitted\"}", "trigger");
        String type = text(o, "type", "trigger.type");
        Set<String> allowed = Campaign.Trigger.EVENT.equals(type) ? EVENT_TRIGGER_KEYS
                : Campaign.Trigger.FORM_SUBMITTED.equals(type) ? FORM_TRIGGER_KEYS : union(FORM_TRIGGER_KEYS, EVENT_TRIGGER_KEYS);
        knownKeys(o, allowed, "trigger.");
        return new TriggerDraft(type, text(o, "formId", "trigger.formId"), text(o, "name", "trigger.name"));
    }

    private static List<ActionDraft> actions(JsonNode a) {
        if (a == null || a.isNull()) return null;
        if (!a.isArray()) throw invalid("'actions' must be an array of action objects", "actions");
        List<ActionDraft> out = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            JsonNode o = a.get(i);
            String at = "actions[" + i + "]";
            if (!o.isObject()) throw invalid("'" + at + "' must be an object such as {\"type\":\"webhook\",\"url\":…}", at);
            String type = text(o, "type", at + ".type");
            Set<String> allowed = CampaignAction.Webhook.TYPE.equals(type) ? WEBHOOK_KEYS
                    : CampaignAction.Email.TYPE.equals(type) ? EMAIL_KEYS : union(WEBHOOK_KEYS, EMAIL_KEYS);
            knownKeys(o, allowed, at + ".");
            out.add(new ActionDraft(type, text(o, "url", at + ".url"), text(o, "secret", at + ".secret"), text(o, "to", at + ".to"),
                    text(o, "subject", at + ".subject"), text(o, "text", at + ".text"), text(o, "html", at + ".html")));
        }
        return out;
    }

    private static void knownKeys(JsonNode o, Set<String> allowed, String prefix) {
        for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!allowed.contains(k)) {
                // A key can be as long as the body: echo enough of it to recognise.
                String shown = k.length() <= 64 ? k : k.substring(0, Character.isHighSurrogate(k.charAt(63)) ? 63 : 64) + "...";
                throw invalid("Unknown member '" + prefix + shown + "'. Known here: " + String.join(", ", new TreeSet<>(allowed)),
                        prefix + shown);
            }
        }
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> out = new TreeSet<>(a);
        out.addAll(b);
        return out;
    }
}
