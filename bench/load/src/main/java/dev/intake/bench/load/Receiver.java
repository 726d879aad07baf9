package dev.intake.bench.load;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/** A webhook receiver on 127.0.0.1: answers 200 to everything and counts requests and distinct event ids. */
final class Receiver implements AutoCloseable {
    private final HttpServer server;
    private final AtomicLong requests = new AtomicLong();
    private final Set<String> events = ConcurrentHashMap.newKeySet();

    Receiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 128);
        server.setExecutor(Executors.newFixedThreadPool(4, r -> Thread.ofPlatform().daemon(true).name("webhook-receiver").unstarted(r)));
        server.createContext("/", ex -> {
            try (ex) {
                ex.getRequestBody().readAllBytes();
                String id = ex.getRequestHeaders().getFirst("Intake-Event-Id");
                if (id != null) events.add(id);
                requests.incrementAndGet();
                ex.sendResponseHeaders(200, -1);
            }
        });
        server.start();
    }

    String url(String path) { return "http://127.0.0.1:" + server.getAddress().getPort() + path; }

    long requests() { return requests.get(); }

    long distinctEvents() { return events.size(); }

    boolean received(String eventId) { return events.contains(eventId); }

    @Override
    public void close() {
        server.stop(0);
    }
}
