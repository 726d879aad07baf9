package dev.intake.adapter.sqs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.intake.json.BatchEvents;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One message of an SQS event, as Lambda hands it to a function.
 *
 * @param attributes        system attributes ({@code ApproximateReceiveCount}, {@code SentTimestamp}…); empty if absent
 * @param messageAttributes the sender's attributes by name; empty if absent
 */
public record QueueMessage(String messageId, String receiptHandle, String body, Map<String, String> attributes,
                           Map<String, Attribute> messageAttributes, String md5OfBody, String eventSource,
                           String eventSourceArn, String awsRegion) {

    /** A message attribute: its type ({@code String}, {@code Number}…) and, unless binary, its value. */
    public record Attribute(String stringValue, String dataType) {}

    /**
     * The messages of an SQS event ({@code {"Records":[…]}}), in order.
     *
     * @throws IOException if the input is not JSON
     * @throws IllegalArgumentException if it is not an SQS event: no {@code Records}, a field of the wrong type
     */
    public static List<QueueMessage> read(InputStream input) throws IOException {
        List<QueueMessage> out = new ArrayList<>();
        for (JsonNode r : BatchEvents.records(input)) {
            Map<String, String> attributes = new LinkedHashMap<>();
            JsonNode system = BatchEvents.object(r, "attributes");
            if (system != null) system.properties().forEach(e -> attributes.put(e.getKey(), BatchEvents.text(system, e.getKey())));
            Map<String, Attribute> messageAttributes = new LinkedHashMap<>();
            JsonNode sent = BatchEvents.object(r, "messageAttributes");
            if (sent != null) {
                sent.properties().forEach(e -> {
                    JsonNode a = BatchEvents.object(sent, e.getKey());
                    messageAttributes.put(e.getKey(), a == null ? null : new Attribute(BatchEvents.text(a, "stringValue"), BatchEvents.text(a, "dataType")));
                });
            }
            out.add(new QueueMessage(BatchEvents.text(r, "messageId"), BatchEvents.text(r, "receiptHandle"), BatchEvents.text(r, "body"),
                    Collections.unmodifiableMap(attributes), Collections.unmodifiableMap(messageAttributes), BatchEvents.text(r, "md5OfBody"),
                    BatchEvents.text(r, "eventSource"), BatchEvents.text(r, "eventSourceARN"), BatchEvents.text(r, "awsRegion")));
        }
        return out;
    }
}
