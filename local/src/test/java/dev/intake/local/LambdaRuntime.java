package dev.intake.local;

import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.amazonaws.services.lambda.runtime.serialization.factories.JacksonFactory;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;

/**
 * The Lambda Java runtime's serializer for a handler's input or output type, as its {@code EventHandlerLoader}
 * picks it: the events' own, with their mixins, for the event classes it knows, else its plain Jackson one. The
 * tests check Intake's reading and writing of events against it.
 */
final class LambdaRuntime {
    private LambdaRuntime() {}

    static <T> PojoSerializer<T> serializer(Class<T> type) {
        return LambdaEventSerializers.isLambdaSupportedEvent(type.getName())
                ? LambdaEventSerializers.serializerFor(type, LambdaRuntime.class.getClassLoader())
                : JacksonFactory.getInstance().getSerializer(type);
    }

    /** The event as the runtime reads it from {@code json}. */
    static <T> T read(byte[] json, Class<T> type) {
        return serializer(type).fromJson(new ByteArrayInputStream(json));
    }

    /** What the runtime writes for a handler's answer. */
    static <T> byte[] write(T answer, Class<T> type) {
        var out = new ByteArrayOutputStream();
        serializer(type).toJson(answer, out);
        return out.toByteArray();
    }
}
