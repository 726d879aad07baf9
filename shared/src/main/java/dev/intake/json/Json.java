package dev.intake.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The shared JSON mapper, and conversions between JSON and submission values. */
public final class Json {
    /** Bounded nesting: submissions are flat, so anything deep is rejected early. */
    public static final int MAX_DEPTH = 32;

    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();

    static {
        MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build());
    }

    private Json() {}

    public static ObjectNode object() { return JsonNodeFactory.instance.objectNode(); }

    public static ArrayNode array() { return JsonNodeFactory.instance.arrayNode(); }

    /** {@code node} without its null fields, at every depth (in place): what the Lambda runtime's serializer leaves out. */
    public static JsonNode withoutNulls(JsonNode node) {
        if (node instanceof ObjectNode o) {
            o.properties().removeIf(e -> e.getValue().isNull());
            o.forEach(Json::withoutNulls);
        } else if (node instanceof ArrayNode a) {
            a.forEach(Json::withoutNulls);
        }
        return node;
    }

    public static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A submission value as JSON: string, number, boolean, or array of strings. */
    public static JsonNode valueNode(Object value) {
        if (value == null) return JsonNodeFactory.instance.nullNode();
        if (value instanceof String s) return JsonNodeFactory.instance.textNode(s);
        if (value instanceof BigDecimal n) return JsonNodeFactory.instance.numberNode(n);
        if (value instanceof Number n) return JsonNodeFactory.instance.numberNode(new BigDecimal(n.toString()));
        if (value instanceof Boolean b) return JsonNodeFactory.instance.booleanNode(b);
        if (value instanceof Map<?, ?> m) {
            ObjectNode o = object();
            m.forEach((k, v) -> o.set(String.valueOf(k), valueNode(v)));
            return o;
        }
        if (value instanceof List<?> l) {
            ArrayNode a = array();
            for (Object o : l) a.add(valueNode(o));
            return a;
        }
        return JsonNodeFactory.instance.textNode(String.valueOf(value));
    }

    /** Any JSON value as plain Java: a map, a list, a string, a {@link BigDecimal}, a boolean or null. */
    public static Object plain(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) return null;
        if (node.isTextual()) return node.textValue();
        if (node.isNumber()) return node.decimalValue();
        if (node.isBoolean()) return node.booleanValue();
        if (node.isArray()) {
            List<Object> out = new ArrayList<>();
            for (JsonNode n : node) out.add(plain(n));
            return out;
        }
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        node.fields().forEachRemaining(e -> out.put(e.getKey(), plain(e.getValue())));
        return out;
    }

    public static ObjectNode valuesNode(Map<String, Object> values) {
        ObjectNode o = object();
        values.forEach((k, v) -> o.set(k, valueNode(v)));
        return o;
    }

    /**
     * A JSON value as a submission value. Objects and nested arrays are returned as-is (a JsonNode) so that
     * the validator can reject them with the field's name.
     */
    public static Object value(JsonNode node) {
        if (node == null || node.isNull()) return null;
        if (node.isTextual()) return node.textValue();
        if (node.isNumber()) return node.decimalValue();
        if (node.isBoolean()) return node.booleanValue();
        if (node.isArray()) {
            List<Object> out = new ArrayList<>();
            for (JsonNode n : node) out.add(n.isTextual() ? n.textValue() : n);
            return out;
        }
        return node;
    }

    public static String text(JsonNode node, String field) {
        JsonNode n = node.get(field);
        return n == null || n.isNull() ? null : n.asText();
    }
}
