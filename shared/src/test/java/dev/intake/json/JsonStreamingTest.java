package dev.intake.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** {@link Json#readTree}, {@link Json#write} and {@link Json#writeValues} give exactly what the shared mapper gives. */
class JsonStreamingTest {
    private static final String[] SAMPLES = {
            "{}", "[]", "\"\"", "0", "-0", "1.50", "1e3", "-2.5E-7", "12345678901", "123456789012345678901234567890",
            "2147483647", "2147483648", "-9223372036854775809", "true", "false", "null",
            "{\"a\":1,\"b\":[1,2.0,\"x\",null,true,{\"c\":{}}],\"d\":\"ü ☃ 😀 \\u0000 \\\" \\\\ \\/ \\n \\t \\u2028\"}",
            "[{\"id\":\"fld_1\",\"name\":\"email\",\"type\":\"email\",\"required\":true,\"options\":[\"a\",\"b\"],\"placeholder\":null}]",
            "{\"a\":1,\"a\":2,\"b\":3}", " \n {\"spaced\" : [ 1 , 2 ] } \n ", "{\"deep\":" + "[".repeat(20) + "1" + "]".repeat(20) + "}"};

    @Test
    void readTree_buildsTheTreeTheMapperBuilds_andWriteWritesItAsTheMapperDoes() throws IOException {
        for (String text : SAMPLES) {
            JsonNode expected = Json.mapper().readTree(text);
            JsonNode read = Json.readTree(text);
            assertEquals(expected, read, text);
            assertEquals(types(expected), types(read), text + ": the same node classes");
            assertEquals(Json.mapper().writeValueAsString(expected), Json.write(read), text);
        }
        assertEquals(Json.mapper().readTree(""), Json.readTree(""), "empty text is a missing node");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{", "{\"a\":}", "[1,]", "{} {}", "1 2", "nul", "{\"a\":1}x", "'a'"})
    void readTree_refusesWhatTheMapperRefuses(String text) {
        assertThrows(IOException.class, () -> Json.mapper().readTree(text), text);
        assertThrows(IOException.class, () -> Json.readTree(text), text);
    }

    @Test
    void readTree_ofAParser_isTheMappersReadTreeOfIt() throws IOException {
        var factory = new com.fasterxml.jackson.core.JsonFactory(); // default limits, as BatchEvents reads AWS's events
        String deep = "{\"Records\":[" + "[".repeat(40) + "1" + "]".repeat(40) + "]}";
        for (String text : List.of(deep, "{\"Records\":[{\"a\":1.0}]}", "[]")) {
            try (var a = factory.createParser(text); var b = factory.createParser(text)) {
                assertEquals(Json.mapper().readTree(a), Json.readTree(b), text);
            }
        }
        try (var a = factory.createParser(""); var b = factory.createParser("")) {
            assertEquals(Json.mapper().readTree(a), Json.readTree(b), "no value: null from both");
        }
        for (String trailing : List.of("{} {}", "[1] 2")) {
            try (var a = factory.createParser(trailing); var b = factory.createParser(trailing)) {
                assertThrows(IOException.class, () -> Json.mapper().readTree(a), trailing);
                assertThrows(IOException.class, () -> Json.readTree(b), trailing);
            }
        }
    }

    @Test
    void readTree_keepsTheMappersNestingLimit() {
        String deep = "[".repeat(Json.MAX_DEPTH + 1) + "]".repeat(Json.MAX_DEPTH + 1);
        assertThrows(IOException.class, () -> Json.mapper().readTree(deep));
        assertThrows(IOException.class, () -> Json.readTree(deep));
    }

    @Test
    void writeValues_writesPlainValuesAsTheMapperDoes() throws IOException {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("email", "ada@example.com");
        values.put("message", "Grüße \"quoted\" \\ \n 😀 \u2028");
        values.put("n", new BigDecimal("4.50"));
        values.put("e", new BigDecimal("1E+3"));
        values.put("big", new BigInteger("123456789012345678901234567890"));
        values.put("i", 7);
        values.put("l", 7_000_000_000L);
        values.put("ok", true);
        values.put("none", null);
        values.put("tags", Arrays.asList("a", null, new BigDecimal("2"), false));
        values.put("nested", Map.of("k", List.of(Map.of("deep", "x"))));
        values.put("empty", new ArrayList<>());
        assertEquals(Json.mapper().writeValueAsString(values), Json.writeValues(values));
    }

    @Test
    void writeValuesWithoutNulls_leavesOutNullFieldsAtEveryDepth_andWritesArraysAsLists() throws IOException {
        Map<String, Object> statement = new LinkedHashMap<>();
        statement.put("Effect", "Allow");
        statement.put("Resource", new String[] {"arn:a", "arn:b"});
        statement.put("Condition", null);
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("principalId", "ws_1");
        values.put("usageIdentifierKey", null);
        values.put("policyDocument", Map.of("Statement", new Object[] {statement}));
        values.put("list", Arrays.asList("a", null, 3));

        var out = new java.io.StringWriter();
        try (var g = Json.factory().createGenerator(out)) {
            Json.writeValuesWithoutNulls(g, values);
        }

        assertEquals("{\"principalId\":\"ws_1\",\"policyDocument\":{\"Statement\":[{\"Effect\":\"Allow\","
                + "\"Resource\":[\"arn:a\",\"arn:b\"]}]},\"list\":[\"a\",null,3]}", out.toString(),
                "null fields are left out; a null in a list stays, as the runtime's serializer keeps it");
    }

    private static List<String> types(JsonNode node) {
        List<String> out = new ArrayList<>();
        out.add(node.getClass().getSimpleName());
        node.forEach(child -> out.addAll(types(child)));
        return out;
    }
}
