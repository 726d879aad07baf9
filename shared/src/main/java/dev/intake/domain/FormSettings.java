package dev.intake.domain;

import java.util.List;

/**
 * Per-form behaviour: where the visitor goes after submitting, which origins may post from a browser,
 * which redirect hosts are allowed, the honeypot field that silently drops bots, and an optional CAPTCHA.
 */
public record FormSettings(String redirectUrl, String successMessage, List<String> allowedOrigins,
                           List<String> redirectHosts, String honeypotField, CaptchaSettings captcha) {
    /** The honeypot field of a form that names none: the name Formspree and Basin users already know. */
    public static final String DEFAULT_HONEYPOT = "_gotcha";

    public static final FormSettings DEFAULT = new FormSettings(null, null, List.of(), List.of(), null, null);

    public FormSettings {
        allowedOrigins = allowedOrigins == null ? List.of() : List.copyOf(allowedOrigins);
        redirectHosts = redirectHosts == null ? List.of() : List.copyOf(redirectHosts);
    }

    /** The honeypot field's name: the configured one, else {@value #DEFAULT_HONEYPOT}. */
    public String honeypot() {
        return honeypotField == null || honeypotField.isBlank() ? DEFAULT_HONEYPOT : honeypotField;
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
