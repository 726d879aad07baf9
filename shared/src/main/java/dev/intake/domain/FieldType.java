package dev.intake.domain;

import java.util.Locale;

/** The input types a form field can have; they decide how a submitted value is checked and stored. */
public enum FieldType {
    TEXT, EMAIL, NUMBER, SELECT, RADIO, CHECKBOX, TEXTAREA, TEL, URL, DATE, HIDDEN;

    public String wireName() { return name().toLowerCase(Locale.ROOT); }

    public static FieldType parse(String s) {
        if (s == null) return TEXT;
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IntakeException.Invalid("invalid_field_type",
                    "Unknown field type '" + s + "'. Use one of: text, email, number, select, radio, checkbox, textarea, tel, url, date, hidden");
        }
    }
}
