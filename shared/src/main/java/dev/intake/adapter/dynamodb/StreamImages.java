package dev.intake.adapter.dynamodb;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Converts item images between the two DynamoDB attribute models a stream handler meets: the Lambda
 * events model ({@link com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue}, as in
 * {@link com.amazonaws.services.lambda.runtime.events.DynamodbEvent} records' {@code Keys}, {@code NewImage}
 * and {@code OldImage}) and the SDK v2 model ({@link AttributeValue}), which the repositories read.
 *
 * <p>Every type converts both ways: S, N, B, SS, NS, BS, M, L, NULL and BOOL, nested to any depth. Binary
 * values are copied, so neither side shares a buffer with the other. Map order is kept.
 */
public final class StreamImages {
    private StreamImages() {}

    /**
     * An image from a Lambda stream event as SDK v2 attribute values.
     *
     * @param image {@code Keys}, {@code NewImage} or {@code OldImage} of a stream record; may be null
     * @return the same attributes in the SDK model, or null if {@code image} is null
     * @throws IllegalArgumentException if a value has no type set
     */
    public static Map<String, AttributeValue> toSdk(
            Map<String, com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue> image) {
        if (image == null) return null;
        Map<String, AttributeValue> out = new LinkedHashMap<>();
        image.forEach((name, value) -> out.put(name, toSdk(name, value)));
        return out;
    }

    /**
     * An SDK v2 item as a Lambda stream event image, as Lambda would deliver it.
     *
     * @param item attributes in the SDK model; may be null
     * @return the same attributes in the Lambda events model, or null if {@code item} is null
     * @throws IllegalArgumentException if a value has no type the Lambda model knows
     */
    public static Map<String, com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue> toLambda(
            Map<String, AttributeValue> item) {
        if (item == null) return null;
        Map<String, com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue> out = new LinkedHashMap<>();
        item.forEach((name, value) -> out.put(name, toLambda(name, value)));
        return out;
    }

    private static AttributeValue toSdk(String path, com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue v) {
        if (v == null) throw new IllegalArgumentException("attribute " + path + " is null");
        if (v.getS() != null) return AttributeValue.fromS(v.getS());
        if (v.getN() != null) return AttributeValue.fromN(v.getN());
        if (v.getB() != null) return AttributeValue.fromB(SdkBytes.fromByteArray(bytes(v.getB())));
        if (v.getSS() != null) return AttributeValue.fromSs(List.copyOf(v.getSS()));
        if (v.getNS() != null) return AttributeValue.fromNs(List.copyOf(v.getNS()));
        if (v.getBS() != null) {
            return AttributeValue.fromBs(v.getBS().stream().map(b -> SdkBytes.fromByteArray(bytes(b))).toList());
        }
        if (v.getM() != null) {
            Map<String, AttributeValue> m = new LinkedHashMap<>();
            v.getM().forEach((k, e) -> m.put(k, toSdk(path + "." + k, e)));
            return AttributeValue.fromM(m);
        }
        if (v.getL() != null) {
            List<AttributeValue> l = new ArrayList<>();
            for (var e : v.getL()) l.add(toSdk(path + "[" + l.size() + "]", e));
            return AttributeValue.fromL(l);
        }
        if (Boolean.TRUE.equals(v.getNULL())) return AttributeValue.fromNul(true);
        if (v.getBOOL() != null) return AttributeValue.fromBool(v.getBOOL());
        throw new IllegalArgumentException("attribute " + path + " has no type");
    }

    private static com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue toLambda(String path, AttributeValue v) {
        if (v == null) throw new IllegalArgumentException("attribute " + path + " is null");
        var out = new com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue();
        switch (v.type()) {
            case S -> out.setS(v.s());
            case N -> out.setN(v.n());
            case B -> out.setB(ByteBuffer.wrap(v.b().asByteArray()));
            case SS -> out.setSS(new ArrayList<>(v.ss()));
            case NS -> out.setNS(new ArrayList<>(v.ns()));
            case BS -> out.setBS(v.bs().stream().map(b -> ByteBuffer.wrap(b.asByteArray())).toList());
            case M -> {
                Map<String, com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue> m = new LinkedHashMap<>();
                v.m().forEach((k, e) -> m.put(k, toLambda(path + "." + k, e)));
                out.setM(m);
            }
            case L -> {
                List<com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue> l = new ArrayList<>();
                for (AttributeValue e : v.l()) l.add(toLambda(path + "[" + l.size() + "]", e));
                out.setL(l);
            }
            case NUL -> out.setNULL(true);
            case BOOL -> out.setBOOL(v.bool());
            default -> throw new IllegalArgumentException("attribute " + path + " has no type the Lambda model knows");
        }
        return out;
    }

    /** The buffer's remaining bytes, without moving its position. */
    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
