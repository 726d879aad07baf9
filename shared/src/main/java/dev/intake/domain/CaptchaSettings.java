package dev.intake.domain;

import java.util.List;
import java.util.Locale;

/**
 * A form's CAPTCHA: the provider and the secret Intake verifies tokens with. The secret is the
 * provider's server-side key; it is never returned by the API.
 */
public record CaptchaSettings(Provider provider, String secret) {
    /** The supported providers, with the form field each one's widget posts its token in. */
    public enum Provider {
        TURNSTILE("cf-turnstile-response", "https://challenges.cloudflare.com/turnstile/v0/siteverify"),
        HCAPTCHA("h-captcha-response", "https://api.hcaptcha.com/siteverify"),
        RECAPTCHA("g-recaptcha-response", "https://www.google.com/recaptcha/api/siteverify");

        private final String tokenField;
        private final String verifyUrl;

        Provider(String tokenField, String verifyUrl) {
            this.tokenField = tokenField;
            this.verifyUrl = verifyUrl;
        }

        public String tokenField() { return tokenField; }

        public String defaultVerifyUrl() { return verifyUrl; }

        public String wireName() { return name().toLowerCase(Locale.ROOT); }

        public static Provider parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (RuntimeException e) {
                throw new IntakeException.Invalid("invalid_captcha",
                        "Unknown CAPTCHA provider '" + s + "'. Use turnstile, hcaptcha or recaptcha", List.of("settings.captcha.provider"));
            }
        }
    }

    /** Every provider's token field: these are control fields, never stored as submission data. */
    public static final List<String> TOKEN_FIELDS =
            List.of(Provider.TURNSTILE.tokenField, Provider.HCAPTCHA.tokenField, Provider.RECAPTCHA.tokenField);
}
