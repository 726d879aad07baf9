package dev.intake.domain;

import java.util.List;

/**
 * Per-form behaviour: where the visitor goes after submitting, which origins may post from a browser,
 * which redirect hosts are allowed, and the honeypot field that silently drops bots.
 */
public record FormSettings(String redirectUrl, String successMessage, List<String> allowedOrigins,
                           List<String> redirectHosts, String honeypotField) {
    public static final FormSettings DEFAULT = new FormSettings(null, null, List.of(), List.of(), null);

    public FormSettings {
        allowedOrigins = allowedOrigins == null ? List.of() : List.copyOf(allowedOrigins);
        redirectHosts = redirectHosts == null ? List.of() : List.copyOf(redirectHosts);
    }

    /** An origin may post when the form lists none, or lists it (or {@code *}). */
    public boolean allowsOrigin(String origin) {
        return allowedOrigins.isEmpty() || allowedOrigins.contains("*") || allowedOrigins.contains(origin);
    }
}
