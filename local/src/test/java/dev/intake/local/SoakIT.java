package dev.intake.local;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.intake.application.CreateWorkspace;
import dev.intake.application.ManageForms;
import dev.intake.domain.Campaign;
import dev.intake.domain.Delivery;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The soak: {@code N} public submits ({@code -Dintake.soak.n}, 2,000 by default; {@code bin/soak} runs
 * 100,000) over real HTTP to a local stack of its own, from {@code -Dintake.soak.clients} (16) concurrent
 * clients, with faults part-way, and then conservation, by submission id:
 * <b>acknowledged = stored = events = deliveries</b>, nothing lost and nothing duplicated.
 *
 * <p>Requests are spread over {@value #ADDRESSES} loopback source addresses (127.77.0.x; the stack takes
 * the IP from the connection, as API Gateway does, never from a header) and {@value #FORMS} forms, so that
 * each (address, form) pair of the rate limit is used once every 6,400 submissions: the rate limit does
 * not answer, though a client would honour its 429 too.
 *
 * <p>Faults, by progress through the submissions:
 * <ul>
 *   <li>15–30 %: ElasticMQ is stopped ({@link Emulators#stopSqs()}), then started again;</li>
 *   <li>45–60 %: DynamoDB throttles: each attempt of a call by the handlers, the relay or the trigger fails
 *       with {@code ProvisionedThroughputExceededException} with probability {@code -Dintake.soak.ddbThrottle}
 *       (0.25) ({@link DynamoFaults}). The campaign trigger is spared unless {@code -Dintake.soak.throttleTrigger=true}
 *       ({@code bin/soak} sets it): a delivery whose result could not be recorded keeps its 2-minute lease,
 *       which would add over two minutes to the test suite;</li>
 *   <li>70–85 %: the webhook receiver answers 503 to a fraction {@code -Dintake.soak.webhookFailures} (0.2)
 *       of the deliveries, which the trigger retries through SQS.</li>
 * </ul>
 * A client retries a 503, 429 or 409 (honouring {@code Retry-After}, at most {@value #MAX_RETRY_AFTER_MS} ms)
 * and a transport error, with the same body and {@code Idempotency-Key}, at most {@value #MAX_ATTEMPTS} times.
 *
 * <p>Counts: acknowledged (the submission ids of the 201s, one per key), stored (read back from the
 * Submissions table), events (the delivery records of the one webhook campaign: the trigger consumed the
 * event), deliveries (records {@code SUCCEEDED}) and webhooks (distinct {@code Intake-Event-Id}s the receiver
 * answered 2xx). Webhooks are at least once by design (docs/webhooks.md: receivers deduplicate by event id),
 * so a repeated 2xx is reported, and allowed only for a delivery that took more than one attempt. The figures
 * are printed on one line starting with {@code SOAK}.
 */
class SoakIT {
    private static final int N = Integer.getInteger("intake.soak.n", 2_000);
    private static final int IN_FLIGHT = Integer.getInteger("intake.soak.clients", 16);
    private static final double DDB_THROTTLE = Double.parseDouble(System.getProperty("intake.soak.ddbThrottle", "0.25"));
    private static final boolean THROTTLE_TRIGGER = Boolean.getBoolean("intake.soak.throttleTrigger");
    private static final double WEBHOOK_FAILURES = Double.parseDouble(System.getProperty("intake.soak.webhookFailures", "0.2"));
    private static final int FORMS = 100;
    private static final int ADDRESSES = 64;
    private static final int MAX_ATTEMPTS = 100;
    private static final long MAX_RETRY_AFTER_MS = 10_000;
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    private static final String CAMPAIGN = "cmp_Soak";

    /** What the clients saw. */
    private final Map<String, String> acknowledged = new ConcurrentHashMap<>(); // idempotency key -> submission id
    private final Map<String, String> conflictingAcks = new ConcurrentHashMap<>(); // key -> "id1 != id2"
    private final Map<String, String> unexpected = new ConcurrentHashMap<>(); // key -> status and body
    private final Set<String> abandoned = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicLong> retries = new ConcurrentHashMap<>(); // cause -> count
    private final AtomicLong replays = new AtomicLong();

    @Test
    void faultsPartWay_everyAcknowledgedSubmissionIsStoredOnceAndDeliveredOnce() throws Exception {
        DynamoFaults dynamoFaults = new DynamoFaults();
        Logger root = Logger.getLogger("");
        Level level = root.getLevel();
        root.setLevel(Level.WARNING); // one INFO line per delivery from the campaign trigger would be N lines
        ExecutorService httpPool = Executors.newFixedThreadPool(4, r -> Thread.ofPlatform().daemon(true).name("soak-http").unstarted(r));
        try (IntakeLocal stack = startStack(dynamoFaults); Receiver receiver = new Receiver()) {
            CreateWorkspace.Secrets ws = stack.services().createWorkspace.create("Soak", new CreateWorkspace.Secrets(null, null, null, null, null));
            List<String> forms = new ArrayList<>();
            for (int f = 0; f < FORMS; f++) forms.add(contactForm(stack, ws.workspaceId(), "Soak " + f));
            stack.services().campaigns.create(HandlerEventsIT.webhookCampaign(ws.workspaceId(), CAMPAIGN,
                    new Campaign.Trigger(Campaign.Trigger.FORM_SUBMITTED, null, null), receiver.url("/soak")));
            HttpClient[] clients = new HttpClient[ADDRESSES];
            for (int a = 0; a < ADDRESSES; a++) {
                clients[a] = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(httpPool)
                        .localAddress(InetAddress.getByAddress(new byte[] {127, 77, 0, (byte) (a + 1)}))
                        .connectTimeout(Duration.ofSeconds(5)).build();
            }
            System.out.printf(Locale.ROOT, "soak: %d submissions, %d in flight, %d forms x %d addresses; DynamoDB throttle %.2f%s, webhook failures %.2f%n",
                    N, IN_FLIGHT, FORMS, ADDRESSES, DDB_THROTTLE, THROTTLE_TRIGGER ? " (trigger too)" : "", WEBHOOK_FAILURES);

            // Submit, switching the faults on and off on the way.
            long start = System.nanoTime();
            long sqsDownNanos = 0;
            long sqsStoppedAt = 0;
            Semaphore slots = new Semaphore(IN_FLIGHT);
            List<CompletableFuture<Void>> sent = new ArrayList<>(N);
            try {
                for (int i = 0; i < N; i++) {
                    if (i == N * 15 / 100) {
                        stack.emulators().stopSqs();
                        sqsStoppedAt = System.nanoTime();
                        System.out.println("soak: " + i + " sent; ElasticMQ stopped");
                    } else if (i == N * 30 / 100) {
                        stack.emulators().startSqs();
                        sqsDownNanos += System.nanoTime() - sqsStoppedAt;
                        System.out.println("soak: " + i + " sent; ElasticMQ started again");
                    } else if (i == N * 45 / 100) {
                        dynamoFaults.throttle(DDB_THROTTLE, !THROTTLE_TRIGGER);
                        System.out.println("soak: " + i + " sent; DynamoDB throttling on" + (THROTTLE_TRIGGER ? "" : " (not for the trigger)"));
                    } else if (i == N * 60 / 100) {
                        dynamoFaults.throttle(0);
                        System.out.println("soak: " + i + " sent; DynamoDB throttling off");
                    } else if (i == N * 70 / 100) {
                        receiver.failing(WEBHOOK_FAILURES);
                        System.out.println("soak: " + i + " sent; webhook receiver failing");
                    } else if (i == N * 85 / 100) {
                        receiver.failing(0);
                        System.out.println("soak: " + i + " sent; webhook receiver healthy");
                    } else if (i > 0 && i % Math.max(1, N / 10) == 0) {
                        System.out.printf(Locale.ROOT, "soak: %d sent, %d acknowledged, %d webhooks, %.0f s%n", i, acknowledged.size(),
                                receiver.delivered(), (System.nanoTime() - start) / 1e9);
                    }
                    assertTrue(slots.tryAcquire(5, TimeUnit.MINUTES), "a client slot was busy for 5 minutes");
                    Submission s = new Submission(i, forms.get((i / ADDRESSES) % FORMS), clients[i % ADDRESSES], stack.baseUrl());
                    sent.add(send(s).whenComplete((v, e) -> slots.release()));
                }
                CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(600 + N / 5, TimeUnit.SECONDS);
            } finally {
                dynamoFaults.throttle(0);
                receiver.failing(0);
                if (!stack.emulators().sqsRunning()) {
                    stack.emulators().startSqs();
                    sqsDownNanos += System.nanoTime() - sqsStoppedAt;
                }
            }
            long submitted = System.nanoTime() - start;
            System.out.printf(Locale.ROOT, "soak: all %d answered in %.1f s (%d acknowledged); draining%n", N, submitted / 1e9, acknowledged.size());

            // Drain: every acknowledged submission's webhook answered 2xx, and nothing left on the events queue.
            Set<String> ackIds = new HashSet<>(acknowledged.values());
            String queue = stack.services().config.eventsQueueUrl();
            try {
                await().atMost(Duration.ofSeconds(300 + N / 20)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                    long missing = ackIds.stream().filter(id -> !receiver.wasDelivered(eventId(id))).count();
                    return missing == 0 && "0".equals(queueAttribute(stack, queue, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES));
                });
                System.out.printf(Locale.ROOT, "soak: every webhook answered after %.1f s%n", (System.nanoTime() - start) / 1e9);
                // A delivery whose webhook went out but whose result could not be recorded (DynamoDB throttled)
                // keeps its 2-minute lease; the retry after it sends again and records SUCCEEDED.
                Set<String> pending = deliveryRecords(stack, ws.workspaceId()).values().stream()
                        .filter(d -> d.status() != Delivery.Status.SUCCEEDED).map(Delivery::eventId).collect(Collectors.toSet());
                if (!pending.isEmpty()) System.out.println("soak: waiting for " + pending.size() + " delivery record(s) to say SUCCEEDED");
                await().atMost(Duration.ofSeconds(300)).pollInterval(Duration.ofSeconds(2)).until(() -> {
                    pending.removeIf(e -> stack.services().deliveries.find(ws.workspaceId(), CAMPAIGN, e)
                            .filter(d -> d.status() == Delivery.Status.SUCCEEDED).isPresent());
                    return pending.isEmpty();
                });
            } catch (ConditionTimeoutException e) {
                System.out.println("soak: the pipeline did not drain in time: " + e.getMessage());
            }
            long total = System.nanoTime() - start;

            // Count, by submission id.
            Set<String> stored = storedIds(stack, forms);
            Map<String, Delivery> records = deliveryRecords(stack, ws.workspaceId());
            Set<String> events = records.keySet().stream().map(SoakIT::submissionId).collect(Collectors.toSet());
            Set<String> succeeded = records.values().stream().filter(d -> d.status() == Delivery.Status.SUCCEEDED)
                    .map(d -> submissionId(d.eventId())).collect(Collectors.toSet());
            Set<String> webhooks = receiver.deliveredEvents().stream().map(SoakIT::submissionId).collect(Collectors.toSet());
            Map<String, Integer> repeated = receiver.repeated();
            List<String> repeatedOnFirstAttempt = repeated.keySet().stream()
                    .filter(e -> records.get(e) == null || records.get(e).attempts() < 2).sorted().limit(10).toList();
            String dlq = queueAttribute(stack, stack.queueUrls().get("EventsDLQ"), QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES);
            long retried = retries.values().stream().mapToLong(AtomicLong::get).sum();

            System.out.printf(Locale.ROOT, "SOAK n=%d acknowledged=%d stored=%d events=%d deliveries=%d webhooks=%d webhook_repeats=%d "
                            + "abandoned=%d unexpected=%d replays=%d retries=%d retries_by_cause=%s faults=ddb_throttled:%d/%d+sqs_down_ms:%d"
                            + "+webhook_503:%d dlq=%s seconds=%.1f submit_seconds=%.1f rps=%.1f%n",
                    N, ackIds.size(), stored.size(), events.size(), succeeded.size(), webhooks.size(),
                    repeated.values().stream().mapToInt(n -> n - 1).sum(), abandoned.size(), unexpected.size(), replays.get(), retried,
                    new TreeMap<>(retries), dynamoFaults.throttled(), dynamoFaults.attempts(), sqsDownNanos / 1_000_000,
                    receiver.failed(), dlq, total / 1e9, submitted / 1e9, N / (submitted / 1e9));

            assertEquals(Map.of(), unexpected, "answers other than 201, 503, 429 and 409");
            assertEquals(Set.of(), abandoned, "submissions given up after " + MAX_ATTEMPTS + " attempts");
            assertEquals(Map.of(), conflictingAcks, "one Idempotency-Key, two submission ids");
            assertEquals(N, acknowledged.size(), "every submission acknowledged");
            assertEquals(N, ackIds.size(), "one submission id per acknowledged submission");
            assertSame("stored", ackIds, stored);
            assertSame("events (delivery records)", ackIds, events);
            assertSame("deliveries (SUCCEEDED)", ackIds, succeeded);
            assertSame("webhooks (2xx)", ackIds, webhooks);
            assertEquals(List.of(), repeatedOnFirstAttempt, "webhooks answered 2xx twice although the delivery took one attempt");
            assertEquals("0", dlq, "events on the dead-letter queue");
        } finally {
            httpPool.shutdownNow();
            root.setLevel(level);
        }
    }

    /** Equal sets, or a message with the sizes and a few ids missing on either side. */
    private static void assertSame(String what, Set<String> acknowledged, Set<String> actual) {
        List<String> lost = acknowledged.stream().filter(id -> !actual.contains(id)).sorted().toList();
        List<String> extra = actual.stream().filter(id -> !acknowledged.contains(id)).sorted().toList();
        assertTrue(lost.isEmpty() && extra.isEmpty(), () -> what + ": " + actual.size() + " for " + acknowledged.size()
                + " acknowledged; lost " + lost.size() + " " + lost.stream().limit(10).toList()
                + ", not acknowledged " + extra.size() + " " + extra.stream().limit(10).toList());
    }

    /** The soak's own stack, so that stopping SQS and throttling DynamoDB touch no other test. */
    private static IntakeLocal startStack(DynamoFaults faults) throws Exception {
        // The local stack's default backoff (1 s, doubling); other tests in this JVM may have set 0.
        String before = System.getProperty("INTAKE_RETRY_BASE_SECONDS");
        System.setProperty("INTAKE_RETRY_BASE_SECONDS", "1");
        try {
            return IntakeLocal.start(IntakeLocal.Options.defaults().withPort(0).withDynamoInterceptors(faults));
        } finally {
            if (before == null) System.clearProperty("INTAKE_RETRY_BASE_SECONDS");
            else System.setProperty("INTAKE_RETRY_BASE_SECONDS", before);
        }
    }

    private static String contactForm(IntakeLocal stack, String workspaceId, String name) {
        var draft = new ManageForms.FormDraft(name, List.of(
                new ManageForms.FieldDraft(null, "email", "email", "Email", true, null, null, null),
                new ManageForms.FieldDraft(null, "name", "text", "Name", false, null, null, null),
                new ManageForms.FieldDraft(null, "message", "textarea", "Message", false, null, null, null)), null, false);
        return stack.services().manageForms.create(workspaceId, draft).form().id();
    }

    /** One submission: its request is the same on every attempt, key included. */
    private record Submission(String key, HttpRequest request, HttpClient client, AtomicInteger attempts) {
        Submission(int i, String formId, HttpClient client, String baseUrl) {
            this("soak-" + i, HttpRequest.newBuilder(URI.create(baseUrl + "/api/forms/" + formId + "/submit"))
                    .timeout(REQUEST_TIMEOUT)
                    .header("Content-Type", "application/json")
                    .header("Idempotency-Key", "soak-" + i)
                    .header("User-Agent", "intake-soak")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"soak" + i + "@example.com\",\"name\":\"Soak " + i
                            + "\",\"message\":\"Submission " + i + " of the soak: conservation under faults.\"}"))
                    .build(), client, new AtomicInteger());
        }
    }

    /** Sends until acknowledged, refused for good, or out of attempts; retries wait on a timer, not a sleeping thread. */
    private CompletableFuture<Void> send(Submission s) {
        s.attempts().incrementAndGet();
        return s.client().sendAsync(s.request(), HttpResponse.BodyHandlers.ofString())
                .handle((res, error) -> retryDelay(s, res, error))
                .thenCompose(delay -> delay < 0 ? CompletableFuture.<Void>completedFuture(null)
                        : CompletableFuture.runAsync(() -> {}, CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS))
                                .thenCompose(x -> send(s)));
    }

    /** Records the answer; the milliseconds to wait before the next attempt, or -1 when done. */
    private long retryDelay(Submission s, HttpResponse<String> res, Throwable error) {
        String cause;
        long delay;
        if (error != null) {
            Throwable e = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            cause = e.getClass().getSimpleName();
            delay = 1_000;
        } else if (res.statusCode() == 201) {
            String id = submissionIdOf(res.body());
            if (res.headers().firstValue("Idempotent-Replayed").isPresent()) replays.incrementAndGet();
            String first = acknowledged.putIfAbsent(s.key(), id);
            if (first != null && !first.equals(id)) conflictingAcks.put(s.key(), first + " != " + id);
            return -1;
        } else if (res.statusCode() == 503 || res.statusCode() == 429 || res.statusCode() == 409) {
            cause = Integer.toString(res.statusCode());
            delay = res.headers().firstValue("Retry-After").map(SoakIT::seconds).orElse(1_000L);
        } else {
            unexpected.put(s.key(), res.statusCode() + " " + res.body());
            return -1;
        }
        retries.computeIfAbsent(cause, k -> new AtomicLong()).incrementAndGet();
        if (s.attempts().get() >= MAX_ATTEMPTS) {
            abandoned.add(s.key());
            return -1;
        }
        return Math.min(MAX_RETRY_AFTER_MS, delay);
    }

    private static long seconds(String retryAfter) {
        try {
            return Math.max(0, Long.parseLong(retryAfter.trim())) * 1_000;
        } catch (NumberFormatException e) {
            return 1_000;
        }
    }

    /** {@code {"success":true,"submissionId":"sub_…"}} */
    private static String submissionIdOf(String body) {
        String marker = "\"submissionId\":\"";
        int i = body.indexOf(marker);
        if (i < 0) throw new IllegalStateException("no submissionId in " + body);
        int from = i + marker.length();
        return body.substring(from, body.indexOf('"', from));
    }

    private static String eventId(String submissionId) {
        return "evt_" + submissionId.substring(submissionId.indexOf('_') + 1);
    }

    private static String submissionId(String eventId) {
        return "sub_" + eventId.substring(eventId.indexOf('_') + 1);
    }

    private static String queueAttribute(IntakeLocal stack, String url, QueueAttributeName name) {
        return stack.sqs().getQueueAttributes(r -> r.queueUrl(url).attributeNames(name)).attributes().get(name);
    }

    /** Every submission id in the forms' partitions of the Submissions table, read with the stack's unfaulted client. */
    private static Set<String> storedIds(IntakeLocal stack, List<String> forms) {
        Set<String> ids = new HashSet<>();
        String table = stack.services().config.tables().submissions();
        for (String form : forms) {
            stack.dynamo().queryPaginator(r -> r.tableName(table).keyConditionExpression("pk = :p").consistentRead(true)
                            .projectionExpression("sk").expressionAttributeValues(Map.of(":p", AttributeValue.fromS(form))))
                    .items().forEach(item -> ids.add(item.get("sk").s()));
        }
        return ids;
    }

    /** The soak campaign's delivery records by event id (throttling is off by now). */
    private static Map<String, Delivery> deliveryRecords(IntakeLocal stack, String workspaceId) {
        Map<String, Delivery> out = new HashMap<>();
        String after = null;
        for (int page = 0; page < 1_000_000; page++) {
            var slice = stack.services().deliveries.list(workspaceId, CAMPAIGN, after, 1_000);
            slice.items().forEach(d -> out.put(d.eventId(), d));
            if (!slice.hasMore() || slice.items().isEmpty()) break;
            after = slice.items().getLast().eventId();
        }
        return out;
    }

    /**
     * The webhook endpoint: answers 204, or 503 to a chosen fraction of requests while {@link #failing} is
     * set, and counts the 2xx answers by {@code Intake-Event-Id}.
     */
    private static final class Receiver implements AutoCloseable {
        private final HttpServer server;
        private final Map<String, AtomicInteger> ok = new ConcurrentHashMap<>();
        private final AtomicLong failed = new AtomicLong();
        private volatile double failing;

        Receiver() throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 128);
            server.setExecutor(Executors.newFixedThreadPool(4, r -> Thread.ofPlatform().daemon(true).name("soak-webhooks").unstarted(r)));
            server.createContext("/", ex -> {
                try (ex) {
                    ex.getRequestBody().readAllBytes();
                    String id = ex.getRequestHeaders().getFirst("Intake-Event-Id");
                    double f = failing;
                    if (f > 0 && ThreadLocalRandom.current().nextDouble() < f) {
                        failed.incrementAndGet();
                        ex.sendResponseHeaders(503, -1);
                        return;
                    }
                    if (id != null) ok.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
                    ex.sendResponseHeaders(204, -1);
                }
            });
            server.start();
        }

        String url(String path) { return "http://127.0.0.1:" + server.getAddress().getPort() + path; }

        void failing(double fraction) { failing = fraction; }

        long failed() { return failed.get(); }

        long delivered() { return ok.size(); }

        boolean wasDelivered(String eventId) { return ok.containsKey(eventId); }

        Set<String> deliveredEvents() { return Set.copyOf(ok.keySet()); }

        /** Events answered 2xx more than once, with how often. */
        Map<String, Integer> repeated() {
            Map<String, Integer> out = new TreeMap<>();
            ok.forEach((id, n) -> {
                if (n.get() > 1) out.put(id, n.get());
            });
            return out;
        }

        @Override
        public void close() {
            server.stop(0);
            ((ExecutorService) server.getExecutor()).shutdownNow();
        }
    }
}
