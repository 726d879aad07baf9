package dev.intake.domain;

/**
 * What a campaign does for each event it matches. Every action runs at most once per (campaign, event):
 * the delivery record tracks each action's result, so a retry runs only the actions that have not succeeded.
 */
public sealed interface CampaignAction {
    String type();

    /**
     * POSTs the event JSON to {@code url}, signed with {@code secret} in the {@code Intake-Signature} header
     * (see docs/webhooks.md).
     */
    record Webhook(String url, String secret) implements CampaignAction {
        public static final String TYPE = "webhook";

        @Override
        public String type() { return TYPE; }
    }

    /**
     * Sends an e-mail over SMTP. {@code to}, {@code subject}, {@code text} and {@code html} are
     * {@link MessageTemplate}s over {@code person}, {@code data}, {@code event}, {@code form} and {@code campaign};
     * values placed in {@code html} are HTML-escaped. At least one of {@code text} and {@code html} is set.
     */
    record Email(String to, String subject, String text, String html) implements CampaignAction {
        public static final String TYPE = "email";

        @Override
        public String type() { return TYPE; }
    }
}
