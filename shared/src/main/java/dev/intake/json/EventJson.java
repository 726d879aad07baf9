package dev.intake.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.intake.domain.DomainEvent;
import dev.intake.domain.EventTracked;
import dev.intake.domain.FormSubmitted;
import dev.intake.domain.Source;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** The wire envelopes of {@code form.submitted} and {@code event.tracked} on SQS. */
public final class EventJson {
    private EventJson() {}

    public static String type(DomainEvent e) {
        return e.type();
    }

    public static String write(DomainEvent event) {
        return switch (event) {
            case FormSubmitted f -> write(f);
            case EventTracked t -> write(t);
        };
    }

    private static String write(EventTracked e) {
        ObjectNode o = Json.object();
        o.put("type", EventTracked.TYPE);
        o.put("id", e.eventId());
        o.put("workspace_id", e.workspaceId());
        o.put("person_id", e.personId());
        o.put("user_id", e.userId());
        o.put("name", e.name());
        o.set("properties", Json.valuesNode(e.properties()));
        o.put("timestamp", e.timestamp().toString());
        return Json.write(o);
    }

    private static String write(FormSubmitted e) {
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
    public static DomainEvent read(String body) {
        JsonNode o;
        if (body == null) throw new IllegalArgumentException("event body is missing");
        try {
            o = Json.readTree(body);
        } catch (IOException e) {
            throw new IllegalArgumentException("event body is not JSON", e);
        }
        String type = o == null ? null : Json.text(o, "type");
        if (EventTracked.TYPE.equals(type)) {
            try {
                return new EventTracked(req(o, "id"), req(o, "workspace_id"), Json.text(o, "person_id"), Json.text(o, "user_id"),
                        req(o, "name"), values(o.get("properties")), Instant.parse(req(o, "timestamp")));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("malformed " + EventTracked.TYPE + " event: " + e.getMessage(), e);
            }
        }
        if (!FormSubmitted.TYPE.equals(type)) throw new IllegalArgumentException("not a known event type: " + type);
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
        if (o != null) o.fields().forEachRemaining(e -> out.put(e.getKey(), Json.plain(e.getValue())));
        return out;
    }

}
