package dev.intake.adapter.dynamodb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DynamoTest {
    @Test
    void gzippedValues_roundTrip_givesWhatTheMapAttributeGives() {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("email", "ada@example.com");
        values.put("age", new BigDecimal("36"));
        values.put("score", new BigDecimal("4.50"));
        values.put("big", new BigDecimal("123456789012345678901234567890"));
        values.put("tiny", new BigDecimal("-0.000001"));
        values.put("agreed", true);
        values.put("none", null);
        values.put("tags", List.of("a", new BigDecimal("2"), false));
        values.put("nested", Map.of("k", List.of(Map.of("deep", new BigDecimal("7")))));
        values.put("text", "ünïcödé \u2028 \"quoted\" \\ 😀");

        Map<String, Object> viaGzip = Dynamo.fromGzippedValues(Dynamo.gzippedValues(values));
        Map<String, Object> viaMap = Dynamo.fromValues(Dynamo.values(values));

        assertEquals(viaMap, viaGzip);
        assertEquals(List.copyOf(values.keySet()), List.copyOf(viaGzip.keySet()), "field order is kept");
        assertEquals(new BigDecimal("4.50"), viaGzip.get("score"), "scale is kept");
        assertTrue(viaGzip.containsKey("none"));
        assertNull(viaGzip.get("none"));
    }

    @Test
    void gzippedValues_ofProse_isSmallerThanTheText() {
        String prose = String.join(" ", java.util.Collections.nCopies(40, "we would like to know more about pricing for teams"));
        var attribute = Dynamo.gzippedValues(Map.of("message", prose));
        assertNotNull(attribute.b());
        assertTrue(attribute.b().asByteArray().length < prose.length() / 3,
                "gzip of repetitive prose: " + attribute.b().asByteArray().length + " bytes of " + prose.length());
    }

    @Test
    void gunzipped_ofGzipped_returnsTheText() {
        char[] chars = new char[5000];
        Arrays.fill(chars, 'x');
        String text = new String(chars) + "é";
        assertEquals(text, Dynamo.gunzipped(Dynamo.gzipped(text)));
    }
}
