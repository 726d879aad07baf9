package dev.intake.config;

import dev.intake.adapter.mail.SmtpMailer;
import java.net.URI;
import java.time.Duration;

/**
 * Where Intake's resources are, and its few deployment-wide settings. In Lambda every value comes from the
 * function's environment, which {@code template.yaml} sets; the local stack builds one directly.
 *
 * @param dynamoEndpoint an endpoint override for DynamoDB (an emulator), or null for AWS itself
 * @param sqsEndpoint an endpoint override for SQS, or null for AWS itself
 * @param signingSecret key material for signed links (double opt-in); {@code INTAKE_SIGNING_SECRET}
 * @param publicUrl the API's public base URL, for links in messages; {@code INTAKE_PUBLIC_URL}
 * @param captchaVerifyUrl replaces every CAPTCHA provider's verify URL; {@code INTAKE_CAPTCHA_VERIFY_URL}
 * @param delivery how campaign actions reach people and receivers
 * @param usagePlanId the API Gateway usage plan that meters management API keys; {@code INTAKE_USAGE_PLAN_ID}.
 *     Null where there is no API Gateway (the local stack, tests): usage keys are then only made up.
 */
public record IntakeConfig(String region, URI dynamoEndpoint, URI sqsEndpoint, Tables tables, String eventsQueueUrl,
                           String signingSecret, String publicUrl, String captchaVerifyUrl, Delivery delivery,
                           String usagePlanId) {

    /** Table names, one per kind of record; see docs/architecture.md. */
    public record Tables(String workspaces, String forms, String submissions, String people, String campaigns,
                         String guards) {}

    /**
     * How campaigns deliver.
     *
     * @param mailFrom the sender of every e-mail; {@code INTAKE_MAIL_FROM}
     * @param smtp the SMTP server; {@code INTAKE_SMTP_*}, see {@link SmtpMailer.SmtpSettings#fromEnvironment()}
     * @param webhooksAllowPrivate let webhooks reach private, loopback and link-local addresses;
     *     {@code INTAKE_WEBHOOKS_ALLOW_PRIVATE}, false unless set (the local stack sets it)
     * @param retryBase the first retry backoff, doubled on each later receive; {@code INTAKE_RETRY_BASE_SECONDS} (30)
     * @param maxReceives the events queue's {@code maxReceiveCount}; {@code INTAKE_MAX_RECEIVES} (8)
     */
    public record Delivery(String mailFrom, SmtpMailer.SmtpSettings smtp, boolean webhooksAllowPrivate, Duration retryBase,
                           int maxReceives) {
        public static Delivery fromEnvironment() {
            return new Delivery(Env.get("INTAKE_MAIL_FROM", "no-reply@localhost"), SmtpMailer.SmtpSettings.fromEnvironment(),
                    Boolean.parseBoolean(Env.get("INTAKE_WEBHOOKS_ALLOW_PRIVATE", "false")),
                    Duration.ofSeconds(Long.parseLong(Env.get("INTAKE_RETRY_BASE_SECONDS", "30"))),
                    Integer.parseInt(Env.get("INTAKE_MAX_RECEIVES", "8")));
        }
    }

    /** Resources as given, settings from the environment. */
    public IntakeConfig(String region, URI dynamoEndpoint, URI sqsEndpoint, Tables tables, String eventsQueueUrl) {
        this(region, dynamoEndpoint, sqsEndpoint, tables, eventsQueueUrl, Env.get("INTAKE_SIGNING_SECRET"),
                Env.get("INTAKE_PUBLIC_URL", "http://127.0.0.1:3000"), Env.get("INTAKE_CAPTCHA_VERIFY_URL"),
                Delivery.fromEnvironment(), Env.get("INTAKE_USAGE_PLAN_ID"));
    }

    public IntakeConfig withSettings(String signingSecret, String publicUrl, Delivery delivery) {
        return new IntakeConfig(region, dynamoEndpoint, sqsEndpoint, tables, eventsQueueUrl, signingSecret, publicUrl,
                captchaVerifyUrl, delivery, usagePlanId);
    }

    public IntakeConfig withUsagePlanId(String usagePlanId) {
        return new IntakeConfig(region, dynamoEndpoint, sqsEndpoint, tables, eventsQueueUrl, signingSecret, publicUrl,
                captchaVerifyUrl, delivery, usagePlanId);
    }

    public static IntakeConfig fromEnvironment() {
        String shared = Env.get("AWS_ENDPOINT_URL");
        String dynamo = Env.get("INTAKE_DYNAMODB_ENDPOINT", shared);
        String sqs = Env.get("INTAKE_SQS_ENDPOINT", shared);
        return new IntakeConfig(
                Env.get("AWS_REGION", "us-east-1"),
                dynamo == null ? null : URI.create(dynamo),
                sqs == null ? null : URI.create(sqs),
                new Tables(
                        Env.get("WORKSPACES_TABLE", "WorkspacesTable"),
                        Env.get("FORMS_TABLE", "FormsTable"),
                        Env.get("SUBMISSIONS_TABLE", "SubmissionsTable"),
                        Env.get("PEOPLE_TABLE", "PeopleTable"),
                        Env.get("CAMPAIGNS_TABLE", "CampaignsTable"),
                        Env.get("GUARDS_TABLE", "GuardsTable")),
                Env.get("EVENTS_QUEUE_URL"));
    }
}
