package dev.intake.config;

/** Reads a setting from the environment, falling back to a system property of the same name. */
public final class Env {
    private Env() {}

    public static String get(String name) {
        String v = System.getenv(name);
        if (v == null || v.isBlank()) v = System.getProperty(name);
        return v == null || v.isBlank() ? null : v;
    }

    public static String get(String name, String fallback) {
        String v = get(name);
        return v == null ? fallback : v;
    }
}
