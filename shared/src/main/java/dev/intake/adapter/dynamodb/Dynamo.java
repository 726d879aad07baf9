package dev.intake.adapter.dynamodb;

import dev.intake.domain.IntakeException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/** Attribute helpers and the translation of SDK failures into domain exceptions. */
final class Dynamo {
    private Dynamo() {}

    static AttributeValue s(String v) { return AttributeValue.fromS(v); }

    static AttributeValue n(long v) { return AttributeValue.fromN(Long.toString(v)); }

    static AttributeValue bool(boolean v) { return AttributeValue.fromBool(v); }

    /**
     * Text stored gzip-compressed, as a binary attribute: write units are charged per KB of item, and JSON
     * such as a stored event shrinks to about a third.
     */
    static AttributeValue gzipped(String text) {
        var out = new java.io.ByteArrayOutputStream(text.length() / 2 + 32);
        try (var gz = new java.util.zip.GZIPOutputStream(out)) {
            gz.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e); // never: the stream is in memory
        }
        return AttributeValue.fromB(software.amazon.awssdk.core.SdkBytes.fromByteArray(out.toByteArray()));
    }

    /** The text of a {@link #gzipped} attribute. */
    static String gunzipped(AttributeValue v) {
        try (var in = new java.util.zip.GZIPInputStream(v.b().asInputStream())) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("a gzipped attribute is not valid gzip", e);
        }
    }

    static Map<String, AttributeValue> key(String pk, String sk) {
        return Map.of("pk", s(pk), "sk", s(sk));
    }

    static String str(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null || v.s() == null ? null : v.s();
    }

    static long num(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null || v.n() == null ? 0 : Long.parseLong(v.n());
    }

    /**
     * A value: a submission's (string, number, boolean or list of strings) or a tracked trait or property,
     * which may also be null, a map or a list of anything.
     */
    static AttributeValue value(Object v) {
        if (v == null) return AttributeValue.fromNul(true);
        if (v instanceof String s) return s(s);
        if (v instanceof BigDecimal n) return AttributeValue.fromN(n.toPlainString());
        if (v instanceof Boolean b) return bool(b);
        if (v instanceof List<?> l) {
            List<AttributeValue> out = new ArrayList<>(l.size());
            for (Object o : l) out.add(value(o));
            return AttributeValue.fromL(out);
        }
        if (v instanceof Map<?, ?> m) {
            Map<String, AttributeValue> out = new LinkedHashMap<>();
            m.forEach((k, o) -> out.put(String.valueOf(k), value(o)));
            return AttributeValue.fromM(out);
        }
        throw new IllegalArgumentException("unsupported value type " + v.getClass().getSimpleName());
    }

    static Object fromValue(AttributeValue v) {
        if (v.s() != null) return v.s();
        if (v.n() != null) return new BigDecimal(v.n());
        if (v.bool() != null) return v.bool();
        if (v.hasL()) return v.l().stream().map(Dynamo::fromValue).toList();
        if (v.hasM()) {
            Map<String, Object> out = new LinkedHashMap<>();
            v.m().forEach((k, a) -> out.put(k, fromValue(a)));
            return out;
        }
        return null;
    }

    static AttributeValue values(Map<String, Object> values) {
        Map<String, AttributeValue> m = new LinkedHashMap<>();
        values.forEach((k, v) -> m.put(k, value(v)));
        return AttributeValue.fromM(m);
    }

    /**
     * Values (strings, numbers as {@link BigDecimal}, booleans, nulls, lists and maps of them) stored as
     * {@link #gzipped} JSON: a form's 1 KB of answers then takes about 400 bytes of the item.
     */
    static AttributeValue gzippedValues(Map<String, Object> values) {
        return gzipped(dev.intake.json.Json.writeValues(values));
    }

    /** The values of {@link #gzippedValues}, with every number a {@link BigDecimal}, as {@link #fromValues} gives them. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> fromGzippedValues(AttributeValue v) {
        try {
            return (Map<String, Object>) decimals(dev.intake.json.Json.mapper().readValue(gunzipped(v), LinkedHashMap.class));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("gzipped values are not a JSON object", e);
        }
    }

    private static Object decimals(Object v) {
        if (v instanceof BigDecimal || !(v instanceof Number || v instanceof List<?> || v instanceof Map<?, ?>)) return v;
        if (v instanceof Number n) return new BigDecimal(n.toString());
        if (v instanceof List<?> l) return l.stream().map(Dynamo::decimals).toList();
        Map<String, Object> out = new LinkedHashMap<>();
        ((Map<?, ?>) v).forEach((k, o) -> out.put(String.valueOf(k), decimals(o)));
        return out;
    }

    static Map<String, Object> fromValues(AttributeValue v) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (v != null && v.hasM()) v.m().forEach((k, a) -> out.put(k, fromValue(a)));
        return out;
    }

    /**
     * Runs one SDK call, turning throttling and transport failures into {@code Unavailable} (a 503 with
     * {@code Retry-After}); conditional-check failures are left for the caller, which knows what they mean.
     */
    static <T> T call(Supplier<T> call) {
        try {
            return call.get();
        } catch (software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException
                 | software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException e) {
            throw e;
        } catch (DynamoDbException e) {
            if (e.isThrottlingException() || e.statusCode() >= 500) {
                throw new IntakeException.Unavailable("Storage is busy; retry shortly", 1);
            }
            throw e;
        } catch (SdkClientException e) {
            throw new IntakeException.Unavailable("Storage is unreachable; retry shortly", 2);
        } catch (SdkException e) {
            throw new IntakeException.Unavailable("Storage failed; retry shortly", 2);
        }
    }

    /** Deletes {@code keys} in batches of 25, resending what DynamoDB leaves unprocessed. */
    static void deleteAll(DynamoDbClient db, String table, List<Map<String, AttributeValue>> keys) {
        for (int i = 0; i < keys.size(); i += 25) {
            List<WriteRequest> batch = keys.subList(i, Math.min(keys.size(), i + 25)).stream()
                    .map(k -> WriteRequest.builder().deleteRequest(d -> d.key(k)).build()).toList();
            Map<String, List<WriteRequest>> pending = Map.of(table, batch);
            while (!pending.isEmpty()) {
                Map<String, List<WriteRequest>> req = pending;
                var res = call(() -> db.batchWriteItem(r -> r.requestItems(req)));
                pending = res.hasUnprocessedItems() ? res.unprocessedItems() : Map.of();
            }
        }
    }

    static void run(Runnable call) {
        call(() -> {
            call.run();
            return null;
        });
    }
}
