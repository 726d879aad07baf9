package dev.intake.json;

import com.fasterxml.jackson.databind.JsonNode;
import dev.intake.domain.IntakeException;
import java.util.List;

/** Typed reads of optional members of a request body; a member of the wrong type is a 400 naming its path. */
final class BodyFields {
    private BodyFields() {}

    /** The string at {@code key}, or null when absent or null. */
    static String text(JsonNode o, String key) {
        return text(o, key, key);
    }

    /** The string at {@code key}, or null when absent or null; {@code path} names it in the error. */
    static String text(JsonNode o, String key, String path) {
        JsonNode n = o.get(key);
        if (n == null || n.isNull()) return null;
        if (!n.isTextual()) throw invalid("'" + path + "' must be a string", path);
        return n.textValue();
    }

    /** The boolean at {@code key}, or null when absent or null. */
    static Boolean bool(JsonNode o, String key) {
        JsonNode n = o.get(key);
        if (n == null || n.isNull()) return null;
        if (!n.isBoolean()) throw invalid("'" + key + "' must be true or false", key);
        return n.booleanValue();
    }

    static IntakeException.Invalid invalid(String message, String field) {
        return new IntakeException.Invalid("invalid_body", message, List.of(field));
    }
}
