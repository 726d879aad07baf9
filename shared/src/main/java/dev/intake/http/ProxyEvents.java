package dev.intake.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.intake.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;

/** API Gateway's proxy event and answer, read and written as JSON by {@link ProxyStreamHandler}. */
public final class ProxyEvents {
    private ProxyEvents() {}

    /** API Gateway adds fields over time; ones this version of the event class does not know are skipped. */
    private static final ObjectReader EVENTS = Json.MAPPER.readerFor(APIGatewayProxyRequestEvent.class)
            .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** The proxy event, as API Gateway sends it to the function. */
    public static APIGatewayProxyRequestEvent read(InputStream input) throws IOException {
        return EVENTS.readValue(input);
    }

    /** The proxy answer as API Gateway reads it, without the null fields (as the runtime's serializer writes it). */
    public static void write(APIGatewayProxyResponseEvent response, OutputStream output) throws IOException {
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(output)) {
            g.writeStartObject();
            if (response.getStatusCode() != null) g.writeNumberField("statusCode", response.getStatusCode());
            if (response.getHeaders() != null) {
                g.writeObjectFieldStart("headers");
                for (Map.Entry<String, String> h : response.getHeaders().entrySet()) g.writeStringField(h.getKey(), h.getValue());
                g.writeEndObject();
            }
            if (response.getMultiValueHeaders() != null) {
                g.writeObjectFieldStart("multiValueHeaders");
                for (Map.Entry<String, List<String>> h : response.getMultiValueHeaders().entrySet()) {
                    g.writeArrayFieldStart(h.getKey());
                    for (String v : h.getValue()) g.writeString(v);
                    g.writeEndArray();
                }
                g.writeEndObject();
            }
            if (response.getBody() != null) g.writeStringField("body", response.getBody());
            if (response.getIsBase64Encoded() != null) g.writeBooleanField("isBase64Encoded", response.getIsBase64Encoded());
            g.writeEndObject();
        }
    }
}
