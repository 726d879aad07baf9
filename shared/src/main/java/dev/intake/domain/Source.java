package dev.intake.domain;

import java.util.Locale;

/** Where a submission came from. */
public enum Source {
    API, FORM, ACTION, TRACK;

    public String wireName() { return name().toLowerCase(Locale.ROOT); }

    public static Source parse(String s) { return valueOf(s.toUpperCase(Locale.ROOT)); }
}
