package dev.intake.http;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * An API Gateway proxy handler that the Lambda runtime hands the event's bytes. When a handler class is both
 * a {@link RequestStreamHandler} and a {@link RequestHandler}, the Java runtime calls the stream method
 * (its {@code EventHandlerLoader} checks for it first). The event is then read and the answer written with
 * Intake's own Jackson, which is already loaded, instead of the runtime's event serializer: that serializer
 * costs about 0.3 s of every cold start. The local stack and the tests call {@link #handleRequest(Object,
 * Context)} with the event object, as before, and {@code ProxyStreamIT} checks that both ways read
 * and write the same, and {@code ProxyEventsTest} the reading itself.
 *
 * @see ProxyEvents
 */
public interface ProxyStreamHandler
        extends RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent>, RequestStreamHandler {

    @Override
    default void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        ProxyEvents.write(handleRequest(ProxyEvents.read(input), context), output);
    }
}
