package dev.intake.adapter.dynamodb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.intake.json.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class StreamImagesTest {
    private static final byte[] BINARY = {0, 1, 2, (byte) 0xff, 0x7f, (byte) 0x80};

    /** One attribute of every type, and maps and lists nesting every type again. */
    static Map<String, AttributeValue> everyType() {
        Map<String, AttributeValue> scalars = new LinkedHashMap<>();
        scalars.put("s", AttributeValue.fromS("Ada L\u00f6velace \u2603"));
        scalars.put("empty", AttributeValue.fromS(""));
        scalars.put("n", AttributeValue.fromN("-12.500"));
        scalars.put("b", AttributeValue.fromB(SdkBytes.fromByteArray(BINARY)));
        scalars.put("ss", AttributeValue.fromSs(List.of("news", "offers")));
        scalars.put("ns", AttributeValue.fromNs(List.of("1", "2.5", "1E+3")));
        scalars.put("bs", AttributeValue.fromBs(List.of(SdkBytes.fromByteArray(BINARY), SdkBytes.fromUtf8String("x"))));
        scalars.put("null", AttributeValue.fromNul(true));
        scalars.put("true", AttributeValue.fromBool(true));
        scalars.put("false", AttributeValue.fromBool(false));
        scalars.put("emptyMap", AttributeValue.fromM(Map.of()));
        scalars.put("emptyList", AttributeValue.fromL(List.of()));

        Map<String, AttributeValue> item = new LinkedHashMap<>(scalars);
        item.put("m", AttributeValue.fromM(scalars));
        item.put("l", AttributeValue.fromL(List.copyOf(scalars.values())));
        item.put("deep", AttributeValue.fromL(List.of(
                AttributeValue.fromM(Map.of("inner", AttributeValue.fromL(List.of(
                        AttributeValue.fromM(Map.of("b", AttributeValue.fromB(SdkBytes.fromByteArray(BINARY)))),
                        AttributeValue.fromNul(true))))))));
        return item;
    }

    @Test
    void toJsonThenToSdk_whenEveryTypeNested_returnsTheSameItemInTheSameOrder() {
        Map<String, AttributeValue> item = everyType();

        Map<String, AttributeValue> back = StreamImages.toSdk(StreamImages.toJson(item));

        assertEquals(item, back);
        assertEquals(List.copyOf(item.keySet()), List.copyOf(back.keySet()));
    }

    @Test
    void toJson_whenEveryType_writesDynamoDbJson() throws Exception {
        JsonNode json = StreamImages.toJson(everyType());

        assertEquals(Json.mapper().readTree("""
                {"S":"Ada L\u00f6velace \u2603"}"""), json.get("s"));
        assertEquals(Json.mapper().readTree("{\"N\":\"-12.500\"}"), json.get("n"));
        assertEquals(Json.mapper().readTree("{\"B\":\"AAEC/3+A\"}"), json.get("b"));
        assertEquals(Json.mapper().readTree("{\"SS\":[\"news\",\"offers\"]}"), json.get("ss"));
        assertEquals(Json.mapper().readTree("{\"NS\":[\"1\",\"2.5\",\"1E+3\"]}"), json.get("ns"));
        assertEquals(Json.mapper().readTree("{\"BS\":[\"AAEC/3+A\",\"eA==\"]}"), json.get("bs"));
        assertEquals(Json.mapper().readTree("{\"NULL\":true}"), json.get("null"));
        assertEquals(Json.mapper().readTree("{\"BOOL\":false}"), json.get("false"));
        assertEquals(Json.mapper().readTree("{\"M\":{}}"), json.get("emptyMap"));
        assertEquals(Json.mapper().readTree("{\"L\":[]}"), json.get("emptyList"));
        assertEquals("-12.500", json.at("/m/M/n/N").textValue());
        assertEquals("AAEC/3+A", json.at("/deep/L/0/M/inner/L/0/M/b/B").textValue());
    }

    @Test
    void toSdk_whenAValueHasSeveralTypes_takesTheFirstOfSNBSsNsBsMLNullBool() throws Exception {
        var image = Json.mapper().readTree("""
                {"a":{"N":"1","S":"x"},"b":{"NULL":false,"BOOL":true},"c":{"S":null,"BOOL":false},"d":{"L":[],"M":{}}}""");

        var sdk = StreamImages.toSdk(image);

        assertEquals(AttributeValue.fromS("x"), sdk.get("a"));
        assertEquals(AttributeValue.fromBool(true), sdk.get("b"));
        assertEquals(AttributeValue.fromBool(false), sdk.get("c"));
        assertEquals(AttributeValue.fromM(Map.of()), sdk.get("d"));
    }

    @Test
    void toSdk_whenImageIsNull_returnsNull() {
        assertNull(StreamImages.toSdk(null));
        assertNull(StreamImages.toSdk(NullNode.instance));
        assertNull(StreamImages.toJson(null));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"x\":{}}", "{\"x\":{\"NULL\":false}}", "{\"x\":\"plain\"}", "{\"x\":{\"S\":5}}", "{\"x\":{\"N\":1}}",
            "{\"x\":{\"B\":\"not base64!\"}}", "{\"x\":{\"SS\":\"a\"}}", "{\"x\":{\"NS\":[1]}}", "{\"x\":{\"M\":[]}}",
            "{\"x\":{\"L\":{}}}", "{\"x\":{\"BOOL\":\"true\"}}", "{\"x\":{\"M\":{\"y\":{\"L\":[{\"Q\":1}]}}}}", "[]"})
    void toSdk_whenAValueIsNotDynamoDbJson_throwsNamingIt(String image) throws Exception {
        var e = assertThrows(IllegalArgumentException.class, () -> StreamImages.toSdk(Json.mapper().readTree(image)));
        assertTrue(image.equals("[]") || e.getMessage().contains("attribute x"), e.getMessage());
    }

    @Test
    void toSdk_whenNestedValueIsWrong_namesItsPath() throws Exception {
        var image = Json.mapper().readTree("{\"x\":{\"M\":{\"y\":{\"L\":[{\"S\":\"ok\"},{\"Q\":1}]}}}}");

        var e = assertThrows(IllegalArgumentException.class, () -> StreamImages.toSdk(image));

        assertTrue(e.getMessage().contains("x.y[1]"), e.getMessage());
    }
}
