package dev.intake.adapter.dynamodb;

import com.fasterxml.jackson.databind.JsonNode;
import dev.intake.json.BatchEvents;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One record of a DynamoDB stream event, as Lambda hands it to a function: the record's fields and those of its
 * {@code dynamodb} part. The images stay DynamoDB JSON until {@link StreamImages#toSdk} converts one, so that an
 * image that does not convert fails only the record that uses it: a batch that cannot be read at all is retried
 * without end, and holds up its shard.
 *
 * @param keys                        {@code Keys}, DynamoDB JSON; null if absent
 * @param newImage                    {@code NewImage}, DynamoDB JSON; null if absent
 * @param oldImage                    {@code OldImage}, DynamoDB JSON; null if absent
 * @param sequenceNumber              what a {@code ReportBatchItemFailures} answer names the record by
 * @param approximateCreationDateTime to the millisecond, as the runtime's serializer reads it
 */
public record StreamEventRecord(String eventId, String eventName, String eventSource, String awsRegion, String eventSourceArn,
                                JsonNode keys, JsonNode newImage, JsonNode oldImage, String sequenceNumber, Long sizeBytes,
                                String streamViewType, Instant approximateCreationDateTime) {

    /**
     * The records of a stream event ({@code {"Records":[…]}}), in order.
     *
     * @throws IOException if the input is not JSON
     * @throws IllegalArgumentException if it is not a stream event: no {@code Records}, a record without its
     *                                  sequence number, a field of the wrong type
     */
    public static List<StreamEventRecord> read(InputStream input) throws IOException {
        List<StreamEventRecord> out = new ArrayList<>();
        for (JsonNode r : BatchEvents.records(input)) {
            JsonNode d = BatchEvents.object(r, "dynamodb");
            String sequence = d == null ? null : BatchEvents.text(d, "SequenceNumber");
            if (sequence == null) throw new IllegalArgumentException("a stream record without dynamodb.SequenceNumber");
            out.add(new StreamEventRecord(BatchEvents.text(r, "eventID"), BatchEvents.text(r, "eventName"),
                    BatchEvents.text(r, "eventSource"), BatchEvents.text(r, "awsRegion"), BatchEvents.text(r, "eventSourceARN"),
                    BatchEvents.object(d, "Keys"), BatchEvents.object(d, "NewImage"), BatchEvents.object(d, "OldImage"),
                    sequence, sizeBytes(d.get("SizeBytes")), BatchEvents.text(d, "StreamViewType"),
                    epochSeconds(d.get("ApproximateCreationDateTime"))));
        }
        return out;
    }

    private static Long sizeBytes(JsonNode v) {
        if (v == null || v.isNull()) return null;
        if (!v.isIntegralNumber() || !v.canConvertToLong()) throw new IllegalArgumentException("SizeBytes is not a whole number: " + v);
        return v.longValue();
    }

    /** Epoch seconds, possibly with a fraction, to the millisecond as the runtime's serializer reads them (in double). */
    private static Instant epochSeconds(JsonNode v) {
        if (v == null || v.isNull()) return null;
        if (!v.isNumber()) throw new IllegalArgumentException("ApproximateCreationDateTime is not a number: " + v);
        return Instant.ofEpochMilli((long) (v.doubleValue() * 1000));
    }
}
