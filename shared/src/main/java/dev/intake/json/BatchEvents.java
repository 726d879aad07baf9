package dev.intake.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON of Lambda's batch events (SQS messages, DynamoDB stream records: {@code {"Records":[…]}}) and of the
 * {@code ReportBatchItemFailures} answer, for the functions that read their own events (RequestStreamHandler)
 * instead of leaving them to the runtime's serializer, which costs about 0.3 s of cold start.
 *
 * @see dev.intake.adapter.dynamodb.StreamEventRecord
 * @see dev.intake.adapter.sqs.QueueMessage
 */
public final class BatchEvents {
    private BatchEvents() {}

    /**
     * AWS writes these events, so they get Jackson's default limits rather than {@link Json#mapper()}'s nesting
     * bound for request bodies: an item image may nest as deep as DynamoDB allows, and a stream batch that
     * cannot be read is retried without end.
     */
    private static final JsonFactory EVENTS = JsonFactory.builder().build();

    /**
     * The records of a batch event, in order.
     *
     * @throws IOException if the input is not one JSON value
     * @throws IllegalArgumentException if it has no {@code Records} array of objects
     */
    public static List<JsonNode> records(InputStream input) throws IOException {
        JsonNode event;
        try (JsonParser parser = EVENTS.createParser(input)) {
            event = Json.readTree(parser);
        }
        JsonNode records = event == null ? null : event.get("Records");
        if (records == null || !records.isArray()) throw new IllegalArgumentException("not a batch event: no Records array");
        List<JsonNode> out = new ArrayList<>(records.size());
        for (JsonNode r : records) {
            if (!r.isObject()) throw new IllegalArgumentException("not a batch event: a record is " + r.getNodeType());
            out.add(r);
        }
        return out;
    }

    /**
     * A string field; null when it is absent or null.
     *
     * @throws IllegalArgumentException if it holds something else than a string
     */
    public static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isTextual()) throw new IllegalArgumentException(field + " is " + v.getNodeType() + ", not a string");
        return v.textValue();
    }

    /**
     * An object field; null when it is absent or null.
     *
     * @throws IllegalArgumentException if it holds something else than an object
     */
    public static JsonNode object(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isObject()) throw new IllegalArgumentException(field + " is " + v.getNodeType() + ", not an object");
        return v;
    }

    /**
     * Writes the answer that reports these items failed ({@code batchItemFailures}, none for an empty list), as
     * the runtime's serializer writes an {@code SQSBatchResponse} or a {@code StreamsEventResponse}.
     *
     * @param itemIdentifiers message ids (SQS) or sequence numbers (streams)
     */
    public static void writeFailures(List<String> itemIdentifiers, OutputStream output) throws IOException {
        try (JsonGenerator g = Json.factory().createGenerator(output)) {
            g.writeStartObject();
            g.writeArrayFieldStart("batchItemFailures");
            for (String id : itemIdentifiers) {
                g.writeStartObject();
                g.writeStringField("itemIdentifier", id);
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
    }

    /**
     * The item identifiers an answer reports, as Lambda reads them: none for an empty or {@code null} answer
     * (a handler that returned nothing), and null for an entry without one. The local stack's event source
     * mappings read their handlers' answers with it.
     *
     * @throws IllegalArgumentException if the answer is not JSON
     */
    public static List<String> readFailures(byte[] answer) {
        JsonNode root;
        try {
            root = Json.mapper().readTree(answer);
        } catch (IOException e) {
            throw new IllegalArgumentException("the answer is not JSON: " + e.getMessage(), e);
        }
        List<String> out = new ArrayList<>();
        for (JsonNode failure : root.path("batchItemFailures")) {
            JsonNode id = failure.get("itemIdentifier");
            out.add(id == null || id.isNull() ? null : id.asText());
        }
        return out;
    }
}
