package dev.intake.functions.relay;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.intake.adapter.dynamodb.DynamoSubmissionStore;
import dev.intake.adapter.dynamodb.StreamEventRecord;
import dev.intake.adapter.dynamodb.StreamImages;
import dev.intake.application.RelaySubmissions;
import dev.intake.config.Services;
import dev.intake.domain.Submission;
import dev.intake.json.BatchEvents;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Reads the Submissions table's stream and publishes each new submission's {@code form.submitted} event.
 * When the queue cannot take an event, the record's sequence number is reported as the batch's first
 * failure: the stream retries from that record on, in order, until it succeeds, so nothing is skipped.
 *
 * <p>The runtime hands it the event's bytes ({@link RequestStreamHandler}): it reads them and writes its answer
 * with Intake's Jackson ({@link StreamEventRecord}, {@link BatchEvents}), not the runtime's event serializer,
 * which costs about 0.3 s of cold start and needs Joda-Time on the classpath. An event that cannot be read
 * throws, and Lambda retries the batch.
 */
public final class EventRelayHandler implements RequestStreamHandler {
    private static final System.Logger LOG = System.getLogger("intake.relay");

    private final RelaySubmissions relay;

    public EventRelayHandler() {
        this(Services.get());
    }

    public EventRelayHandler(Services services) {
        this.relay = services.relaySubmissions;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        BatchEvents.writeFailures(relay(StreamEventRecord.read(input)), output);
    }

    /** Relays the batch's inserts in order; returns the sequence number of the first that failed, or none. */
    private List<String> relay(List<StreamEventRecord> records) {
        for (StreamEventRecord record : records) {
            if (!"INSERT".equals(record.eventName())) continue;
            String sequence = record.sequenceNumber();
            Map<String, AttributeValue> image;
            Submission submission;
            try {
                image = StreamImages.toSdk(record.newImage());
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
                return List.of(sequence);
            }
        }
        return List.of();
    }
}
