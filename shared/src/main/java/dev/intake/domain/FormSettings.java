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

    /** Refuses a browser post from an origin the form does not list; requests without an Origin pass. */
    public void requireOrigin(String origin) {
        if (origin != null && !allowsOrigin(origin)) {
            throw new IntakeException.Forbidden("origin_not_allowed", "This form does not accept submissions from " + origin);
        }
    }
}
