package dev.intake.functions.relay;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.intake.adapter.dynamodb.DynamoSubmissionStore;
import dev.intake.adapter.dynamodb.StreamImages;
import dev.intake.application.RelaySubmissions;
import dev.intake.config.Services;
import dev.intake.domain.Submission;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Reads the Submissions table's stream and publishes each new submission's {@code form.submitted} event.
 * When the queue cannot take an event, the record's sequence number is reported as the batch's first
 * failure: the stream retries from that record on, in order, until it succeeds, so nothing is skipped.
 */
public final class EventRelayHandler implements RequestHandler<DynamodbEvent, StreamsEventResponse> {
    private static final System.Logger LOG = System.getLogger("intake.relay");

    private final RelaySubmissions relay;

    public EventRelayHandler() {
        this(Services.get());
    }

    public EventRelayHandler(Services services) {
        this.relay = services.relaySubmissions;
    }

    @Override
    public StreamsEventResponse handleRequest(DynamodbEvent event, Context context) {
        for (DynamodbEvent.DynamodbStreamRecord record : event.getRecords()) {
            if (!"INSERT".equals(record.getEventName())) continue;
            String sequence = record.getDynamodb().getSequenceNumber();
            Map<String, AttributeValue> image;
            Submission submission;
            try {
                image = StreamImages.toSdk(record.getDynamodb().getNewImage());
                submission = DynamoSubmissionStore.submission(image);
            } catch (RuntimeException malformed) {
                // Not a submission item: retrying cannot help, and blocking the shard would hold up every later event.
                LOG.log(Level.ERROR, "stream record {0} is not a submission ({1}); skipped", sequence, malformed.getClass().getSimpleName());
                continue;
            }
            try {
                relay.relay(DynamoSubmissionStore.formKey(image), submission);
            } catch (RuntimeException unavailable) {
                LOG.log(Level.WARNING, "could not publish the event of {0} ({1}); the stream retries from it",
                        submission.id(), unavailable.getClass().getSimpleName());
                return new StreamsEventResponse(List.of(new StreamsEventResponse.BatchItemFailure(sequence)));
            }
        }
        return new StreamsEventResponse(List.of());
    }
}
