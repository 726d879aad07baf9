package dev.intake.adapter.dynamodb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class StreamImagesTest {
    private static final byte[] BINARY = {0, 1, 2, (byte) 0xff, 0x7f, (byte) 0x80};

    /** One attribute of every type, and maps and lists nesting every type again. */
    private static Map<String, AttributeValue> everyType() {
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
    void toLambdaThenToSdk_whenEveryTypeNested_returnsTheSameItem() {
        Map<String, AttributeValue> item = everyType();

        assertEquals(item, StreamImages.toSdk(StreamImages.toLambda(item)));
    }

    @Test
    void toLambda_whenEveryType_setsTheMatchingLambdaField() {
        var lambda = StreamImages.toLambda(everyType());

        assertEquals("Ada L\u00f6velace \u2603", lambda.get("s").getS());
        assertEquals("-12.500", lambda.get("n").getN());
        assertArrayEquals(BINARY, bytes(lambda.get("b").getB()));
        assertEquals(List.of("news", "offers"), lambda.get("ss").getSS());
        assertEquals(List.of("1", "2.5", "1E+3"), lambda.get("ns").getNS());
        assertArrayEquals(BINARY, bytes(lambda.get("bs").getBS().get(0)));
        assertEquals(Boolean.TRUE, lambda.get("null").getNULL());
        assertEquals(Boolean.TRUE, lambda.get("true").getBOOL());
        assertEquals(Boolean.FALSE, lambda.get("false").getBOOL());
        assertTrue(lambda.get("emptyMap").getM().isEmpty());
        assertTrue(lambda.get("emptyList").getL().isEmpty());
        assertEquals("-12.500", lambda.get("m").getM().get("n").getN());
        assertEquals(Boolean.TRUE, lambda.get("l").getL().get(7).getNULL());
        var deepBinary = lambda.get("deep").getL().get(0).getM().get("inner").getL().get(0).getM().get("b").getB();
        assertArrayEquals(BINARY, bytes(deepBinary));
    }

    @Test
    void toSdkThenToLambda_whenBuiltInTheLambdaModel_returnsEqualValues() {
        var lambda = StreamImages.toLambda(everyType());

        assertEquals(lambda, StreamImages.toLambda(StreamImages.toSdk(lambda)));
    }

    @Test
    void toSdk_whenBinaryIsASliceOfABuffer_copiesTheRemainingBytesAndLeavesThePosition() {
        ByteBuffer buffer = ByteBuffer.wrap("--payload--".getBytes(StandardCharsets.UTF_8));
        buffer.position(2).limit(9);
        var value = new com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue();
        value.setB(buffer);

        AttributeValue sdk = StreamImages.toSdk(Map.of("b", value)).get("b");

        assertEquals("payload", sdk.b().asUtf8String());
        assertEquals(2, buffer.position());
    }

    @Test
    void conversions_whenImageIsNull_returnNull() {
        assertNull(StreamImages.toSdk(null));
        assertNull(StreamImages.toLambda(null));
    }

    @Test
    void toSdk_whenAValueHasNoType_throws() {
        var untyped = new com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue();

        var e = assertThrows(IllegalArgumentException.class, () -> StreamImages.toSdk(Map.of("x", untyped)));
        assertTrue(e.getMessage().contains("x"), e.getMessage());
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
