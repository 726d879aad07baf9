package dev.intake.local;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.segment.analytics.Analytics;
import com.segment.analytics.messages.AliasMessage;
import com.segment.analytics.messages.GroupMessage;
import com.segment.analytics.messages.IdentifyMessage;
import com.segment.analytics.messages.PageMessage;
import com.segment.analytics.messages.ScreenMessage;
import com.segment.analytics.messages.TrackMessage;
import com.sun.net.httpserver.HttpServer;
import dev.intake.application.CreateWorkspace;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.IllegalFormatException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * Two real third-party tracking clients against the Segment-compatible {@code /v1} routes: the Segment
 * Java library ({@code com.segment.analytics.java:analytics}) and the RudderStack Java SDK
 * ({@code com.rudderstack.sdk.java.analytics:analytics}), both unmodified. Each client gets a
 * {@code Log} that records every line and a {@code Callback} that records every success and failure;
 * a run passes only with a success for every message, no failure, and no error or retry line.
 *
 * <p>The {@code *_onTheWire} tests point the clients at a loopback recorder instead of the stack, and
 * pin down what each one sends: Segment posts plain JSON to {@code /v1/import/} with the write key in
 * the body and no Authorization header; RudderStack posts gzip (chunked) to {@code /v1/batch} with
 * {@code Basic base64(writeKey + ":")} and no write key in the body.
 */
class TrackingClientsIT {
    private static final Duration SETTLE = Duration.ofSeconds(10);
    private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    /** Log lines that mean a batch did not simply go through. */
    private static final Pattern TROUBLE = Pattern.compile("(?i)retr|giving up|could not|exhausted|interrupted|shutdown has been called");
    /** identify, anonymous identify, track, group, alias, page, screen. */
    private static final List<String> TYPES = List.of("identify", "identify", "track", "group", "alias", "page", "screen");

    // ------------------------------------------------------------------ against the stack

    @Test
    void segmentClient_identifyTrackGroupAlias_landOnThePerson() {
        var ws = Fixtures.workspace();
        var outcome = new Outcome("segment");
        ExecutorService network = Executors.newSingleThreadExecutor(daemon("segment-it-network"));
        Analytics analytics = segment(ws.writeKey(), TestStack.get().baseUrl(), outcome, network);
        try {
            sendScenario(analytics);
            outcome.awaitClean(TYPES.size());
        } finally {
            close(analytics::shutdown, network);
        }
        outcome.assertAnswered("<-- 200 OK " + TestStack.get().baseUrl() + "/v1/import/ ");
        assertEffects(ws, outcome);
    }

    @Test
    void rudderstackClient_identifyTrackGroupAlias_landOnThePerson() {
        var ws = Fixtures.workspace();
        var outcome = new Outcome("rudderstack");
        ExecutorService network = Executors.newSingleThreadExecutor(daemon("rudder-it-network"));
        var analytics = Rudder.client(ws.writeKey(), TestStack.get().baseUrl(), outcome, network);
        try {
            Rudder.sendScenario(analytics);
            outcome.awaitClean(TYPES.size());
        } finally {
            close(analytics::shutdown, network);
        }
        outcome.assertAnswered("<-- 200 OK " + TestStack.get().baseUrl() + "/v1/batch ");
        assertEffects(ws, outcome);
    }

    /** What both scenarios must leave behind, read back through the people API. */
    private static void assertEffects(CreateWorkspace.Secrets ws, Outcome outcome) {
        var res = findPerson(ws, "id", "u-1");
        assertEquals(200, res.statusCode(), () -> "person u-1 after " + outcome + ": " + res.body());
        JsonNode person = Http.json(res);
        String personId = person.path("id").asText();
        assertTrue(personId.matches("per_[0-9A-Za-z]{16}"), person.toString());

        // identify(u-1, {email, name, plan})
        assertEquals("u-1", person.path("identifiers").path("id").asText(), person.toString());
        assertEquals("jane.doe@example.com", person.path("identifiers").path("email").asText(), "the email is a lowercased identifier: " + person);
        assertEquals("Jane", person.path("attributes").path("name").asText(), person.toString());
        assertEquals("pro", person.path("attributes").path("plan").asText(), person.toString());
        assertFalse(person.path("attributes").has("email"), "identifiers are not repeated as attributes: " + person);

        // identify(anonymousId anon-7, u-1)
        assertTrue(texts(person.path("anonymousIds")).contains("anon-7"), "anonymousIds: " + person);

        // track(u-1, Order Completed, {total: 42}) — with the client's messageId and timestamp
        Sent track = outcome.sent("track");
        JsonNode event = StreamSupport.stream(person.path("events").spliterator(), false)
                .filter(e -> e.path("type").asText().equals("track") && e.path("event").asText().equals("Order Completed"))
                .findFirst().orElseThrow(() -> new AssertionError("no Order Completed event: " + person));
        assertTrue(event.path("properties").path("total").isNumber(), event.toString());
        assertEquals(42, event.path("properties").path("total").asInt(), event.toString());
        assertEquals(track.messageId(), event.path("messageId").asText(), "the client's messageId is kept: " + event);
        Instant at = Instant.parse(event.path("timestamp").asText());
        assertTrue(Duration.between(track.timestamp(), at).abs().compareTo(Duration.ofSeconds(5)) <= 0,
                () -> "event timestamp " + at + " vs the client's " + track.timestamp());

        // group(u-1, acme, {name: Acme})
        boolean inAcme = StreamSupport.stream(person.path("relationships").spliterator(), false)
                .anyMatch(r -> r.path("objectTypeId").asText().equals("1") && r.path("objectId").asText().equals("acme"));
        assertTrue(inAcme, "relationships: " + person);

        // alias(u-old -> u-1)
        var old = findPerson(ws, "id", "u-old");
        assertEquals(200, old.statusCode(), () -> "the alias u-old: " + old.body());
        assertEquals(personId, Http.json(old).path("id").asText(), "u-old resolves to the person of u-1");

        // and the email finds the same person
        var byEmail = findPerson(ws, "email", "jane.doe@example.com");
        assertEquals(200, byEmail.statusCode(), byEmail.body());
        assertEquals(personId, Http.json(byEmail).path("id").asText());
    }

    private static HttpResponse<String> findPerson(CreateWorkspace.Secrets ws, String key, String value) {
        return Http.send("GET", "/api/workspaces/" + ws.workspaceId() + "/people?" + key + "="
                + URLEncoder.encode(value, StandardCharsets.UTF_8), null, "x-api-key", ws.apiKey());
    }

    // ------------------------------------------------------------------ on the wire

    @Test
    void segmentClient_onTheWire_postsPlainJsonToV1Import_withTheWriteKeyInTheBody() throws IOException {
        String writeKey = "wk_segment_wire_test";
        var outcome = new Outcome("segment");
        ExecutorService network = Executors.newSingleThreadExecutor(daemon("segment-wire-network"));
        try (var wire = new WireRecorder()) {
            Analytics analytics = segment(writeKey, wire.url(), outcome, network);
            try {
                sendScenario(analytics);
                outcome.awaitClean(TYPES.size());
            } finally {
                close(analytics::shutdown, network);
            }
            assertEquals(1, wire.requests.size(), () -> "one batch: " + wire.requests);
            WireRecorder.Request req = wire.requests.get(0);
            System.out.println("segment on the wire: " + req + "\n" + req.json().toPrettyString());
            assertEquals("POST", req.method());
            assertEquals("/v1/import/", req.path(), "Analytics.Builder.endpoint(base) appends /v1/import/");
            assertNull(req.query());
            assertNull(req.header("Authorization"), "no Authorization header: the write key travels in the body only");
            assertNull(req.header("Content-Encoding"), "not compressed");
            assertEquals("application/json; charset=UTF-8", req.header("Content-Type"));
            assertEquals("analytics-java/3.5.4", req.header("User-Agent"));
            assertNotNull(req.header("Content-Length"), "a fixed-length body, not chunked");

            JsonNode body = req.json();
            assertEquals(List.of("batch", "context", "sentAt", "sequence", "writeKey"), sortedFields(body), body.toString());
            assertEquals(writeKey, body.path("writeKey").asText());
            assertIso8601(body.path("sentAt"));
            assertTrue(body.path("sequence").isInt(), body.toString());
            JsonNode library = body.path("context").path("library");
            assertEquals("analytics-java", library.path("name").asText(), body.toString());
            assertEquals("3.5.4", library.path("version").asText(), body.toString());
            assertTrue(UUID.matcher(body.path("context").path("instanceId").asText()).matches(), "context.instanceId: " + body);

            JsonNode batch = body.path("batch");
            assertMessages(batch, outcome);
            for (JsonNode m : batch) {
                assertFalse(m.has("context"), "Segment puts context.library on the batch, not on each message: " + m);
                assertFalse(m.has("channel"), m.toString());
                assertFalse(m.has("sentAt"), "sentAt is on the batch only: " + m);
                assertTrue(m.path("integrations").isObject() && m.path("integrations").isEmpty(), m.toString());
            }
        }
    }

    @Test
    void rudderstackClient_onTheWire_postsGzipToV1Batch_withBasicAuth() throws IOException {
        String writeKey = "wk_rudder_wire_test";
        var outcome = new Outcome("rudderstack");
        ExecutorService network = Executors.newSingleThreadExecutor(daemon("rudder-wire-network"));
        try (var wire = new WireRecorder()) {
            var analytics = Rudder.client(writeKey, wire.url(), outcome, network);
            try {
                Rudder.sendScenario(analytics);
                outcome.awaitClean(TYPES.size());
            } finally {
                close(analytics::shutdown, network);
            }
            assertEquals(1, wire.requests.size(), () -> "one batch: " + wire.requests);
            WireRecorder.Request req = wire.requests.get(0);
            System.out.println("rudderstack on the wire: " + req + "\n" + req.json().toPrettyString());
            assertEquals("POST", req.method());
            assertEquals("/v1/batch", req.path(), "setDataPlaneUrl(base) appends /v1/batch");
            assertNull(req.query());
            assertEquals("Basic " + Base64.getEncoder().encodeToString((writeKey + ":").getBytes(StandardCharsets.UTF_8)),
                    req.header("Authorization"), "HTTP Basic with the write key as user and an empty password");
            assertEquals("gzip", req.header("Content-Encoding"));
            assertEquals("application/json", req.header("Content-Type"));
            assertEquals("analytics-java/3.1.2", req.header("User-Agent"), "the same User-Agent product as Segment's library");
            assertEquals("chunked", req.header("Transfer-Encoding"), "the gzip body has no Content-Length");
            assertNull(req.header("Content-Length"));
            assertEquals(0x1f, req.raw()[0] & 0xff, "gzip magic");
            assertEquals(0x8b, req.raw()[1] & 0xff, "gzip magic");

            JsonNode body = req.json();
            assertEquals(List.of("batch", "context", "sentAt", "sequence"), sortedFields(body), "no writeKey in the body: " + body);
            assertIso8601(body.path("sentAt"));
            assertTrue(body.path("sequence").isInt(), body.toString());
            assertEquals("analytics-java", body.path("context").path("library").path("name").asText(), body.toString());
            assertEquals("3.1.2", body.path("context").path("library").path("version").asText(), body.toString());

            JsonNode batch = body.path("batch");
            assertMessages(batch, outcome);
            for (JsonNode m : batch) {
                assertEquals("server", m.path("channel").asText(), m.toString());
                assertEquals("analytics-java", m.path("context").path("library").path("name").asText(), "RudderStack repeats context.library on each message: " + m);
                assertEquals("3.1.2", m.path("context").path("library").path("version").asText(), m.toString());
                assertFalse(m.has("sentAt"), "sentAt is on the batch only: " + m);
            }
        }
    }

    /** The per-message shape both clients share (Segment's spec), in the order they were sent. */
    private static void assertMessages(JsonNode batch, Outcome outcome) {
        assertTrue(batch.isArray(), batch.toString());
        List<String> types = new ArrayList<>();
        batch.forEach(m -> types.add(m.path("type").asText()));
        assertEquals(TYPES, types, "one batch, in call order: " + batch);
        List<String> ids = new ArrayList<>();
        for (JsonNode m : batch) {
            String id = m.path("messageId").asText();
            assertTrue(UUID.matcher(id).matches(), "messageId is a random UUID: " + m);
            ids.add(id);
            assertIso8601(m.path("timestamp"));
        }
        assertEquals(ids.size(), ids.stream().distinct().count());
        assertEquals(new java.util.TreeSet<>(ids), new java.util.TreeSet<>(outcome.succeededIds()), "a success callback per message sent");

        JsonNode identify = batch.get(0);
        assertEquals("u-1", identify.path("userId").asText());
        assertFalse(identify.has("anonymousId"), "null fields are left out, not sent as null: " + identify);
        assertEquals("Jane.Doe@Example.com", identify.path("traits").path("email").asText(), "the client sends the email as given: " + identify);
        assertEquals("Jane", identify.path("traits").path("name").asText());
        assertEquals("pro", identify.path("traits").path("plan").asText());

        JsonNode anonymous = batch.get(1);
        assertEquals("anon-7", anonymous.path("anonymousId").asText(), anonymous.toString());
        assertEquals("u-1", anonymous.path("userId").asText());
        assertFalse(anonymous.has("traits"), "an identify without traits has no traits key: " + anonymous);

        JsonNode track = batch.get(2);
        assertEquals("Order Completed", track.path("event").asText());
        assertEquals(42, track.path("properties").path("total").intValue(), track.toString());
        assertTrue(track.path("properties").path("total").isIntegralNumber(), track.toString());

        JsonNode group = batch.get(3);
        assertEquals("acme", group.path("groupId").asText(), group.toString());
        assertEquals("Acme", group.path("traits").path("name").asText());

        JsonNode alias = batch.get(4);
        assertEquals("u-old", alias.path("previousId").asText(), alias.toString());
        assertEquals("u-1", alias.path("userId").asText());

        JsonNode page = batch.get(5);
        assertEquals("Pricing", page.path("name").asText(), page.toString());
        assertEquals("/pricing", page.path("properties").path("path").asText());

        JsonNode screen = batch.get(6);
        assertEquals("Home", screen.path("name").asText(), screen.toString());
        assertEquals("b", screen.path("properties").path("variant").asText());
    }

    private static void assertIso8601(JsonNode value) {
        assertTrue(value.isTextual(), () -> "an ISO-8601 string: " + value);
        Instant at = Instant.parse(value.asText());
        assertTrue(Duration.between(at, Instant.now()).abs().compareTo(Duration.ofMinutes(5)) < 0, value.toString());
    }

    private static List<String> sortedFields(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        names.sort(null);
        return names;
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    // ------------------------------------------------------------------ Segment

    private static Analytics segment(String writeKey, String baseUrl, Outcome outcome, ExecutorService network) {
        return Analytics.builder(writeKey)
                .endpoint(baseUrl)
                .log(new com.segment.analytics.Log() {
                    @Override
                    public void print(Level level, String format, Object... args) {
                        outcome.log(level.name(), null, format, args);
                    }

                    @Override
                    public void print(Level level, Throwable error, String format, Object... args) {
                        outcome.log(level.name(), error, format, args);
                    }
                })
                .callback(new com.segment.analytics.Callback() {
                    @Override
                    public void success(com.segment.analytics.messages.Message message) {
                        outcome.success(message.type().name(), message.messageId(), message.timestamp());
                    }

                    @Override
                    public void failure(com.segment.analytics.messages.Message message, Throwable error) {
                        outcome.failure(message.type().name(), message.messageId(), error);
                    }
                })
                // Only the explicit flush() sends: one batch, in call order.
                .flushQueueSize(100)
                .flushInterval(1, TimeUnit.HOURS)
                .threadFactory(daemon("segment-it"))
                .networkExecutor(network)
                .build();
    }

    private static void sendScenario(Analytics analytics) {
        analytics.enqueue(IdentifyMessage.builder().userId("u-1")
                .traits(Map.of("email", "Jane.Doe@Example.com", "name", "Jane", "plan", "pro")));
        analytics.enqueue(IdentifyMessage.builder().anonymousId("anon-7").userId("u-1"));
        analytics.enqueue(TrackMessage.builder("Order Completed").userId("u-1").properties(Map.of("total", 42)));
        analytics.enqueue(GroupMessage.builder("acme").userId("u-1").traits(Map.of("name", "Acme")));
        analytics.enqueue(AliasMessage.builder("u-old").userId("u-1"));
        analytics.enqueue(PageMessage.builder("Pricing").userId("u-1").properties(Map.of("path", "/pricing")));
        analytics.enqueue(ScreenMessage.builder("Home").userId("u-1").properties(Map.of("variant", "b")));
        analytics.flush();
    }

    // ------------------------------------------------------------------ RudderStack

    /** The RudderStack SDK reuses Segment's class names in its own packages. */
    private static final class Rudder {
        static com.rudderstack.sdk.java.analytics.RudderAnalytics client(String writeKey, String baseUrl, Outcome outcome, ExecutorService network) {
            return com.rudderstack.sdk.java.analytics.RudderAnalytics.builder(writeKey)
                    .setDataPlaneUrl(baseUrl)
                    .log(new com.rudderstack.sdk.java.analytics.Log() {
                        @Override
                        public void print(Level level, String format, Object... args) {
                            outcome.log(level.name(), null, format, args);
                        }

                        @Override
                        public void print(Level level, Throwable error, String format, Object... args) {
                            outcome.log(level.name(), error, format, args);
                        }
                    })
                    .callback(new com.rudderstack.sdk.java.analytics.Callback() {
                        @Override
                        public void success(com.rudderstack.sdk.java.analytics.messages.Message message) {
                            outcome.success(message.type().name(), message.messageId(), message.timestamp());
                        }

                        @Override
                        public void failure(com.rudderstack.sdk.java.analytics.messages.Message message, Throwable error) {
                            outcome.failure(message.type().name(), message.messageId(), error);
                        }
                    })
                    .flushQueueSize(100)
                    .flushInterval(1, TimeUnit.HOURS)
                    .threadFactory(daemon("rudder-it"))
                    .networkExecutor(network)
                    .build();
        }

        static void sendScenario(com.rudderstack.sdk.java.analytics.RudderAnalytics analytics) {
            analytics.enqueue(com.rudderstack.sdk.java.analytics.messages.IdentifyMessage.builder().userId("u-1")
                    .traits(Map.of("email", "Jane.Doe@Example.com", "name", "Jane", "plan", "pro")));
            analytics.enqueue(com.rudderstack.sdk.java.analytics.messages.IdentifyMessage.builder().anonymousId("anon-7").userId("u-1"));
            analytics.enqueue(com.rudderstack.sdk.java.analytics.messages.TrackMessage.builder("Order Completed").userId("u-1")
                    .properties(Map.of("total", 42)));
            analytics.enqueue(com.rudderstack.sdk.java.analytics.messages.GroupMessage.builder("acme").userId("u-1")
                    .traits(Map.of("name", "Acme")));
            analytics.enqueue(com.rudderstack.sdk.java.analytics.messages.AliasMessage.builder("u-old").userId("u-1"));
            analytics.enqueue(com.rudderstack.sdk.java.analytics.messages.PageMessage.builder("Pricing").userId("u-1")
                    .properties(Map.of("path", "/pricing")));
            analytics.enqueue(com.rudderstack.sdk.java.analytics.messages.ScreenMessage.builder("Home").userId("u-1")
                    .properties(Map.of("variant", "b")));
            analytics.flush();
        }
    }

    // ------------------------------------------------------------------ shared plumbing

    record Sent(String type, String messageId, Instant timestamp) {}

    /** Everything a client reported: its log lines and its per-message callbacks. */
    static final class Outcome {
        private final String client;
        final List<String> log = new CopyOnWriteArrayList<>();
        final List<Sent> succeeded = new CopyOnWriteArrayList<>();
        final List<String> failed = new CopyOnWriteArrayList<>();

        Outcome(String client) {
            this.client = client;
        }

        void log(String level, Throwable error, String format, Object... args) {
            String text;
            try {
                text = String.format(format, args);
            } catch (IllegalFormatException e) {
                text = format + " " + java.util.Arrays.toString(args);
            }
            log.add(level + " " + text + (error == null ? "" : " :: " + error));
        }

        void success(String type, String messageId, Date timestamp) {
            succeeded.add(new Sent(type, messageId, timestamp.toInstant()));
        }

        void failure(String type, String messageId, Throwable error) {
            failed.add(type + " " + messageId + ": " + error);
        }

        /** ERROR lines, and any line about a retry, a give-up or an interruption. */
        List<String> trouble() {
            return log.stream().filter(l -> l.startsWith("ERROR ") || TROUBLE.matcher(l).find()).toList();
        }

        /** Waits (bounded) until every message has a callback or something went wrong, then demands a clean run. */
        void awaitClean(int messages) {
            try {
                await().atMost(SETTLE).pollInterval(Duration.ofMillis(50))
                        .until(() -> succeeded.size() + failed.size() >= messages || !trouble().isEmpty());
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                fail("no callback for every message within " + SETTLE + ": " + this, e);
            }
            assertEquals(List.of(), failed, () -> "failure callbacks: " + this);
            assertEquals(List.of(), trouble(), () -> "error or retry lines: " + this);
            assertEquals(messages, succeeded.size(), () -> "success callbacks: " + this);
        }

        /** The client's own HTTP log (OkHttp, level BASIC) shows one request, answered as expected. */
        void assertAnswered(String response) {
            List<String> responses = log.stream().filter(l -> l.contains("<-- ")).toList();
            assertEquals(1, responses.size(), () -> "one response: " + this);
            assertTrue(responses.get(0).contains(response), () -> "expected " + response + ": " + this);
        }

        Sent sent(String type) {
            return succeeded.stream().filter(s -> s.type().equals(type)).findFirst()
                    .orElseThrow(() -> new AssertionError("no " + type + " success: " + this));
        }

        List<String> succeededIds() {
            return succeeded.stream().map(Sent::messageId).toList();
        }

        @Override
        public String toString() {
            return client + " {succeeded=" + succeeded + ", failed=" + failed + ", log=\n  " + String.join("\n  ", log) + "\n}";
        }
    }

    /** Shuts the client down (it waits for its looper), then stops our network thread, backoff sleeps included. */
    private static void close(Runnable shutdown, ExecutorService network) {
        try {
            shutdown.run();
        } finally {
            network.shutdownNow();
        }
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** A loopback HTTP server that records every request and answers {@code 200 {"success":true}}. */
    static final class WireRecorder implements AutoCloseable {
        record Request(String method, String path, String query, Map<String, List<String>> headers, byte[] raw) {
            String header(String name) {
                List<String> values = headers.get(name);
                return values == null || values.isEmpty() ? null : values.get(0);
            }

            JsonNode json() {
                byte[] bytes = raw;
                if ("gzip".equalsIgnoreCase(header("Content-Encoding"))) {
                    try (var in = new GZIPInputStream(new ByteArrayInputStream(raw))) {
                        bytes = in.readAllBytes();
                    } catch (IOException e) {
                        throw new UncheckedIOException("not gzip", e);
                    }
                }
                return Http.parse(new String(bytes, StandardCharsets.UTF_8));
            }

            @Override
            public String toString() {
                return method + " " + path + (query == null ? "" : "?" + query) + " " + headers + " (" + raw.length + " bytes)";
            }
        }

        private static final int MAX_BODY = 4 * 1024 * 1024;
        private final HttpServer server;
        final List<Request> requests = new CopyOnWriteArrayList<>();

        WireRecorder() throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
            server.createContext("/", ex -> {
                try (ex) {
                    byte[] body = ex.getRequestBody().readNBytes(MAX_BODY);
                    Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
                    ex.getRequestHeaders().forEach((k, v) -> headers.put(k, List.copyOf(v)));
                    requests.add(new Request(ex.getRequestMethod(), ex.getRequestURI().getRawPath(),
                            ex.getRequestURI().getRawQuery(), headers, body));
                    byte[] out = "{\"success\":true}".getBytes(StandardCharsets.UTF_8);
                    ex.getResponseHeaders().add("Content-Type", "application/json");
                    ex.sendResponseHeaders(200, out.length);
                    ex.getResponseBody().write(out);
                }
            });
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
