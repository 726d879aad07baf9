package dev.intake.domain;

import java.util.List;

/**
 * One input of a form. {@code attribute} is the person attribute the value is applied to; it defaults to
 * the field's name, so a field named {@code email} or {@code id} maps to that identifier on its own.
 */
public record Field(String id, String name, FieldType type, String label, boolean required,
                    List<String> options, String placeholder, String attribute) {
    public Field {
        options = options == null ? List.of() : List.copyOf(options);
        attribute = attribute == null || attribute.isBlank() ? name : attribute;
        type = type == null ? FieldType.TEXT : type;
    }

    /** A field learned from a submitted name, with no declared type. */
    /** Whether {@code key} has the shape of a generated field id. */
    public static boolean looksLikeId(String key) {
        return key.startsWith("fld_") && key.length() == 12 && key.substring(4).chars().allMatch(Character::isLetterOrDigit);
    }

    public static Field learned(String name) {
        return new Field(Ids.field(), name, FieldType.TEXT, name, false, List.of(), null, name);
    }
}
