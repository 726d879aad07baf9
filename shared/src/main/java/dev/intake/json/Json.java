package dev.intake.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The shared JSON mapper, and conversions between JSON and submission values.
 *
 * <p>Building the mapper costs about 0.15 s of a cold start (databind, and the JDK locale data its date formats
 * load), so it is built on first use ({@link #mapper()}), and the public submit path never uses it: it reads and
 * writes with the streaming {@link #factory()} ({@link #readTree}, {@link #write}, {@link #writeValues}), which
 * give exactly what the mapper would (JsonTest).
 */
public final class Json {
    /** Bounded nesting: submissions are flat, so anything deep is rejected early. */
    public static final int MAX_DEPTH = 32;

    private static final StreamReadConstraints CONSTRAINTS = StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build();
    private static final JsonFactory FACTORY = JsonFactory.builder().streamReadConstraints(CONSTRAINTS).build();

    private static final class Holder {
        static final ObjectMapper MAPPER = JsonMapper.builder()
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
                .build();

        static {
            MAPPER.getFactory().setStreamReadConstraints(CONSTRAINTS);
        }
    }

    private Json() {}

    /** The shared mapper: big decimals for floats, no trailing tokens, nesting bounded to {@value #MAX_DEPTH}. */
    public static ObjectMapper mapper() {
        return Holder.MAPPER;
    }

    /** Streaming parsers and generators with the mapper's limits, without building the mapper. */
    public static JsonFactory factory() {
        return FACTORY;
    }

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

    /** The tree as the mapper's {@code writeValueAsString} writes it. */
    public static String write(JsonNode node) {
        var out = new StringWriter();
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            writeNode(g, node);
        } catch (IOException e) {
            throw new IllegalStateException(e); // never: the writer is in memory
        }
        return out.toString();
    }

    private static void writeNode(JsonGenerator g, JsonNode node) throws IOException {
        switch (node) {
            case ObjectNode o -> {
                g.writeStartObject();
                for (var e : o.properties()) {
                    g.writeFieldName(e.getKey());
                    writeNode(g, e.getValue());
                }
                g.writeEndObject();
            }
            case ArrayNode a -> {
                g.writeStartArray();
                for (JsonNode item : a) writeNode(g, item);
                g.writeEndArray();
            }
            case TextNode t -> g.writeString(t.textValue());
            case BooleanNode b -> g.writeBoolean(b.booleanValue());
            case NullNode n -> g.writeNull();
            case IntNode i -> g.writeNumber(i.intValue());
            case LongNode l -> g.writeNumber(l.longValue());
            case BigIntegerNode i -> g.writeNumber(i.bigIntegerValue());
            case DecimalNode d -> g.writeNumber(d.decimalValue());
            default -> g.writeRawValue(mapper().writeValueAsString(node)); // doubles, binary, POJOs: never on the hot path
        }
    }

    /** Plain values (maps, lists, text, numbers, booleans, null) as the mapper's {@code writeValueAsString} writes them. */
    public static String writeValues(Object value) {
        var out = new StringWriter();
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            writeValue(g, value, true);
        } catch (IOException e) {
            throw new IllegalStateException(e); // never: the writer is in memory
        }
        return out.toString();
    }

    /**
     * Plain values as the Lambda runtime's serializer writes them: as {@link #writeValues}, but map entries whose
     * value is null are left out, at every depth.
     */
    public static void writeValuesWithoutNulls(JsonGenerator g, Object value) throws IOException {
        writeValue(g, value, false);
    }

    private static void writeValue(JsonGenerator g, Object value, boolean nullFields) throws IOException {
        switch (value) {
            case null -> g.writeNull();
            case String s -> g.writeString(s);
            case Boolean b -> g.writeBoolean(b);
            case BigDecimal d -> g.writeNumber(d);
            case Integer i -> g.writeNumber(i);
            case Long l -> g.writeNumber(l);
            case java.math.BigInteger i -> g.writeNumber(i);
            case Map<?, ?> m -> {
                g.writeStartObject();
                for (var e : m.entrySet()) {
                    if (e.getValue() == null && !nullFields) continue;
                    g.writeFieldName(String.valueOf(e.getKey()));
                    writeValue(g, e.getValue(), nullFields);
                }
                g.writeEndObject();
            }
            case List<?> l -> {
                g.writeStartArray();
                for (Object item : l) writeValue(g, item, nullFields);
                g.writeEndArray();
            }
            case Object[] a -> {
                g.writeStartArray();
                for (Object item : a) writeValue(g, item, nullFields);
                g.writeEndArray();
            }
            default -> g.writeRawValue(mapper().writeValueAsString(value));
        }
    }

    /** The tree of a JSON text, as the mapper's {@code readTree} builds it; throws on malformed or trailing input. */
    public static JsonNode readTree(String text) throws IOException {
        try (JsonParser p = FACTORY.createParser(text)) {
            JsonNode node = readTree(p);
            return node == null ? MissingNode.getInstance() : node;
        }
    }

    /**
     * The one value a parser (from any factory, so with its limits) reads, as the mapper's {@code readTree(JsonParser)}
     * builds it: null when there is none, and an error when anything follows it.
     */
    public static JsonNode readTree(JsonParser p) throws IOException {
        if (p.currentToken() == null && p.nextToken() == null) return null;
        JsonNode node = readNode(p);
        if (p.nextToken() != null) throw new JsonParseException(p, "Trailing token (of type " + p.currentToken() + ") found after value");
        return node;
    }

    private static JsonNode readNode(JsonParser p) throws IOException {
        JsonNodeFactory f = JsonNodeFactory.instance;
        return switch (p.currentToken()) {
            case START_OBJECT -> {
                ObjectNode o = f.objectNode();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    p.nextToken();
                    o.replace(name, readNode(p));
                }
                yield o;
            }
            case START_ARRAY -> {
                ArrayNode a = f.arrayNode();
                while (p.nextToken() != JsonToken.END_ARRAY) a.add(readNode(p));
                yield a;
            }
            case VALUE_STRING -> f.textNode(p.getText());
            default -> scalarNode(p);
        };
    }

    /**
     * The node of the number, boolean or null the parser is on, as the mapper's {@code readTree} builds it (ints
     * by size, floats as exact decimals); an error for any other token.
     */
    public static JsonNode scalarNode(JsonParser p) throws IOException {
        JsonNodeFactory f = JsonNodeFactory.instance;
        return switch (p.currentToken()) {
            case VALUE_NUMBER_INT -> switch (p.getNumberType()) {
                case INT -> f.numberNode(p.getIntValue());
                case LONG -> f.numberNode(p.getLongValue());
                default -> f.numberNode(p.getBigIntegerValue());
            };
            case VALUE_NUMBER_FLOAT -> f.numberNode(p.getDecimalValue());
            case VALUE_TRUE -> f.booleanNode(true);
            case VALUE_FALSE -> f.booleanNode(false);
            case VALUE_NULL -> f.nullNode();
            default -> throw new JsonParseException(p, "Unexpected token " + p.currentToken());
        };
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
