package dev.intake.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import dev.intake.domain.IntakeException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** A read-only view of an API Gateway (REST, payload 1.0) request with case-insensitive headers. */
public final class ApiRequest {
    private final APIGatewayProxyRequestEvent event;
    private final Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    private String idempotencyAttempt;

    public ApiRequest(APIGatewayProxyRequestEvent event) {
        this.event = event;
        if (event.getHeaders() != null) event.getHeaders().forEach((k, v) -> { if (k != null && v != null) headers.put(k, v); });
    }

    /**
     * While {@link Idempotency} runs a request under an {@code Idempotency-Key}: the token of the key's first
     * attempt ({@link dev.intake.domain.Ids#attempt}), the same for a retry that takes over after that attempt
     * died half-way. Null without the header.
     */
    public String idempotencyAttempt() { return idempotencyAttempt; }

    void idempotencyAttempt(String attempt) { this.idempotencyAttempt = attempt; }

    public String method() { return event.getHttpMethod() == null ? "" : event.getHttpMethod().toUpperCase(Locale.ROOT); }

    /** The route template, e.g. {@code /api/forms/{formId}/submit}. */
    public String resource() { return event.getResource(); }

    public String path() { return event.getPath(); }

    public String pathParam(String name) {
        return event.getPathParameters() == null ? null : event.getPathParameters().get(name);
    }

    public String query(String name) {
        return event.getQueryStringParameters() == null ? null : event.getQueryStringParameters().get(name);
    }

    /** A whole-number query parameter, or null when absent; anything else is a 400 naming it. */
    public Integer integerQuery(String name) {
        String v = query(name);
        if (v == null) return null;
        try {
            // Integer.valueOf alone would also take other scripts' digits (a full-width '１').
            if (!v.trim().matches("[+-]?[0-9]{1,10}")) throw new NumberFormatException();
            return Integer.valueOf(v.trim());
        } catch (NumberFormatException e) {
            throw new IntakeException.Invalid("invalid_" + name, "'" + name + "' must be a whole number", List.of(name));
        }
    }

    public String header(String name) { return headers.get(name); }

    /** The client address API Gateway saw; client-supplied headers such as X-Forwarded-For are ignored. */
    public String sourceIp() {
        var ctx = event.getRequestContext();
        return ctx == null || ctx.getIdentity() == null ? null : ctx.getIdentity().getSourceIp();
    }

    public String contentType() {
        String ct = header("Content-Type");
        return ct == null ? "" : ct.toLowerCase(Locale.ROOT);
    }

    public byte[] bodyBytes() {
        String body = event.getBody();
        if (body == null) return new byte[0];
        return Boolean.TRUE.equals(event.getIsBase64Encoded())
                ? Base64.getDecoder().decode(body)
                : body.getBytes(StandardCharsets.UTF_8);
    }

    public APIGatewayProxyRequestEvent event() { return event; }
}
