package dev.intake.config;

import dev.intake.adapter.aws.AwsClients;
import dev.intake.adapter.dynamodb.DynamoCampaignStore;
import dev.intake.adapter.dynamodb.DynamoFormStore;
import dev.intake.adapter.dynamodb.DynamoGuardStore;
import dev.intake.adapter.log.LoggedConfirmations;
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
import dev.intake.application.ManagePeople;
import dev.intake.application.ManageSubmissions;
import dev.intake.application.SubmitForm;
import dev.intake.application.Track;
import dev.intake.application.TriggerCampaigns;
import dev.intake.application.port.CampaignStore;
import dev.intake.application.port.CaptchaVerifier;
import dev.intake.application.port.ConfirmationSender;
import dev.intake.application.port.IdempotencyStore;
import dev.intake.application.port.RateLimiter;
import dev.intake.application.port.EventPublisher;
import dev.intake.application.port.FormStore;
import dev.intake.application.port.PersonStore;
import dev.intake.application.port.SubmissionStore;
import dev.intake.application.port.WorkspaceStore;
import dev.intake.http.Idempotency;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
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
    public final EventPublisher events;
    public final ConfirmationSender confirmations;

    public final Authenticator authenticator;
    public final CreateWorkspace createWorkspace;
    public final ManageForms manageForms;
    public final ManageSubmissions manageSubmissions;
    public final ManagePeople managePeople;
    public final Track track;
    public final SubmitForm submitForm;
    public final TriggerCampaigns triggerCampaigns;
    public final ConsentTokens consentTokens;
    public final ConfirmConsent confirmConsent;
    public final Idempotency idempotency;

    /** The stores that guard requests: rate limits and idempotency keys. */
    public record Guards(RateLimiter rateLimiter, IdempotencyStore idempotency) {}

    public Services(IntakeConfig config, Clock clock, WorkspaceStore workspaces, FormStore forms,
                    SubmissionStore submissions, PersonStore people, CampaignStore campaigns, EventPublisher events,
                    Guards guards, CaptchaVerifier captcha, ConfirmationSender confirmations) {
        this.config = config;
        this.clock = clock;
        this.workspaces = workspaces;
        this.forms = forms;
        this.submissions = submissions;
        this.people = people;
        this.campaigns = campaigns;
        this.events = events;
        this.confirmations = confirmations;
        this.authenticator = new Authenticator(workspaces);
        this.createWorkspace = new CreateWorkspace(workspaces, clock);
        this.manageForms = new ManageForms(forms, clock);
        this.submitForm = new SubmitForm(forms, submissions, people, events, guards.rateLimiter(), captcha, clock);
        byte[] secret = config.signingSecret() == null ? null : config.signingSecret().getBytes(StandardCharsets.UTF_8);
        this.consentTokens = new ConsentTokens(secret);
        this.manageSubmissions = new ManageSubmissions(manageForms, forms, submissions, submitForm, secret);
        this.managePeople = new ManagePeople(people, submissions, forms, clock);
        this.track = new Track(people, guards.idempotency(), events,
                Duration.ofDays(Long.parseLong(Env.get("INTAKE_ACTIVITY_RETENTION_DAYS", "90"))), clock);
        this.triggerCampaigns = new TriggerCampaigns(campaigns, confirmations, consentTokens, config.publicUrl(), clock);
        this.confirmConsent = new ConfirmConsent(consentTokens, people, forms, clock);
        this.idempotency = new Idempotency(guards.idempotency(), clock);
    }

    /** Wires the DynamoDB and SQS adapters for {@code config}. */
    public static Services create(IntakeConfig config) {
        return create(config, AwsClients.dynamo(config));
    }

    /** Wires the adapters around a DynamoDB client built by the caller (the local stack meters its capacity). */
    public static Services create(IntakeConfig config, DynamoDbClient db) {
        IntakeConfig.Tables t = config.tables();
        EventPublisher events = new LazyPublisher(config);
        DynamoGuardStore guards = new DynamoGuardStore(db, t.guards());
        return new Services(config, Clock.systemUTC(),
                new DynamoWorkspaceStore(db, t.workspaces()), new DynamoFormStore(db, t.forms()),
                new DynamoSubmissionStore(db, t.submissions()), new DynamoPersonStore(db, t.people()),
                new DynamoCampaignStore(db, t.campaigns()), events, new Guards(guards, guards),
                new HttpCaptchaVerifier(config.captchaVerifyUrl()), new LoggedConfirmations(config.showConfirmLinks()));
    }

    /** The container-wide instance, built from the environment on first use. */
    public static Services get() {
        Services s = instance;
        if (s == null) {
            synchronized (Services.class) {
                s = instance;
                if (s == null) instance = s = create(IntakeConfig.fromEnvironment());
            }
        }
        return s;
    }

    /** Builds the SQS client on first publish, so functions that never publish never pay for it. */
    private static final class LazyPublisher implements EventPublisher {
        private final IntakeConfig config;
        private volatile SqsEventPublisher delegate;

        LazyPublisher(IntakeConfig config) {
            this.config = config;
        }

        @Override
        public void publish(dev.intake.domain.DomainEvent event) {
            SqsEventPublisher d = delegate;
            if (d == null) {
                synchronized (this) {
                    d = delegate;
                    if (d == null) {
                        SqsClient sqs = AwsClients.sqs(config);
                        delegate = d = new SqsEventPublisher(sqs, config.eventsQueueUrl());
                    }
                }
            }
            d.publish(event);
        }
    }
}
