package dev.intake.local;


import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A webhook receiver on 127.0.0.1 for tests: records every request and answers with a status the test
 * chooses (200 unless told otherwise).
 */
final class WebhookReceiver implements AutoCloseable {
    /** One request as received; header names are lower case. */
    record Request(String path, Map<String, String> headers, byte[] body) {
        String text() { return new String(body, StandardCharsets.UTF_8); }

        String header(String name) { return headers.get(name.toLowerCase(Locale.ROOT)); }
    }

    private final HttpServer server;
    private final List<Request> requests = new ArrayList<>();
    private volatile java.util.function.IntUnaryOperator status = n -> 200;

    private WebhookReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.createContext("/", ex -> {
            try (ex) {
                Map<String, String> headers = new LinkedHashMap<>();
                ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
                Request r = new Request(ex.getRequestURI().getPath(), headers, ex.getRequestBody().readAllBytes());
                int n;
                synchronized (requests) {
                    requests.add(r);
                    n = requests.size();
                }
                ex.sendResponseHeaders(status.applyAsInt(n), -1);
            }
        });
        server.start();
    }

    static WebhookReceiver start() {
        try {
            return new WebhookReceiver();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    String url(String path) { return "http://127.0.0.1:" + server.getAddress().getPort() + path; }

    /** The status later requests get. */
    void respondWith(int code) { status = n -> code; }

    /** The status of the n-th request (counting from 1, across paths). */
    void respond(java.util.function.IntUnaryOperator byRequestNumber) { status = byRequestNumber; }

    List<Request> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    List<Request> requests(String path) {
        return requests().stream().filter(r -> r.path().equals(path)).toList();
    }

    /** Waits (bounded) until at least {@code n} requests reached {@code path}; returns them all. */
    List<Request> await(String path, int n) {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> requests(path).size() >= n);
        return requests(path);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
