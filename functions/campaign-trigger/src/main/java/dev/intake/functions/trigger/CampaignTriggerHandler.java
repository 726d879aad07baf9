package dev.intake.functions.trigger;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.intake.adapter.sqs.QueueMessage;
import dev.intake.adapter.sqs.SqsRetries;
import dev.intake.application.TriggerCampaigns;
import dev.intake.config.Services;
import dev.intake.domain.Delivery;
import dev.intake.domain.DomainEvent;
import dev.intake.json.BatchEvents;
import dev.intake.json.EventJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Consumes events from SQS and runs the campaigns they trigger. Failed messages are reported one by one
 * ({@code ReportBatchItemFailures}) and hidden for their backoff first, so SQS redelivers only those, later
 * each time, and after {@code maxReceiveCount} receives moves them to the DLQ. A message that is not an
 * event fails at once (visibility 0), so it reaches the DLQ without waiting out the backoff.
 *
 * <p>The runtime hands it the event's bytes ({@link RequestStreamHandler}): it reads them and writes its answer
 * with Intake's Jackson ({@link QueueMessage}, {@link BatchEvents}), not the runtime's event serializer, which
 * costs about 0.3 s of cold start and needs Joda-Time on the classpath. An event that cannot be read throws,
 * and SQS delivers the whole batch again.
 */
public final class CampaignTriggerHandler implements RequestStreamHandler {
    private static final System.Logger LOG = System.getLogger("intake.campaign-trigger");
    /** Stop starting messages when less time than one attempt may need is left; SQS redelivers the rest. */
    private static final int RESERVE_MS = 12_000;

    private final TriggerCampaigns trigger;
    private final SqsRetries retries;

    public CampaignTriggerHandler() {
        this(Services.get());
    }

    public CampaignTriggerHandler(Services services) {
        this.trigger = services.triggerCampaigns;
        this.retries = services.retries();
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        BatchEvents.writeFailures(handle(QueueMessage.read(input), context), output);
    }

    /** Runs the batch's messages; returns the ids of those to deliver again. */
    private List<String> handle(List<QueueMessage> messages, Context context) {
        List<String> failures = new ArrayList<>();
        for (QueueMessage m : messages) {
            if (context != null && context.getRemainingTimeInMillis() < RESERVE_MS) {
                retries.retryAfter(m.receiptHandle(), Duration.ZERO);
                failures.add(m.messageId());
                continue;
            }
            Duration retryAfter = handle(m);
            if (retryAfter != null) {
                retries.retryAfter(m.receiptHandle(), retryAfter);
                failures.add(m.messageId());
            }
        }
        return failures;
    }

    /** Runs one message; returns when to retry it, or null when it is done. */
    private Duration handle(QueueMessage m) {
        DomainEvent e;
        try {
            e = EventJson.read(m.body());
        } catch (IllegalArgumentException poison) {
            LOG.log(Level.WARNING, "message {0} is not an event ({1}); it goes to the DLQ after its last receive",
                    m.messageId(), poison.getMessage());
            return Duration.ZERO;
        }
        int receives = receiveCount(m);
        QueueMessage.Attribute only = m.messageAttributes().get("campaign");
        try {
            TriggerCampaigns.Outcome outcome = trigger.handle(e, receives, only == null ? null : only.stringValue());
            for (Delivery d : outcome.deliveries()) {
                LOG.log(d.status() == Delivery.Status.SUCCEEDED ? Level.INFO : Level.WARNING,
                        "{0} {1} campaign={2} delivery={3} status={4} attempts={5}{6}", EventJson.type(e), e.eventId(),
                        d.campaignId(), d.id(), d.status().wireName(), d.attempts(), d.lastError() == null ? "" : " error=" + d.lastError());
            }
            if (outcome.deliveries().isEmpty()) LOG.log(Level.INFO, "{0} {1}: no campaign matched", EventJson.type(e), e.eventId());
            return outcome.retryAfter();
        } catch (RuntimeException ex) {
            // DynamoDB throttling or an outage: nothing was recorded as done, so the retry repeats only what is left.
            LOG.log(Level.WARNING, "{0} {1} failed on receive {2}: {3}", EventJson.type(e), e.eventId(), receives,
                    ex.getClass().getSimpleName());
            return trigger.backoff(receives);
        }
    }

    private static int receiveCount(QueueMessage m) {
        try {
            return Integer.parseInt(m.attributes().getOrDefault("ApproximateReceiveCount", "1"));
        } catch (RuntimeException e) {
            return 1;
        }
    }
}
