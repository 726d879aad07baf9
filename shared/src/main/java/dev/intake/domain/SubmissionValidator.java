package dev.intake.domain;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Checks submitted values against a form's fields and keys them by field id. Keys may be field ids or
 * field names; names the form has not seen are learned as new text fields (a field cannot be disabled:
 * whatever is sent is kept), except names shaped like a field id ({@code fld_…}), which are rejected.
 */
public final class SubmissionValidator {
    public static final int MAX_VALUE_BYTES = 10 * 1024;
    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");

    /** The outcome: values keyed by field id, and the fields learned from unknown names. */
    public record Result(Map<String, Object> data, List<Field> learned) {}

    private SubmissionValidator() {}

    public static Result validate(Form form, Map<String, Object> raw) {
        if (raw.size() > Form.MAX_FIELDS) {
            throw new IntakeException.Invalid("too_many_fields",
                    "A submission may have at most " + Form.MAX_FIELDS + " fields; this one has " + raw.size());
        }
        Map<String, Object> data = new LinkedHashMap<>();
        List<Field> learned = new ArrayList<>();
        List<String> invalid = new ArrayList<>();
        List<String> reasons = new ArrayList<>();
        List<String> unknown = new ArrayList<>();

        for (var entry : raw.entrySet()) {
            Field field = form.field(entry.getKey()).orElse(null);
            boolean isNew = field == null;
            if (isNew && Field.looksLikeId(entry.getKey())) {
                // A field id the form does not have is a caller's mistake, not a field to learn.
                unknown.add(entry.getKey());
                continue;
            }
            if (isNew) field = Field.learned(entry.getKey());
            checkShape(entry.getKey(), entry.getValue());
            try {
                Object value = coerce(field, entry.getValue());
                if (value != null) {
                    data.put(field.id(), value);
                    if (isNew) learned.add(field);
                }
            } catch (IllegalArgumentException e) {
                invalid.add(field.name());
                reasons.add(field.name() + ": " + e.getMessage());
            }
        }
        if (!unknown.isEmpty()) {
            throw new IntakeException.Invalid("unknown_fields",
                    "This form has no field with id " + String.join(", ", unknown) + "; send keys that are its field ids or names",
                    unknown);
        }
        if (form.fields().size() + learned.size() > Form.MAX_FIELDS) {
            throw new IntakeException.Invalid("too_many_fields",
                    "This form would have more than " + Form.MAX_FIELDS + " fields");
        }
        List<String> missing = new ArrayList<>();
        for (Field f : form.fields()) {
            if (f.required() && !data.containsKey(f.id()) && !invalid.contains(f.name())) missing.add(f.name());
        }
        if (!missing.isEmpty()) {
            List<String> named = new ArrayList<>(missing);
            invalid.stream().filter(n -> !named.contains(n)).forEach(named::add);
            String message = "Missing required fields: " + String.join(", ", missing)
                    + (reasons.isEmpty() ? "" : ". Invalid values: " + String.join("; ", reasons));
            throw new IntakeException.Invalid("missing_required_fields", message, named);
        }
        if (!invalid.isEmpty()) {
            throw new IntakeException.Invalid("invalid_field_values",
                    "Invalid values: " + String.join("; ", reasons), invalid);
        }
        return new Result(data, learned);
    }

    private static void checkShape(String key, Object value) {
        if (value instanceof String s && utf8Length(s) > MAX_VALUE_BYTES) {
            throw new IntakeException.TooLarge("Field '" + key + "' is longer than " + MAX_VALUE_BYTES + " bytes");
        }
        if (value instanceof BigDecimal n && !storable(n)) {
            throw new IntakeException.Invalid("invalid_field_values",
                    "Field '" + key + "': numbers may have at most 38 digits and a magnitude between 1E-130 and 1E+125", List.of(key));
        }
        if (value instanceof List<?> list) {
            int total = 0;
            for (Object o : list) {
                if (!(o instanceof String s)) {
                    throw new IntakeException.Invalid("invalid_field_values",
                            "Field '" + key + "': a list may only hold strings", List.of(key));
                }
                total += utf8Length(s);
            }
            if (total > MAX_VALUE_BYTES) {
                throw new IntakeException.TooLarge("Field '" + key + "' is longer than " + MAX_VALUE_BYTES + " bytes");
            }
        } else if (value != null && !(value instanceof String) && !(value instanceof BigDecimal) && !(value instanceof Boolean)) {
            throw new IntakeException.Invalid("invalid_field_values",
                    "Field '" + key + "' must be a string, a number, a boolean or a list of strings", List.of(key));
        }
    }

    /** DynamoDB numbers: up to 38 significant digits, magnitude 1E-130 to 1E+125. */
    public static boolean storable(BigDecimal n) {
        if (n.signum() == 0) return true;
        long exponent = (long) n.precision() - n.scale() - 1;
        return n.stripTrailingZeros().precision() <= 38 && exponent >= -130 && exponent <= 125;
    }

    private static int utf8Length(String s) {
        if ((long) s.length() * 3 <= MAX_VALUE_BYTES) return s.length();
        int bytes = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) bytes += 1;
            else if (c < 0x800) bytes += 2;
            else if (Character.isHighSurrogate(c)) { bytes += 4; i++; }
            else bytes += 3;
        }
        return bytes;
    }

    /** Returns the stored value, or null when the value is empty (an empty string or list counts as absent). */
    private static Object coerce(Field field, Object value) {
        if (value == null) return null;
        if (value instanceof String s && s.isBlank()) return null;
        if (value instanceof List<?> l && l.isEmpty()) return null;
        return switch (field.type()) {
            case EMAIL -> {
                String s = single(value).trim();
                if (!EMAIL.matcher(s).matches()) throw new IllegalArgumentException("not a valid email address");
                yield s;
            }
            case NUMBER -> {
                if (value instanceof BigDecimal n) yield n;
                try {
                    yield new BigDecimal(single(value).trim());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("not a number");
                }
            }
            case SELECT, RADIO -> {
                String s = single(value);
                if (!field.options().isEmpty() && !field.options().contains(s)) {
                    throw new IllegalArgumentException("'" + s + "' is not one of " + field.options());
                }
                yield s;
            }
            case CHECKBOX -> checkbox(field, value);
            // A number sent as a person's id is the same id however it is written: 42, 42.0 and 4.2E1 are "42".
            default -> value instanceof BigDecimal n && field.attribute().equals("id") ? n.stripTrailingZeros().toPlainString()
                    : value instanceof List<?> || value instanceof String ? value : single(value);
        };
    }

    private static Object checkbox(Field field, Object value) {
        if (field.options().isEmpty()) {
            if (value instanceof Boolean b) return b;
            String s = single(value).trim().toLowerCase();
            return switch (s) {
                case "true", "on", "yes", "1" -> Boolean.TRUE;
                case "false", "off", "no", "0" -> Boolean.FALSE;
                default -> throw new IllegalArgumentException("not a checkbox value");
            };
        }
        List<String> values = new ArrayList<>();
        if (value instanceof List<?> l) {
            for (Object o : l) values.add((String) o);
        } else {
            values.add(single(value));
        }
        for (String v : values) {
            if (!field.options().contains(v)) throw new IllegalArgumentException("'" + v + "' is not one of " + field.options());
        }
        return List.copyOf(values);
    }

    private static String single(Object value) {
        if (value instanceof List<?>) throw new IllegalArgumentException("expected a single value, not a list");
        if (value instanceof BigDecimal n) return n.toPlainString();
        return String.valueOf(value);
    }
}
