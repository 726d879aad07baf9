package dev.intake.json;

import com.fasterxml.jackson.databind.JsonNode;
import dev.intake.domain.IntakeException;
import dev.intake.domain.SubmissionValidator;
import dev.intake.domain.TrackCall;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Tracking calls from their JSON (Segment's spec, seed 002): one call, or a batch
 * ({@code {"batch":[…],"context","integrations","sentAt","writeKey"}}) whose context, integrations and
 * sentAt are merged into each message. Every message is checked before any is applied, and the first
 * problems are named in one 400.
 */
public final class TrackingJson {
    public static final int MAX_MESSAGE_BYTES = 32 * 1024;
    public static final int MAX_BATCH_BYTES = 500 * 1024;
    public static final int MAX_BATCH_MESSAGES = 2_500;
    /** Ids go into storage keys, which DynamoDB limits to 2,048 bytes with the prefixes. */
    private static final int MAX_ID_BYTES = dev.intake.domain.Person.MAX_IDENTIFIER_BYTES;

    /** The calls, and the write key if the body carries one. */
    public record Parsed(List<TrackCall> calls, String writeKey) {}

    private TrackingJson() {}

    /** The body's write key ({@code writeKey}), or null. */
    public static String writeKey(JsonNode body) {
        JsonNode k = body.get("writeKey");
        return k != null && k.isTextual() ? k.textValue() : null;
    }

    /** A single call of {@code type}: the route names the type. */
    public static List<TrackCall> single(JsonNode body, TrackCall.Type type, Instant receivedAt) {
        List<String> problems = new ArrayList<>();
        TrackCall call = call(body, type, "", Map.of(), Map.of(), null, receivedAt, problems);
        fail(problems);
        return List.of(call);
    }

    /** A batch: each message says its {@code type}. */
    public static List<TrackCall> batch(JsonNode body, Instant receivedAt) {
        JsonNode batch = body.get("batch");
        if (batch == null || !batch.isArray()) {
            throw new IntakeException.Invalid("invalid_batch", "A batch needs 'batch': an array of messages", List.of("batch"));
        }
        if (batch.size() > MAX_BATCH_MESSAGES) {
            throw new IntakeException.Invalid("batch_too_large",
                    "A batch holds at most " + MAX_BATCH_MESSAGES + " messages; this one has " + batch.size(), List.of("batch"));
        }
        List<String> problems = new ArrayList<>();
        Map<String, Object> context = object(body, "context", "", problems);
        Map<String, Object> integrations = object(body, "integrations", "", problems);
        Instant sentAt = time(body, "sentAt", "", problems);
        List<TrackCall> calls = new ArrayList<>();
        for (int i = 0; i < batch.size() && problems.size() < 10; i++) {
            JsonNode m = batch.get(i);
            String at = "batch[" + i + "].";
            if (!m.isObject()) {
                problems.add("batch[" + i + "] is not an object");
                continue;
            }
            TrackCall.Type type = TrackCall.Type.parse(m.path("type").asText(null));
            if (type == null) {
                problems.add(at + "type must be one of identify, track, page, screen, group, alias");
                continue;
            }
            calls.add(call(m, type, at, context, integrations, sentAt, receivedAt, problems));
        }
        fail(problems);
        return calls;
    }

    private static TrackCall call(JsonNode m, TrackCall.Type type, String at, Map<String, Object> batchContext,
                                  Map<String, Object> batchIntegrations, Instant batchSentAt, Instant receivedAt,
                                  List<String> problems) {
        int size = Json.write(m).getBytes(StandardCharsets.UTF_8).length;
        if (size > MAX_MESSAGE_BYTES) {
            problems.add((at.isEmpty() ? "the message" : at.substring(0, at.length() - 1)) + " is " + size
                    + " bytes; a message may be at most " + MAX_MESSAGE_BYTES + " bytes (32 KB)");
        }
        Map<String, Object> context = new LinkedHashMap<>(batchContext);
        context.putAll(object(m, "context", at, problems));
        Map<String, Object> integrations = new LinkedHashMap<>(batchIntegrations);
        integrations.putAll(object(m, "integrations", at, problems));
        Instant sentAt = time(m, "sentAt", at, problems);
        if (sentAt == null) sentAt = batchSentAt;
        Instant timestamp = time(m, "timestamp", at, problems);
        // The sender's clock may be off: keep the delay between the event and its sending, on our clock.
        Instant corrected = timestamp == null ? receivedAt
                : sentAt == null ? timestamp : receivedAt.minus(Duration.between(timestamp, sentAt));
        String messageId = id(m, "messageId", at, problems);
        var call = new TrackCall(type, messageId == null ? "msg_" + UUID.randomUUID() : messageId,
                id(m, "userId", at, problems), id(m, "anonymousId", at, problems), id(m, "previousId", at, problems),
                id(m, "groupId", at, problems), id(m, "objectTypeId", at, problems), text(m, "event", at, problems),
                text(m, "name", at, problems), object(m, "traits", at, problems), object(m, "properties", at, problems),
                context, integrations, corrected, sentAt, receivedAt, Json.plain(m.get("version")));
        for (String missing : call.missing()) problems.add(at + type.wireName() + " needs " + missing);
        return call;
    }

    /** An identifier: a string or a number (Segment's clients send both), trimmed; blank counts as absent. */
    private static String id(JsonNode m, String field, String at, List<String> problems) {
        JsonNode v = m.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isTextual() && !v.isNumber()) {
            problems.add(at + field + " must be a string or a number");
            return null;
        }
        String s = v.isNumber() ? v.decimalValue().stripTrailingZeros().toPlainString() : v.textValue().trim();
        if (s.getBytes(StandardCharsets.UTF_8).length > MAX_ID_BYTES) {
            problems.add(at + field + " is longer than " + MAX_ID_BYTES + " bytes of UTF-8");
        }
        return s.isEmpty() ? null : s;
    }

    private static String text(JsonNode m, String field, String at, List<String> problems) {
        JsonNode v = m.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isTextual()) {
            problems.add(at + field + " must be a string");
            return null;
        }
        return v.textValue().isBlank() ? null : v.textValue();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(JsonNode m, String field, String at, List<String> problems) {
        JsonNode v = m.get(field);
        if (v == null || v.isNull()) return Map.of();
        if (!v.isObject()) {
            problems.add(at + field + " must be an object");
            return Map.of();
        }
        storable(v, at + field, problems);
        return (Map<String, Object>) Json.plain(v);
    }

    /** Values DynamoDB can hold: numbers of at most 38 digits within 1E-130 to 1E+125, and no empty keys. */
    private static void storable(JsonNode v, String path, List<String> problems) {
        if (v.isNumber() && !SubmissionValidator.storable(v.decimalValue())) {
            problems.add(path + " is a number outside what can be stored: at most 38 digits, magnitude 1E-130 to 1E+125");
        } else if (v.isArray()) {
            for (int i = 0; i < v.size(); i++) storable(v.get(i), path + "[" + i + "]", problems);
        } else if (v.isObject()) {
            v.fields().forEachRemaining(e -> {
                if (e.getKey().isEmpty()) problems.add(path + " has an empty key");
                storable(e.getValue(), path + "." + e.getKey(), problems);
            });
        }
    }

    private static Instant time(JsonNode m, String field, String at, List<String> problems) {
        JsonNode v = m.get(field);
        if (v == null || v.isNull()) return null;
        try {
            if (v.isTextual()) return OffsetDateTime.parse(v.textValue().trim()).toInstant();
        } catch (DateTimeParseException e) {
            // reported below
        }
        problems.add(at + field + " must be an ISO 8601 date-time such as 2025-01-15T14:32:00.000Z");
        return null;
    }

    private static void fail(List<String> problems) {
        if (problems.isEmpty()) return;
        throw new IntakeException.Invalid("invalid_message", String.join("; ", problems.subList(0, Math.min(10, problems.size()))));
    }
}
