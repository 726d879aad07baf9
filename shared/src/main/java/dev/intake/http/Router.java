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
    private final Map<String, Map<String, Function<ApiRequest, ApiResponse>>> routes = new HashMap<>();

    public Router on(String method, String resource, Function<ApiRequest, ApiResponse> action) {
        routes.computeIfAbsent(resource, k -> new HashMap<>()).put(method, action);
        return this;
    }

    public APIGatewayProxyResponseEvent handle(APIGatewayProxyRequestEvent event) {
        ApiRequest req = new ApiRequest(event);
        return dispatch(req).toEvent();
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
            return action.apply(req);
        } catch (RuntimeException e) {
            return Errors.toResponse(e);
        }
    }
}
