package dev.intake.json;

import static dev.intake.json.BodyFields.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.intake.application.ManageForms.FieldDraft;
import dev.intake.application.ManageForms.FormDraft;
import dev.intake.application.ManageForms.FormPatch;
import dev.intake.application.ManageForms.FormView;
import dev.intake.domain.CaptchaSettings;
import dev.intake.domain.Field;
import dev.intake.domain.FieldType;
import dev.intake.domain.Form;
import dev.intake.domain.FormSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The JSON shape of forms, fields and settings: the API's, which is also how they are stored. */
public final class FormJson {
    private static final Set<String> SETTINGS_KEYS =
            Set.of("redirectUrl", "successMessage", "allowedOrigins", "redirectHosts", "honeypotField", "captcha");

    private FormJson() {}

    public static ObjectNode view(FormView view) {
        Form f = view.form();
        ObjectNode o = Json.object();
        o.put("id", f.id());
        o.put("name", f.name());
        o.set("fields", fields(f.fields()));
        o.put("doubleOptIn", f.doubleOptIn());
        o.set("settings", settings(f.settings()));
        o.put("status", f.status().name().toLowerCase(Locale.ROOT));
        o.putObject("_count").put("submissions", view.submissions());
        o.put("createdAt", f.createdAt().toString());
        o.put("updatedAt", f.updatedAt().toString());
        return o;
    }

    public static ArrayNode fields(List<Field> fields) {
        ArrayNode a = Json.array();
        for (Field f : fields) {
            ObjectNode o = a.addObject();
            o.put("id", f.id());
            o.put("name", f.name());
            o.put("type", f.type().wireName());
            o.put("label", f.label());
            o.put("required", f.required());
            if (!f.options().isEmpty()) {
                ArrayNode opts = o.putArray("options");
                f.options().forEach(opts::add);
            }
            if (f.placeholder() != null) o.put("placeholder", f.placeholder());
            o.put("attribute", f.attribute());
        }
        return a;
    }

    public static List<Field> parseStoredFields(JsonNode a) {
        List<Field> out = new ArrayList<>();
        for (JsonNode o : a) {
            out.add(new Field(Json.text(o, "id"), Json.text(o, "name"), FieldType.parse(Json.text(o, "type")),
                    Json.text(o, "label"), o.path("required").asBoolean(false), strings(o.get("options"), "options"),
                    Json.text(o, "placeholder"), Json.text(o, "attribute")));
        }
        return out;
    }

    public static ObjectNode settings(FormSettings s) {
        ObjectNode o = Json.object();
        if (s.redirectUrl() != null) o.put("redirectUrl", s.redirectUrl());
        if (s.successMessage() != null) o.put("successMessage", s.successMessage());
        if (!s.allowedOrigins().isEmpty()) s.allowedOrigins().forEach(o.putArray("allowedOrigins")::add);
        if (!s.redirectHosts().isEmpty()) s.redirectHosts().forEach(o.putArray("redirectHosts")::add);
        if (s.honeypotField() != null) o.put("honeypotField", s.honeypotField());
        if (s.captcha() != null) o.putObject("captcha").put("provider", s.captcha().provider().wireName());
        return o;
    }

    /** Settings as stored: the view's, plus the CAPTCHA secret, which the API never returns. */
    public static ObjectNode storedSettings(FormSettings s) {
        ObjectNode o = settings(s);
        if (s.captcha() != null && s.captcha().secret() != null) ((ObjectNode) o.get("captcha")).put("secret", s.captcha().secret());
        return o;
    }

    public static FormSettings parseSettings(JsonNode o) {
        if (o == null || o.isNull()) return null;
        if (!o.isObject()) throw invalid("'settings' must be an object", "settings");
        o.fieldNames().forEachRemaining(k -> {
            if (!SETTINGS_KEYS.contains(k)) {
                throw invalid("Unknown setting '" + k + "'. Known settings: " + String.join(", ", SETTINGS_KEYS.stream().sorted().toList()), "settings." + k);
            }
        });
        return new FormSettings(text(o, "redirectUrl"), text(o, "successMessage"),
                strings(o.get("allowedOrigins"), "settings.allowedOrigins"),
                strings(o.get("redirectHosts"), "settings.redirectHosts"), text(o, "honeypotField"),
                captcha(o.get("captcha")));
    }

    /** {@code {"provider":"turnstile|hcaptcha|recaptcha","secret":"…"}}; the secret may be left out on a PATCH. */
    private static CaptchaSettings captcha(JsonNode o) {
        if (o == null || o.isNull()) return null;
        if (!o.isObject()) throw invalid("'settings.captcha' must be an object", "settings.captcha");
        String provider = text(o, "provider");
        if (provider == null) throw invalid("'settings.captcha.provider' is required", "settings.captcha.provider");
        return new CaptchaSettings(CaptchaSettings.Provider.parse(provider), text(o, "secret"));
    }

    /** The longest form name, in characters: the same as a campaign's or a workspace's. */
    public static final int MAX_NAME = 200;

    private static String name(JsonNode body) {
        String name = text(body, "name");
        if (name != null && name.strip().length() > MAX_NAME) {
            throw new dev.intake.domain.IntakeException.Invalid("invalid_name", "'name' is longer than " + MAX_NAME + " characters",
                    List.of("name"));
        }
        return name;
    }

    public static FormDraft parseDraft(JsonNode body) {
        return new FormDraft(name(body), drafts(body.get("fields")), parseSettings(body.get("settings")),
                bool(body, "doubleOptIn"));
    }

    public static FormPatch parsePatch(JsonNode body) {
        return new FormPatch(name(body), drafts(body.get("fields")), parseSettings(body.get("settings")),
                bool(body, "doubleOptIn"));
    }

    private static List<FieldDraft> drafts(JsonNode a) {
        if (a == null || a.isNull()) return null;
        if (!a.isArray()) throw invalid("'fields' must be an array of field objects", "fields");
        List<FieldDraft> out = new ArrayList<>();
        for (JsonNode o : a) {
            if (!o.isObject()) throw invalid("Each entry of 'fields' must be an object", "fields");
            out.add(new FieldDraft(text(o, "id"), text(o, "name"), text(o, "type"), text(o, "label"),
                    bool(o, "required"), o.has("options") ? strings(o.get("options"), "options") : null,
                    text(o, "placeholder"), text(o, "attribute")));
        }
        return out;
    }
    private static List<String> strings(JsonNode a, String name) {
        if (a == null || a.isNull()) return List.of();
        if (!a.isArray()) throw invalid("'" + name + "' must be an array of strings", name);
        List<String> out = new ArrayList<>();
        for (JsonNode n : a) {
            if (!n.isTextual()) throw invalid("'" + name + "' must be an array of strings", name);
            out.add(n.textValue());
        }
        return out;
    }
}
