package dev.intake.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.intake.domain.FormSubmitted;
import dev.intake.domain.Source;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** The wire envelope of {@code form.submitted} on SQS. */
public final class EventJson {
    private EventJson() {}

    public static String write(FormSubmitted e) {
        ObjectNode o = Json.object();
        o.put("type", FormSubmitted.TYPE);
        o.put("id", e.eventId());
        o.put("workspace_id", e.workspaceId());
        o.put("form_id", e.formId());
        o.put("submission_id", e.submissionId());
        o.put("person_id", e.personId());
        o.set("data", Json.valuesNode(e.data()));
        o.set("attributes", Json.valuesNode(e.attributes()));
        o.put("source", e.source().wireName());
        o.put("submitted_at", e.submittedAt().toString());
        o.put("confirmation_required", e.confirmationRequired());
        return Json.write(o);
    }

    /** Parses an envelope; throws {@link IllegalArgumentException} for anything that is not one. */
    public static FormSubmitted read(String body) {
        JsonNode o;
        try {
            o = Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new IllegalArgumentException("event body is not JSON", e);
        }
        if (o == null || !FormSubmitted.TYPE.equals(Json.text(o, "type"))) {
            throw new IllegalArgumentException("not a " + FormSubmitted.TYPE + " event");
        }
        try {
            return new FormSubmitted(req(o, "id"), req(o, "workspace_id"), req(o, "form_id"), req(o, "submission_id"),
                    Json.text(o, "person_id"), values(o.get("data")), values(o.get("attributes")),
                    Source.parse(req(o, "source")), Instant.parse(req(o, "submitted_at")),
                    o.path("confirmation_required").asBoolean(false));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("malformed " + FormSubmitted.TYPE + " event: " + e.getMessage(), e);
        }
    }

    private static String req(JsonNode o, String field) {
        String v = Json.text(o, field);
        if (v == null) throw new IllegalArgumentException("missing " + field);
        return v;
    }

    private static Map<String, Object> values(JsonNode o) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (o != null) o.fields().forEachRemaining(e -> out.put(e.getKey(), Json.value(e.getValue())));
        return out;
    }

}
