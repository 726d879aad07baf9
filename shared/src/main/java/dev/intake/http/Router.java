package dev.intake.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.intake.domain.IntakeException;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Dispatches on API Gateway's route template and method, and maps every error through {@link Errors}.
 * A handler declares its routes once; the template routes the same paths to it.
 */
public final class Router {
    /**
     * The longest id a path may carry, in UTF-8 bytes. Every id Intake issues or accepts is far shorter (caller form
     * ids are at most 128 characters), and longer ones would overflow DynamoDB's key limits: such an id cannot
     * exist, so it is answered like an unknown one.
     */
    public static final int MAX_ID_BYTES = 512;

    private final Map<String, Map<String, Function<ApiRequest, ApiResponse>>> routes = new HashMap<>();

    public Router on(String method, String resource, Function<ApiRequest, ApiResponse> action) {
        routes.computeIfAbsent(resource, k -> new HashMap<>()).put(method, action);
        return this;
    }

    public APIGatewayProxyResponseEvent handle(APIGatewayProxyRequestEvent event) {
        ApiRequest req = new ApiRequest(event);
        return dispatch(req).toEvent();
    }

    /** The name of a path parameter over {@link #MAX_ID_BYTES}, or null. */
    private static String tooLongId(ApiRequest req) {
        var params = req.event().getPathParameters();
        if (params == null) return null;
        for (var e : params.entrySet()) {
            if (e.getValue() != null && e.getValue().getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_ID_BYTES) {
                return e.getKey();
            }
        }
        return null;
    }

    public ApiResponse dispatch(ApiRequest req) {
        try {
            var byMethod = routes.get(req.resource());
            if (byMethod == null) throw new IntakeException.NotFound("Route " + req.method() + " " + req.path());
            var action = byMethod.get(req.method());
            if (action == null) {
                return Errors.json(405, "method_not_allowed", "Use one of: " + new TreeSet<>(byMethod.keySet()), null)
                        .header("Allow", String.join(", ", new TreeSet<>(byMethod.keySet())));
            }
            // A CORS preflight answers 204 whatever the id (the browser then reads the POST's 404).
            String tooLong = req.method().equals("OPTIONS") ? null : tooLongId(req);
            if (tooLong != null) {
                return Errors.json(404, "not_found", "Not found: '" + tooLong + "' is longer than " + MAX_ID_BYTES
                        + " bytes, and no id is", null);
            }
            return action.apply(req);
        } catch (RuntimeException e) {
            return Errors.toResponse(e);
        }
    }
}
