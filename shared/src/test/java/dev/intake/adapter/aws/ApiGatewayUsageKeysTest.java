package dev.intake.adapter.aws;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.intake.domain.IntakeException;
import dev.intake.domain.UsageKey;
import dev.intake.json.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** The usage-key adapter against a loopback server that answers like API Gateway's management API. */
@Timeout(20)
class ApiGatewayUsageKeysTest {
    record Received(String method, String path, Map<String, String> headers, JsonNode body) {}

    /** One canned failure, by "METHOD path": status, x-amzn-ErrorType, message. */
    record Failure(int status, String type, String message) {}

    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Map<String, Failure> failures = new ConcurrentHashMap<>();
    private HttpServer server;
    private ApiGatewayUsageKeys keys;

    @BeforeEach
    void startFakeApiGateway() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::answer);
        server.start();
        var credentials = StaticCredentialsProvider.create(AwsSessionCredentials.create("AKIDEXAMPLE", "secret", "session-token"));
        keys = new ApiGatewayUsageKeys(URI.create("http://127.0.0.1:" + server.getAddress().getPort()), "eu-west-1", "plan42", credentials);
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void answer(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        Map<String, String> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        ex.getRequestHeaders().forEach((k, v) -> headers.put(k, v.getFirst()));
        byte[] raw = ex.getRequestBody().readAllBytes();
        JsonNode body = raw.length == 0 ? null : Json.mapper().readTree(raw);
        received.add(new Received(ex.getRequestMethod(), path, headers, body));
        Failure failure = failures.get(ex.getRequestMethod() + " " + path);
        if (failure != null) {
            if (failure.type() != null) ex.getResponseHeaders().add("x-amzn-ErrorType", failure.type() + ":http://internal.amazon.com/coral/");
            send(ex, failure.status(), "{\"message\":\"" + failure.message() + "\"}");
        } else if (ex.getRequestMethod().equals("POST") && path.equals("/apikeys")) {
            send(ex, 201, "{\"id\":\"k1abc2def3\",\"value\":\"" + body.path("value").asText() + "\",\"name\":\"" + body.path("name").asText()
                    + "\",\"enabled\":true,\"createdDate\":1700000000}");
        } else if (ex.getRequestMethod().equals("POST") && path.equals("/usageplans/plan42/keys")) {
            send(ex, 201, "{\"id\":\"" + body.path("keyId").asText() + "\",\"type\":\"API_KEY\",\"name\":\"n\"}");
        } else if (ex.getRequestMethod().equals("PATCH") && path.startsWith("/apikeys/")) {
            send(ex, 200, "{\"id\":\"" + path.substring(9) + "\",\"enabled\":false}");
        } else {
            send(ex, 404, "{\"message\":\"Invalid API identifier specified\"}");
        }
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Test
    void register_createsAnEnabledKeyWithARandomValue_thenAttachesItToThePlan() {
        UsageKey key = keys.register("ws_Acme123456", "sk_live_AbCd");

        assertEquals("k1abc2def3", key.id());
        assertTrue(key.value().matches("uk_[0-9A-Za-z]{32}"), key.value());
        assertEquals(2, received.size());
        Received create = received.get(0);
        assertEquals("POST", create.method());
        assertEquals("/apikeys", create.path());
        assertEquals(key.value(), create.body().path("value").asText());
        assertTrue(create.body().path("enabled").asBoolean());
        assertTrue(create.body().path("name").asText().contains("ws_Acme123456"), create.body().toString());
        assertTrue(create.body().path("name").asText().contains("sk_live_AbCd"), create.body().toString());
        Received attach = received.get(1);
        assertEquals("POST", attach.method());
        assertEquals("/usageplans/plan42/keys", attach.path());
        assertEquals(Json.object().put("keyId", "k1abc2def3").put("keyType", "API_KEY"), attach.body());
        assertNotEquals(key.value(), keys.register("ws_Acme123456", "sk_live_AbCd").value(), "every key gets a fresh value");
    }

    @Test
    void everyCall_isSignedWithSigV4ForApiGatewayInTheRegion() {
        UsageKey key = keys.register("ws_1", "sk_live_1234");
        keys.disable(key);

        assertEquals(3, received.size());
        for (Received r : received) {
            String auth = r.headers().get("Authorization");
            assertNotNull(auth, r.method() + " " + r.path() + " is not signed");
            assertTrue(auth.matches("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/\\d{8}/eu-west-1/apigateway/aws4_request, "
                    + "SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*, Signature=[0-9a-f]{64}"), auth);
            assertTrue(auth.contains("x-amz-date"), auth);
            assertTrue(r.headers().get("X-Amz-Date").matches("\\d{8}T\\d{6}Z"), r.headers().toString());
            assertEquals("session-token", r.headers().get("X-Amz-Security-Token"));
            assertEquals("application/json", r.headers().get("Content-Type"));
        }
    }

    @Test
    void disable_patchesEnabledToFalse() {
        keys.disable(new UsageKey("k9zzz8yyy7", "uk_whatever"));

        Received patch = received.getFirst();
        assertEquals("PATCH", patch.method());
        assertEquals("/apikeys/k9zzz8yyy7", patch.path());
        JsonNode op = patch.body().path("patchOperations").get(0);
        assertEquals("replace", op.path("op").asText());
        assertEquals("/enabled", op.path("path").asText());
        assertEquals("false", op.path("value").asText());
        assertEquals(1, patch.body().path("patchOperations").size());
    }

    @Test
    void disable_whenTheKeyIsGoneOrWasNeverInApiGateway_isFine() {
        failures.put("PATCH /apikeys/k9gone0000", new Failure(404, "NotFoundException", "Invalid API Key identifier specified"));

        keys.disable(new UsageKey("k9gone0000", "uk_whatever"));
        keys.disable(new UsageKey(null, "uk_local"));

        assertEquals(1, received.size(), "a key without an id is not sent anywhere");
    }

    @Test
    void register_whenApiGatewayRefuses_throwsUnavailableNamingTheCallAndTheReason() {
        failures.put("POST /apikeys", new Failure(403, "AccessDeniedException", "User: arn:aws:sts::1:assumed-role/admin is not authorized to perform: apigateway:POST"));

        var e = assertThrows(IntakeException.Unavailable.class, () -> keys.register("ws_1", "sk_live_1234"));

        assertTrue(e.getMessage().contains("403"), e.getMessage());
        assertTrue(e.getMessage().contains("POST /apikeys"), e.getMessage());
        assertTrue(e.getMessage().contains("AccessDeniedException"), e.getMessage());
        assertTrue(e.getMessage().contains("not authorized to perform: apigateway:POST"), e.getMessage());
        assertEquals(0, e.retryAfterSeconds(), "a refusal does not go away by retrying");
        assertEquals(1, received.size(), "nothing is attached when the key was not created");
    }

    @Test
    void register_whenThePlanIsMissingOrApiGatewayFails_throwsUnavailable() {
        failures.put("POST /usageplans/plan42/keys", new Failure(404, "NotFoundException", "Invalid Usage Plan ID specified"));
        var missing = assertThrows(IntakeException.Unavailable.class, () -> keys.register("ws_1", "sk_live_1234"));
        assertTrue(missing.getMessage().contains("404") && missing.getMessage().contains("Invalid Usage Plan ID specified"), missing.getMessage());

        failures.clear();
        failures.put("POST /apikeys", new Failure(500, null, "Internal server error"));
        var broken = assertThrows(IntakeException.Unavailable.class, () -> keys.register("ws_1", "sk_live_1234"));
        assertTrue(broken.getMessage().contains("500"), broken.getMessage());
        assertTrue(broken.retryAfterSeconds() > 0, "a server error may pass");
    }

    @Test
    void disable_whenApiGatewayFails_throws() {
        failures.put("PATCH /apikeys/k1abc2def3", new Failure(429, "TooManyRequestsException", "Too Many Requests"));

        var e = assertThrows(IntakeException.Unavailable.class, () -> keys.disable(new UsageKey("k1abc2def3", "uk_x")));
        assertTrue(e.getMessage().contains("429") && e.getMessage().contains("PATCH /apikeys/k1abc2def3"), e.getMessage());
    }

    @Test
    void register_whenApiGatewayIsUnreachable_throwsUnavailable() throws IOException {
        int port;
        try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        var unreachable = new ApiGatewayUsageKeys(URI.create("http://127.0.0.1:" + port), "eu-west-1", "plan42",
                StaticCredentialsProvider.create(AwsSessionCredentials.create("a", "b", "c")));

        assertThrows(IntakeException.Unavailable.class, () -> unreachable.register("ws_1", "sk_live_1234"));
    }

    @Test
    void endpoint_isApiGatewaysManagementEndpointOfTheRegion() {
        var config = new dev.intake.config.IntakeConfig("eu-west-1", null, null, null, null).withUsagePlanId("abc123");
        // Built, not called: only the wiring of region and endpoint is checked here.
        assertNotNull(AwsClients.usageKeys(config));
        assertThrows(IllegalArgumentException.class, () -> new ApiGatewayUsageKeys(URI.create("https://x"), "eu-west-1", "bad/plan",
                StaticCredentialsProvider.create(AwsSessionCredentials.create("a", "b", "c"))));
    }
}
