package dev.intake.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.intake.domain.IntakeException;
import dev.intake.json.Json;
import java.lang.System.Logger.Level;

/**
 * The one mapping from errors to responses: {@code {"error":{"code","message","fields"}}}. Unexpected
 * exceptions are logged by class only (messages may carry submitted values) and answered with a bare 500.
 */
public final class Errors {
    private static final System.Logger LOG = System.getLogger("intake");

    private Errors() {}

    public static ApiResponse toResponse(Throwable t) {
        if (t instanceof IntakeException e) {
            ApiResponse r = json(status(e), e.code(), e.getMessage(), e);
            int retryAfter = retryAfter(e);
            if (retryAfter > 0) r.header("Retry-After", Integer.toString(retryAfter));
            return r;
        }
        LOG.log(Level.ERROR, "unhandled " + t.getClass().getName() + " at " + where(t));
        return json(500, "internal_error", "Something went wrong on our side", null);
    }

    public static ApiResponse json(int status, String code, String message, IntakeException e) {
        ObjectNode body = Json.object();
        ObjectNode error = body.putObject("error");
        error.put("code", code);
        error.put("message", message);
        if (e instanceof IntakeException.Invalid inv && !inv.fields().isEmpty()) {
            ArrayNode fields = error.putArray("fields");
            inv.fields().forEach(fields::add);
        }
        return ApiResponse.json(status, body);
    }

    public static int status(IntakeException e) {
        return switch (e) {
            case IntakeException.NotFound n -> 404;
            case IntakeException.Invalid i -> 400;
            case IntakeException.Unauthorized u -> 401;
            case IntakeException.Forbidden f -> 403;
            case IntakeException.Conflict c -> 409;
            case IntakeException.TooLarge t -> 413;
            case IntakeException.Unavailable u -> 503;
            case IntakeException.RateLimited r -> 429;
        };
    }

    /** Seconds a client should wait before retrying, or 0 when a retry would not help. */
    public static int retryAfter(IntakeException e) {
        return switch (e) {
            case IntakeException.Unavailable u -> u.retryAfterSeconds();
            case IntakeException.RateLimited r -> r.retryAfterSeconds();
            default -> 0;
        };
    }

    private static String where(Throwable t) {
        StackTraceElement[] st = t.getStackTrace();
        return st.length == 0 ? "?" : st[0].getClassName() + ":" + st[0].getLineNumber();
    }
}
