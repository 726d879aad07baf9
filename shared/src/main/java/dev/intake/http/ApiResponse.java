package dev.intake.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.intake.json.Json;
import java.util.LinkedHashMap;
import java.util.Map;

/** A response under construction; {@link #toEvent()} gives API Gateway's shape. */
public final class ApiResponse {
    private final Map<String, String> headers = new LinkedHashMap<>();
    private final String body;

    private int status;

    private ApiResponse(int status, String contentType, String body) {
        this.status = status;
        this.body = body;
        if (contentType != null) headers.put("Content-Type", contentType);
    }

    public static ApiResponse json(int status, JsonNode body) {
        return new ApiResponse(status, "application/json", Json.write(body));
    }

    public static ApiResponse html(int status, String body) {
        return new ApiResponse(status, "text/html; charset=utf-8", body);
    }

    public static ApiResponse empty(int status) {
        return new ApiResponse(status, null, null);
    }

    /** A 303 See Other: what a browser form post is answered with. */
    public static ApiResponse seeOther(String location) {
        return new ApiResponse(303, null, null).header("Location", location).header("Cache-Control", "no-store");
    }

    /** A response as it was first sent, for idempotent replays. */
    public static ApiResponse stored(int status, Map<String, String> headers, String body) {
        ApiResponse r = new ApiResponse(status, null, body);
        r.headers.putAll(headers);
        return r;
    }

    /** The same response with another status (an error shape reused for a rarer status). */
    public ApiResponse withStatus(int newStatus) {
        this.status = newStatus;
        return this;
    }

    public ApiResponse header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    public ApiResponse headers(Map<String, String> more) {
        headers.putAll(more);
        return this;
    }

    public int status() { return status; }

    public String body() { return body; }

    public Map<String, String> headers() { return headers; }

    public APIGatewayProxyResponseEvent toEvent() {
        return new APIGatewayProxyResponseEvent().withStatusCode(status).withHeaders(headers).withBody(body)
                .withIsBase64Encoded(false);
    }
}
