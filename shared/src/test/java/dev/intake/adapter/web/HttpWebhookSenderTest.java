package dev.intake.adapter.web;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.intake.application.WebhookSignature;
import dev.intake.application.port.WebhookSender.Result;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(20)
class HttpWebhookSenderTest {
    private static final String SECRET = "whsec_test";
    private static final byte[] BODY = "{\"type\":\"form.submitted\",\"id\":\"evt_1\",\"name\":\"Zoë\"}".getBytes(StandardCharsets.UTF_8);
    // Generous for answers (a loaded CI machine must not turn them into timeouts), short where a timeout is the point.
    private static final Duration GENEROUS = Duration.ofSeconds(10);
    private static final Duration SHORT = Duration.ofMillis(300);

    record Received(String method, String path, Headers headers, byte[] body) {}

    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private HttpServer server;
    private int port;

    @BeforeEach
    void startReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(executor);
        server.createContext("/", exchange -> {
            received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    exchange.getRequestHeaders(), exchange.getRequestBody().readAllBytes()));
            switch (exchange.getRequestURI().getPath()) {
                case "/ok" -> answer(exchange, 200, "{\"ok\":true}");
                case "/accepted" -> answer(exchange, 202, "");
                case "/large" -> answer(exchange, 200, "x".repeat(1 << 20));
                case "/fail" -> answer(exchange, 500, "boom");
                case "/redirect" -> {
                    exchange.getResponseHeaders().add("Location", "http://127.0.0.1:" + port + "/target");
                    answer(exchange, 302, "");
                }
                case "/auth" -> {
                    exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"hooks\"");
                    answer(exchange, 401, "{\"error\":\"unauthorized\"}");
                }
                case "/hang" -> await(exchange);
                case "/trickle" -> {
                    exchange.sendResponseHeaders(200, 0); // chunked, and never finished
                    exchange.getResponseBody().write("{\"ok\":".getBytes(StandardCharsets.UTF_8));
                    exchange.getResponseBody().flush();
                    await(exchange);
                }
                default -> answer(exchange, 404, "");
            }
        });
        server.start();
        port = server.getAddress().getPort();
    }

    @AfterEach
    void stopReceiver() {
        release.countDown();
        server.stop(0);
        executor.shutdownNow();
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private void await(HttpExchange exchange) {
        try {
            release.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        exchange.close();
    }

    private URI url(String path) { return URI.create("http://127.0.0.1:" + port + path); }

    private static HttpWebhookSender sender(boolean allowPrivate) {
        return new HttpWebhookSender(new TargetPolicy(allowPrivate), GENEROUS, GENEROUS);
    }

    private static HttpWebhookSender impatient(Duration requestTimeout) {
        return new HttpWebhookSender(new TargetPolicy(true), GENEROUS, requestTimeout);
    }

    @Test
    void post_whenReceiverAnswers200_deliversBodyAndHeadersIntact() {
        long now = System.currentTimeMillis() / 1000;
        Map<String, String> headers = Map.of(
                "Intake-Event-Id", "evt_1", "Intake-Delivery-Id", "dlv_1",
                WebhookSignature.HEADER, WebhookSignature.header(SECRET, now, BODY));

        Result result = sender(true).post(url("/ok"), BODY, headers);

        assertEquals(new Result.Delivered(200), result);
        assertEquals(1, received.size());
        Received r = received.getFirst();
        assertEquals("POST", r.method());
        assertArrayEquals(BODY, r.body());
        assertEquals("application/json", r.headers().getFirst("Content-Type"));
        assertEquals("Intake-Webhooks/1.0", r.headers().getFirst("User-Agent"));
        assertEquals("evt_1", r.headers().getFirst("Intake-Event-Id"));
        assertEquals("dlv_1", r.headers().getFirst("Intake-Delivery-Id"));
        assertTrue(WebhookSignature.verify(SECRET, r.headers().getFirst("Intake-Signature"), r.body(), now, 300));
    }

    @Test
    void post_whenCallerSetsContentTypeOrUserAgent_sendsOursInstead() {
        sender(true).post(url("/ok"), BODY, Map.of("Content-Type", "text/plain", "User-Agent", "curl"));

        assertEquals(List.of("application/json"), received.getFirst().headers().get("Content-Type"));
        assertEquals(List.of("Intake-Webhooks/1.0"), received.getFirst().headers().get("User-Agent"));
    }

    @Test
    void post_whenReceiverAnswers202WithoutBody_isDelivered() {
        assertEquals(new Result.Delivered(202), sender(true).post(url("/accepted"), BODY, Map.of()));
    }

    @Test
    void post_whenResponseBodyIsLarge_isDeliveredWithoutReadingItAll() {
        assertEquals(new Result.Delivered(200), sender(true).post(url("/large"), BODY, Map.of()));
    }

    @Test
    void post_whenReceiverAnswers500_failsWithTheStatus() {
        assertEquals(new Result.Failed(500, "HTTP 500"), sender(true).post(url("/fail"), BODY, Map.of()));
    }

    @Test
    void post_whenReceiverAnswers404_failsWithTheStatus() {
        assertEquals(new Result.Failed(404, "HTTP 404"), sender(true).post(url("/missing"), BODY, Map.of()));
    }

    @Test
    void post_whenReceiverAsksForCredentials_failsWithTheStatus() {
        assertEquals(new Result.Failed(401, "HTTP 401"), sender(true).post(url("/auth"), BODY, Map.of()));
        assertEquals(1, received.size(), "sent once, never again with credentials");
    }

    @Test
    void post_whenReceiverRedirects_failsWithoutFollowing() {
        Result result = sender(true).post(url("/redirect"), BODY, Map.of());

        assertEquals(new Result.Failed(302, "HTTP 302 (redirects are not followed)"), result);
        assertEquals(List.of("/redirect"), received.stream().map(Received::path).toList());
    }

    @Test
    void post_whenReceiverNeverAnswers_failsAsTimedOut() {
        Result result = impatient(SHORT).post(url("/hang"), BODY, Map.of());

        assertEquals(new Result.Failed(null, "timed out after 300 ms"), result);
    }

    @Test
    void post_whenSocketAcceptsButNeverSpeaksHttp_failsAsTimedOut() throws IOException {
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Result result = impatient(SHORT).post(URI.create("http://127.0.0.1:" + silent.getLocalPort() + "/"), BODY, Map.of());

            assertEquals(new Result.Failed(null, "timed out after 300 ms"), result);
        }
    }

    /** Without the close at the deadline this would wait for the receiver forever (see the class's @Timeout). */
    @Test
    void post_whenResponseBodyNeverEnds_returnsTheStatusAtTheDeadline() {
        assertEquals(new Result.Delivered(200), impatient(Duration.ofSeconds(1)).post(url("/trickle"), BODY, Map.of()));
    }

    @Test
    void post_whenConnectionRefused_failsWithoutStatus() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }

        Result result = sender(true).post(URI.create("http://127.0.0.1:" + closedPort + "/"), BODY, Map.of());

        Result.Failed failed = assertInstanceOf(Result.Failed.class, result);
        assertNull(failed.status());
        assertTrue(failed.error().startsWith("could not connect to 127.0.0.1:" + closedPort), failed.error());
        assertTrue(!failed.error().contains("\n") && failed.error().length() < 200, failed.error());
    }

    @Test
    void post_whenHostDoesNotResolve_failsWithoutStatus() {
        Result result = sender(false).post(URI.create("https://no-such-host.invalid/hook"), BODY, Map.of());

        assertEquals(new Result.Failed(null, "could not resolve no-such-host.invalid"), result);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "http://127.0.0.1:PORT/ok", "http://localhost:PORT/ok", "http://[::1]:PORT/ok",
            "http://169.254.169.254/latest/meta-data", "http://10.0.0.1/", "http://0.0.0.0:PORT/ok",
            "http://[::ffff:127.0.0.1]:PORT/ok", "http://2130706433:PORT/ok",
            "http://[64:ff9b::7f00:1]:PORT/ok", "http://[fd00:ec2::254]/latest/meta-data",
    })
    void post_whenTargetIsPrivate_isRefusedAndNothingIsSent(String target) {
        Result result = sender(false).post(URI.create(target.replace("PORT", String.valueOf(port))), BODY, Map.of());

        assertInstanceOf(Result.Refused.class, result);
        assertEquals(List.of(), received);
    }

    @Test
    void post_whenNameResolvesToLoopback_saysWhichAddress() {
        Result result = sender(false).post(URI.create("http://localhost:" + port + "/ok"), BODY, Map.of());

        Result.Refused refused = assertInstanceOf(Result.Refused.class, result);
        assertTrue(refused.reason().startsWith("localhost resolves to a refused address: "), refused.reason());
        assertTrue(refused.reason().endsWith(" is a loopback address"), refused.reason());
    }

    @Test
    void post_whenLiteralIsLoopback_givesTheShortReason() {
        assertEquals(new Result.Refused("127.0.0.1 is a loopback address"),
                sender(false).post(url("/ok"), BODY, Map.of()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://127.0.0.1:PORT/ok", "http://user:pass@example.com/", "http://user:pass@127.0.0.1:PORT/ok"})
    void post_whenSchemeOrCredentialsAreWrong_isRefusedEvenWhenPrivateAllowed(String target) {
        Result result = sender(true).post(URI.create(target.replace("PORT", String.valueOf(port))), BODY, Map.of());

        assertInstanceOf(Result.Refused.class, result);
        assertEquals(List.of(), received);
    }

    @Test
    void post_whenCallerPassesARestrictedHeader_isRefusedInsteadOfThrowing() {
        Result result = sender(true).post(url("/ok"), BODY, Map.of("Host", "evil.example"));

        assertInstanceOf(Result.Refused.class, result);
        assertEquals(List.of(), received);
    }

    @ParameterizedTest
    @ValueSource(strings = {"X-Test: a\r\nX-Injected: b", "X-Test: a\nb", "X-Test: nul\u0000", "X-Test: \u2603",
            "Bad Name: x", "X-Test\r\nX-Injected: x", "Origin: https://example.com", "Transfer-Encoding: chunked"})
    void post_whenAHeaderCannotBeSentAsGiven_isRefusedAndNothingIsSent(String header) {
        int colon = header.indexOf(": ");
        Result result = sender(true).post(url("/ok"), BODY, Map.of(header.substring(0, colon), header.substring(colon + 2)));

        Result.Refused refused = assertInstanceOf(Result.Refused.class, result, header);
        assertTrue(refused.reason().startsWith("the request is invalid: "), refused.reason());
        assertEquals(List.of(), received);
    }

    @Test
    void post_sendsAnyAccept_notTheConnectionsBrowserDefault_andKeepsACallersOwn() {
        sender(true).post(url("/ok"), BODY, Map.of());
        sender(true).post(url("/ok"), BODY, Map.of("Accept", "application/json"));

        assertEquals(List.of("*/*"), received.get(0).headers().get("Accept"));
        assertEquals(List.of("application/json"), received.get(1).headers().get("Accept"));
    }

    @Test
    void post_manyInARow_eachGetsItsOwnStatus() {
        // Kept-alive connections are reused between posts; an answer left unread must not leak into the next.
        List<Result> results = new java.util.ArrayList<>();
        for (String path : List.of("/large", "/ok", "/fail", "/accepted", "/large", "/missing", "/ok")) {
            results.add(sender(true).post(url(path), BODY, Map.of()));
        }
        assertEquals(List.of(new Result.Delivered(200), new Result.Delivered(200), new Result.Failed(500, "HTTP 500"),
                new Result.Delivered(202), new Result.Delivered(200), new Result.Failed(404, "HTTP 404"), new Result.Delivered(200)), results);
        assertEquals(7, received.size());
    }
}
