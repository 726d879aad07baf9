package dev.intake.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.intake.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A real HTTP client against the local stack. */
final class Http {
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();

    private Http() {}

    /** {@code headers} are name/value pairs. */
    static HttpResponse<String> send(String method, String path, String body, String... headers) {
        return sendBytes(method, path, body == null ? null : body.getBytes(java.nio.charset.StandardCharsets.UTF_8), headers);
    }

    static HttpResponse<String> sendBytes(String method, String path, byte[] body, String... headers) {
        return sendTo(TestStack.get().baseUrl(), method, path, body, headers);
    }

    /** {@link #sendBytes} to another server than the test stack's, at {@code baseUrl}. */
    static HttpResponse<String> sendTo(String baseUrl, String method, String path, byte[] body, String... headers) {
        var b = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        try {
            return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static JsonNode json(HttpResponse<String> res) {
        try {
            return Json.mapper().readTree(res.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON (" + res.statusCode() + "): " + res.body(), e);
        }
    }

    static JsonNode parse(String body) {
        try {
            return Json.mapper().readTree(body);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + body, e);
        }
    }
}
