package dev.intake.adapter.dynamodb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Converts item images between DynamoDB JSON, as a stream event carries them ({@code Keys}, {@code NewImage} and
 * {@code OldImage} of a {@link StreamEventRecord}: {@code {"email":{"S":"a@example.com"},"n":{"N":"1"}}}), and the
 * SDK v2 model ({@link AttributeValue}), which the repositories read.
 *
 * <p>Every type converts both ways: S, N, B (base64), SS, NS, BS, M, L, NULL and BOOL, nested to any depth. Map
 * order is kept. A value with several types set reads as the first of that list, as the Lambda events model read
 * it; {@code "NULL": false} is no type.
 */
public final class StreamImages {
    private StreamImages() {}

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /**
     * An image from a stream event as SDK v2 attribute values.
     *
     * @param image {@code Keys}, {@code NewImage} or {@code OldImage} of a stream record; may be null
     * @return the same attributes in the SDK model, or null if {@code image} is null
     * @throws IllegalArgumentException if a value has no type, or one of the wrong JSON type
     */
    public static Map<String, AttributeValue> toSdk(JsonNode image) {
        if (image == null || image.isNull()) return null;
        if (!image.isObject()) throw new IllegalArgumentException("the image is " + image.getNodeType() + ", not an object");
        Map<String, AttributeValue> out = new LinkedHashMap<>();
        image.properties().forEach(e -> out.put(e.getKey(), toSdk(e.getKey(), e.getValue())));
        return out;
    }

    /**
     * An SDK v2 item in DynamoDB JSON, as a stream event carries it.
     *
     * @param item attributes in the SDK model; may be null
     * @return the same attributes as DynamoDB JSON, or null if {@code item} is null
     * @throws IllegalArgumentException if a value has no type DynamoDB JSON knows
     */
    public static ObjectNode toJson(Map<String, AttributeValue> item) {
        if (item == null) return null;
        ObjectNode out = NODES.objectNode();
        item.forEach((name, value) -> out.set(name, toJson(name, value)));
        return out;
    }

    private static AttributeValue toSdk(String path, JsonNode v) {
        if (v == null || !v.isObject()) throw new IllegalArgumentException("attribute " + path + " is not a typed value");
        JsonNode x;
        if ((x = typed(v, "S")) != null) return AttributeValue.fromS(string(path, x));
        if ((x = typed(v, "N")) != null) return AttributeValue.fromN(string(path, x));
        if ((x = typed(v, "B")) != null) return AttributeValue.fromB(binary(path, x));
        if ((x = typed(v, "SS")) != null) return AttributeValue.fromSs(each(path, x, StreamImages::string));
        if ((x = typed(v, "NS")) != null) return AttributeValue.fromNs(each(path, x, StreamImages::string));
        if ((x = typed(v, "BS")) != null) return AttributeValue.fromBs(each(path, x, StreamImages::binary));
        if ((x = typed(v, "M")) != null) {
            if (!x.isObject()) throw wrongType(path, "an object", x);
            Map<String, AttributeValue> m = new LinkedHashMap<>();
            x.properties().forEach(e -> m.put(e.getKey(), toSdk(path + "." + e.getKey(), e.getValue())));
            return AttributeValue.fromM(m);
        }
        if ((x = typed(v, "L")) != null) return AttributeValue.fromL(each(path, x, StreamImages::toSdk));
        if ((x = typed(v, "NULL")) != null) {
            if (!x.isBoolean()) throw wrongType(path, "a boolean", x);
            if (x.booleanValue()) return AttributeValue.fromNul(true);
        }
        if ((x = typed(v, "BOOL")) != null) {
            if (!x.isBoolean()) throw wrongType(path, "a boolean", x);
            return AttributeValue.fromBool(x.booleanValue());
        }
        throw new IllegalArgumentException("attribute " + path + " has no type");
    }

    private static JsonNode toJson(String path, AttributeValue v) {
        if (v == null) throw new IllegalArgumentException("attribute " + path + " is null");
        ObjectNode out = NODES.objectNode();
        switch (v.type()) {
            case S -> out.put("S", v.s());
            case N -> out.put("N", v.n());
            case B -> out.put("B", base64(v.b()));
            case SS -> v.ss().forEach(out.putArray("SS")::add);
            case NS -> v.ns().forEach(out.putArray("NS")::add);
            case BS -> {
                ArrayNode bs = out.putArray("BS");
                v.bs().forEach(b -> bs.add(base64(b)));
            }
            case M -> {
                ObjectNode m = out.putObject("M");
                v.m().forEach((k, e) -> m.set(k, toJson(path + "." + k, e)));
            }
            case L -> {
                ArrayNode l = out.putArray("L");
                for (AttributeValue e : v.l()) l.add(toJson(path + "[" + l.size() + "]", e));
            }
            case NUL -> out.put("NULL", true);
            case BOOL -> out.put("BOOL", v.bool());
            default -> throw new IllegalArgumentException("attribute " + path + " has no type DynamoDB JSON knows");
        }
        return out;
    }

    /** The value under a type name, or null if that type is not set (absent, or JSON null). */
    private static JsonNode typed(JsonNode value, String type) {
        JsonNode x = value.get(type);
        return x == null || x.isNull() ? null : x;
    }

    private static String string(String path, JsonNode x) {
        if (!x.isTextual()) throw wrongType(path, "a string", x);
        return x.textValue();
    }

    private static SdkBytes binary(String path, JsonNode x) {
        String text = string(path, x);
        try {
            return SdkBytes.fromByteArray(Base64.getDecoder().decode(text));
        } catch (IllegalArgumentException notBase64) {
            throw new IllegalArgumentException("attribute " + path + " is not base64: " + notBase64.getMessage());
        }
    }

    /** The elements of a set or list, each read with its index in the path. */
    private static <T> List<T> each(String path, JsonNode array, BiFunction<String, JsonNode, T> element) {
        if (!array.isArray()) throw wrongType(path, "an array", array);
        List<T> out = new ArrayList<>(array.size());
        for (JsonNode x : array) out.add(element.apply(path + "[" + out.size() + "]", x));
        return out;
    }

    private static IllegalArgumentException wrongType(String path, String expected, JsonNode actual) {
        return new IllegalArgumentException("attribute " + path + ": " + actual.getNodeType() + " where " + expected + " belongs");
    }

    private static String base64(SdkBytes bytes) {
        return Base64.getEncoder().encodeToString(bytes.asByteArray());
    }
}
