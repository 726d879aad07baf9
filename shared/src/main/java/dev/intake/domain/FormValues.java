package dev.intake.domain;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A submission's values keyed by field name and by person attribute, and the identifiers among them: the
 * e-mail (trimmed, lower-cased) and the {@code id}.
 */
public record FormValues(Map<String, Object> byName, Map<String, Object> byAttribute, String email, String externalId) {

    /**
     * Reads {@code data} (keyed by field id) through {@code form}'s fields. Values of fields the form no longer
     * has are kept under their field id. Throws {@code Invalid} when the {@code id} value is not an identifier.
     */
    public static FormValues of(Form form, Map<String, Object> data) {
        Map<String, Object> byName = new LinkedHashMap<>();
        Map<String, Object> byAttribute = new LinkedHashMap<>();
        String email = null;
        String externalId = null;
        for (var e : data.entrySet()) {
            Field f = form.field(e.getKey()).orElse(null);
            if (f == null) {
                byName.put(e.getKey(), e.getValue());
                continue;
            }
            byName.put(f.name(), e.getValue());
            byAttribute.put(f.attribute(), e.getValue());
            if (f.attribute().equals("email") && e.getValue() instanceof String s) email = s.trim().toLowerCase(Locale.ROOT);
            else if (f.attribute().equals("id")) externalId = identifier(f, e.getValue());
        }
        return new FormValues(byName, byAttribute, email, externalId);
    }

    /** The person these values reach: by {@code id} when there is one, else by e-mail; null when neither. */
    public String personId(String workspaceId) {
        return externalId != null ? Ids.person(workspaceId, "id", externalId)
                : email != null ? Ids.person(workspaceId, "email", email) : null;
    }

    /** An {@code id} identifier: a string or a number (42 and 42.0 are one person); never a list or a boolean. */
    private static String identifier(Field f, Object value) {
        if (value instanceof BigDecimal n) return n.stripTrailingZeros().toPlainString();
        if (value instanceof String s && !s.isBlank()) return s.trim();
        throw new IntakeException.Invalid("invalid_identifier",
                "Field '" + f.name() + "' maps to 'id', so it must be a string or a number", List.of(f.name()));
    }
}
