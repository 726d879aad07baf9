package dev.intake.config;

import dev.intake.adapter.aws.AwsClients;
import dev.intake.adapter.dynamodb.DynamoCampaignStore;
import dev.intake.adapter.dynamodb.DynamoFormStore;
import dev.intake.adapter.dynamodb.DynamoGuardStore;
import dev.intake.adapter.dynamodb.DynamoDeliveryStore;
import dev.intake.adapter.mail.SmtpMailer;
import dev.intake.adapter.cache.RecentCampaigns;
import dev.intake.adapter.cache.RecentForms;
import dev.intake.adapter.sqs.SqsRetries;
import dev.intake.adapter.web.HttpWebhookSender;
import dev.intake.adapter.web.TargetPolicy;
import dev.intake.adapter.web.HttpCaptchaVerifier;
import dev.intake.adapter.dynamodb.DynamoPersonStore;
import dev.intake.adapter.dynamodb.DynamoSubmissionStore;
import dev.intake.adapter.dynamodb.DynamoWorkspaceStore;
import dev.intake.adapter.sqs.SqsEventPublisher;
import dev.intake.application.Authenticator;
import dev.intake.application.ConfirmConsent;
import dev.intake.application.ConsentTokens;
import dev.intake.application.CreateWorkspace;
import dev.intake.application.ManageForms;
import dev.intake.application.ManageKeys;
import dev.intake.application.ManagePeople;
import dev.intake.application.ManageSubmissions;
import dev.intake.application.SubmitForm;
import dev.intake.application.Track;
import dev.intake.application.RelaySubmissions;
import dev.intake.application.TriggerCampaigns;
import dev.intake.application.port.CampaignStore;
import dev.intake.application.port.CaptchaVerifier;
import dev.intake.application.port.DeliveryStore;
import dev.intake.application.port.Mailer;
import dev.intake.application.port.WebhookSender;
import dev.intake.application.port.IdempotencyStore;
import dev.intake.application.port.RateLimiter;
import dev.intake.application.port.EventPublisher;
import dev.intake.application.port.FormStore;
import dev.intake.application.port.PersonStore;
import dev.intake.application.port.SubmissionStore;
import dev.intake.application.port.UsageKeys;
import dev.intake.application.port.WorkspaceStore;
import dev.intake.http.Idempotency;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Supplier;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The composition root: adapters wired into use cases. Lambda handlers use {@link #get()}, built once per
 * container from the environment; the local stack and tests build their own with {@link #create}.
 */
public final class Services {
    private static volatile Services instance;

    public final IntakeConfig config;
    public final Clock clock;
    public final WorkspaceStore workspaces;
    public final FormStore forms;
    public final SubmissionStore submissions;
    public final PersonStore people;
    public final CampaignStore campaigns;
    public final DeliveryStore deliveries;
    public final EventPublisher events;
    public final UsageKeys usageKeys;

    public final Authenticator authenticator;
    public final CreateWorkspace createWorkspace;
    public final ManageKeys manageKeys;
    public final ManageForms manageForms;
    public final ManageSubmissions manageSubmissions;
    public final dev.intake.application.ManageCampaigns manageCampaigns;
    public final ManagePeople managePeople;
    public final Track track;
    public final SubmitForm submitForm;
    public final RelaySubmissions relaySubmissions;
    public final TriggerCampaigns triggerCampaigns;
    public final ConsentTokens consentTokens;
    public final ConfirmConsent confirmConsent;
    public final Idempotency idempotency;

    private final Supplier<SqsClient> sqs;

    /** The stores that guard requests: rate limits and idempotency keys. */
    public record Guards(RateLimiter rateLimiter, IdempotencyStore idempotency) {}

    /** Where campaign actions go out: webhooks and e-mail. */
    public record Outbound(WebhookSender webhooks, Mailer mailer) {}

    public Services(IntakeConfig config, Clock clock, WorkspaceStore workspaces, FormStore forms,
                    SubmissionStore submissions, PersonStore people, CampaignStore campaigns, DeliveryStore deliveries,
                    EventPublisher events, Guards guards, CaptchaVerifier captcha, Outbound outbound,
                    UsageKeys usageKeys, Supplier<SqsClient> sqs) {
        this.config = config;
        this.clock = clock;
        this.workspaces = workspaces;
        this.forms = forms;
        this.submissions = submissions;
        this.people = people;
        this.campaigns = campaigns;
        this.deliveries = deliveries;
        this.events = events;
        this.usageKeys = usageKeys;
        this.sqs = sqs;
        this.authenticator = new Authenticator(workspaces);
        this.createWorkspace = new CreateWorkspace(workspaces, usageKeys, clock);
        this.manageKeys = new ManageKeys(workspaces, usageKeys, clock);
        this.manageForms = new ManageForms(forms, clock);
        this.submitForm = new SubmitForm(forms, submissions, people, guards.rateLimiter(), captcha, clock);
        byte[] secret = config.signingSecret() == null ? null : config.signingSecret().getBytes(StandardCharsets.UTF_8);
        this.consentTokens = new ConsentTokens(secret);
        this.manageSubmissions = new ManageSubmissions(manageForms, forms, submissions, submitForm, secret);
        this.managePeople = new ManagePeople(people, submissions, forms, clock);
        this.track = new Track(people, guards.idempotency(), events,
                Duration.ofDays(Long.parseLong(Env.get("INTAKE_ACTIVITY_RETENTION_DAYS", "90"))), clock);
        this.relaySubmissions = new RelaySubmissions(forms, people, events);
        IntakeConfig.Delivery d = config.delivery();
        this.triggerCampaigns = new TriggerCampaigns(campaigns, deliveries, people, outbound.webhooks(),
                e -> dev.intake.json.EventJson.write(e).getBytes(java.nio.charset.StandardCharsets.UTF_8), outbound.mailer(),
                consentTokens, new TriggerCampaigns.Settings(config.publicUrl(), d.mailFrom(), d.retryBase(), d.maxReceives()), clock);
        this.confirmConsent = new ConfirmConsent(consentTokens, people, forms, clock);
        this.manageCampaigns = new dev.intake.application.ManageCampaigns(campaigns, deliveries, forms, events,
                new TargetPolicy(config.delivery().webhooksAllowPrivate())::refusalBeforeResolving, secret, clock);
        this.idempotency = new Idempotency(guards.idempotency(), clock);
    }

    /** Wires the DynamoDB and SQS adapters for {@code config}. */
    public static Services create(IntakeConfig config) {
        return create(config, AwsClients.dynamo(config));
    }

    /** Wires the adapters around a DynamoDB client built by the caller (the local stack meters its capacity). */
    public static Services create(IntakeConfig config, DynamoDbClient db) {
        IntakeConfig.Tables t = config.tables();
        Supplier<SqsClient> sqs = once(new SqsClients(config));
        EventPublisher events = new LazyPublisher(() -> new SqsEventPublisher(sqs.get(), config.eventsQueueUrl()));
        DynamoGuardStore guards = new DynamoGuardStore(db, t.guards());
        IntakeConfig.Delivery d = config.delivery();
        // Built on first use: only the campaign trigger sends mail, and only it carries the mail library.
        Supplier<Mailer> smtp = once(() -> new SmtpMailer(d.smtp()));
        // Also built on first use: its HttpClient and TLS context cost ~0.1 s of every other function's cold start.
        Supplier<HttpWebhookSender> webhooks = once(() -> new HttpWebhookSender(new TargetPolicy(d.webhooksAllowPrivate())));
        Outbound outbound = new Outbound((url, body, headers) -> webhooks.get().post(url, body, headers), mail -> smtp.get().send(mail));
        return new Services(config, Clock.systemUTC(),
                new DynamoWorkspaceStore(db, t.workspaces()), new RecentForms(new DynamoFormStore(db, t.forms())),
                new DynamoSubmissionStore(db, t.submissions()), new DynamoPersonStore(db, t.people()),
                new RecentCampaigns(new DynamoCampaignStore(db, t.campaigns())), new DynamoDeliveryStore(db, t.campaigns()), events,
                new Guards(guards, guards), new HttpCaptchaVerifier(config.captchaVerifyUrl()), outbound,
                // Without a usage plan there is no API Gateway to meter keys (the local stack, tests).
                config.usagePlanId() == null ? UsageKeys.unmetered() : AwsClients.usageKeys(config), sqs);
    }

    /** Moves failed messages of the events queue to a later receive (the campaign trigger's backoff). */
    public SqsRetries retries() {
        return new SqsRetries(sqs.get(), config.eventsQueueUrl());
    }

    /** The container-wide instance, built from the environment on first use, with its SnapStart priming hook. */
    public static Services get() {
        Services s = instance;
        if (s == null) {
            synchronized (Services.class) {
                s = instance;
                if (s == null) {
                    instance = s = create(IntakeConfig.fromEnvironment());
                    Priming.register(s);
                }
            }
        }
        return s;
    }

    /**
     * Builds the SQS client. A named class, not a lambda: linking a lambda resolves its method's signature,
     * which names {@code SqsClient}, so every function would need the SQS SDK on its class path. As a class it
     * is linked only when called, and the functions that never send (submit, action, forms, submissions,
     * people, authorizer, admin) ship without the SQS SDK (their poms exclude it).
     */
    private record SqsClients(IntakeConfig config) implements Supplier<SqsClient> {
        @Override
        public SqsClient get() {
            return AwsClients.sqs(config);
        }
    }

    /** Publishes through a publisher built on first use, so functions that never publish never build an SQS client. */
    private static final class LazyPublisher implements EventPublisher {
        private final Supplier<EventPublisher> delegate;

        LazyPublisher(Supplier<EventPublisher> build) {
            this.delegate = once(build);
        }

        @Override
        public void publish(dev.intake.domain.DomainEvent event) {
            delegate.get().publish(event);
        }

        @Override
        public void publishFor(dev.intake.domain.DomainEvent event, String campaignId) {
            delegate.get().publishFor(event, campaignId);
        }
    }

    /** A supplier that builds its value once, on first use, thread-safely. */
    private static <T> Supplier<T> once(Supplier<T> build) {
        return new Supplier<>() {
            private volatile T value;

            @Override
            public T get() {
                T v = value;
                if (v == null) {
                    synchronized (this) {
                        v = value;
                        if (v == null) value = v = build.get();
                    }
                }
                return v;
            }
        };
    }
}
