package dev.intake.bench.load;

import dev.intake.application.WebhookSignature;
import dev.intake.application.port.SubmissionStore;
import dev.intake.domain.Campaign;
import dev.intake.domain.CampaignAction;
import dev.intake.domain.Delivery;
import dev.intake.local.IntakeLocal;
import java.lang.management.ManagementFactory;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * bench/load.sh: public submits from a closed-loop load generator (JDK HttpClient, HTTP/1.1 keep-alive) to
 * the local stack on loopback, in this JVM. {@code C} clients ({@code BENCH_LOAD_C}, 32), each a thread with
 * its own connection from its own address 127.10.x.y, send a fixed share of {@code N} 1 KB submissions
 * ({@code BENCH_LOAD_N}, 20,000) of new people, after a warm-up ({@code BENCH_LOAD_WARMUP}, 2,000) that is
 * not timed. Each client cycles over enough forms that no (address, form) pair is used more than
 * {@value #PER_PAIR} times in the whole run, so the rate limit (10 a minute) never answers. One webhook
 * campaign listens to every form of the workspace, and its receiver runs here too.
 *
 * <p>Then it waits (at most {@code BENCH_LOAD_SETTLE_S}, 120 s) until every acknowledged submission's
 * webhook has arrived or nothing has moved for 15 s, and compares, by submission id: acknowledged (201),
 * stored (read back from the Submissions table), delivery records (the Campaigns table: the trigger
 * consumed the event) and webhooks received. {@code lost} counts the acknowledged submissions missing from
 * any of them (warm-up included). Thread CPU time during the timed run is printed by thread group, to show
 * where the two cores go.
 */
public final class LoadBench {
    static final int PER_PAIR = 9;
    private static final String CAMPAIGN = "cmp_Load";

    private LoadBench() {}

    public static void main(String[] args) throws Exception {
        int status = 1;
        // One INFO line per delivery from the campaign trigger would be 20,000 lines on stderr.
        Logger.getLogger("").setLevel(Level.WARNING);
        try {
            run(Bench.env("BENCH_LOAD_N", 20_000), Bench.env("BENCH_LOAD_C", 32), Bench.env("BENCH_LOAD_WARMUP", 2_000),
                    Bench.env("BENCH_LOAD_MAX_S", 45), Bench.env("BENCH_LOAD_SETTLE_S", 120));
            status = 0;
        } catch (Throwable e) {
            e.printStackTrace();
        } finally {
            System.exit(status);
        }
    }

    /** What the clients saw. */
    static final class Tally {
        final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        final Map<String, AtomicLong> outcomes = new ConcurrentHashMap<>();

        void count(String outcome) {
            outcomes.computeIfAbsent(outcome, k -> new AtomicLong()).incrementAndGet();
        }
    }

    private static void run(int n, int clients, int warmup, int maxSeconds, int settleSeconds) throws Exception {
        int perClient = (n + clients - 1) / clients;
        int warmPerClient = (warmup + clients - 1) / clients;
        int formCount = Math.max(1, (perClient + warmPerClient + PER_PAIR - 1) / PER_PAIR);
        try (IntakeLocal stack = Bench.startStack(); Receiver receiver = new Receiver()) {
            String ws = Bench.workspace(stack).workspaceId();
            String[] forms = new String[formCount];
            for (int i = 0; i < formCount; i++) forms[i] = Bench.contactForm(stack, ws, "Contact " + i);
            Instant now = Instant.now();
            stack.services().campaigns.create(new Campaign(ws, CAMPAIGN, "Every form", new Campaign.Trigger(Campaign.Trigger.FORM_SUBMITTED, null, null),
                    List.of(new CampaignAction.Webhook(receiver.url("/hook"), WebhookSignature.newSecret())), true, now, now));
            Bench.log("load: %d clients x %d requests (+ %d warm-up each), %d forms, one webhook campaign on every form",
                    clients, perClient, warmPerClient, formCount);

            HttpClient[] http = new HttpClient[clients];
            for (int c = 0; c < clients; c++) http[c] = Bench.client(10 + c / 250, c % 250, 1);
            Tally tally = new Tally();

            // Warm-up: not timed. Then let the pipeline drain, so the timed run starts from an idle stack.
            long t0 = System.nanoTime();
            runPhase(stack, http, forms, 0, warmPerClient, tally, null, Long.MAX_VALUE).countDown();
            Bench.log("load: warm-up of %d submissions in %d ms", clients * warmPerClient, (System.nanoTime() - t0) / 1_000_000);
            long warmAcked = tally.acknowledged.size();
            DdbBench.waitFor(() -> receiver.distinctEvents() >= warmAcked, 120_000, "the warm-up's webhooks");

            // The timed run.
            long[][] latencies = new long[clients][];
            Map<String, Long> cpuBefore = Bench.threadCpu();
            long cpuProcessBefore = Bench.processCpuNanos();
            long gcBefore = Bench.gcMillis();
            long jitBefore = ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
            Map<String, long[]> callsBefore = CallLog.totals();
            long ackBefore = tally.acknowledged.size();
            long start = System.nanoTime();
            long deadline = start + maxSeconds * 1_000_000_000L;
            CountDownLatch release = runPhase(stack, http, forms, warmPerClient, perClient, tally, latencies, deadline);
            long elapsed = System.nanoTime() - start;
            long cpuProcess = Bench.processCpuNanos() - cpuProcessBefore;
            Map<String, Long> cpuDuring = Bench.minus(Bench.threadCpu(), cpuBefore); // the clients' threads still live
            release.countDown();
            long gc = Bench.gcMillis() - gcBefore;
            long jit = ManagementFactory.getCompilationMXBean().getTotalCompilationTime() - jitBefore;
            Map<String, long[]> calls = CallLog.totals();
            callsBefore.forEach((op, t) -> calls.computeIfPresent(op, (k, after) -> new long[] {after[0] - t[0], after[1] - t[1]}));
            long ackDuring = tally.acknowledged.size() - ackBefore;
            long deliveredAtEnd = receiver.distinctEvents();

            long[] all = Arrays.stream(latencies).flatMapToLong(Arrays::stream).sorted().toArray();
            double rps = all.length / (elapsed / 1e9);
            Bench.log("load: timed run: %d requests in %.2f s%s; outcomes over the whole run: %s", all.length, elapsed / 1e9,
                    all.length < (long) perClient * clients ? " (stopped at the " + maxSeconds + " s limit, BENCH_LOAD_MAX_S)" : "",
                    new TreeMap<>(tally.outcomes));
            Bench.log("load: latency ms: p50 %.2f, p90 %.2f, p99 %.2f, p99.9 %.2f, max %.2f", ms(pct(all, 50)), ms(pct(all, 90)),
                    ms(pct(all, 99)), ms(pct(all, 99.9)), ms(all[all.length - 1]));
            Bench.log("load: CPU during the timed run: process %.1f s of %.1f s wall on %d cores (%.0f%% of the machine)",
                    cpuProcess / 1e9, elapsed / 1e9, Runtime.getRuntime().availableProcessors(),
                    100.0 * cpuProcess / elapsed / Runtime.getRuntime().availableProcessors());
            long javaThreads = cpuDuring.values().stream().mapToLong(Long::longValue).sum();
            cpuDuring.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(12)
                    .forEach(e -> Bench.log("load:   %6.1f s  %3.0f%%  %s", e.getValue() / 1e9, 100.0 * e.getValue() / cpuProcess, e.getKey()));
            Bench.log("load:   %6.1f s  %3.0f%%  (not in Java threads: GC, JIT, VM; GC pauses took %.1f s, JIT compiling %.1f s of thread time)",
                    (cpuProcess - javaThreads) / 1e9, 100.0 * (cpuProcess - javaThreads) / cpuProcess, gc / 1e3, jit / 1e3);
            long dynamoCalls = calls.values().stream().mapToLong(t -> t[0]).sum();
            long dynamoLocalCpu = cpuDuring.entrySet().stream()
                    .filter(e -> e.getKey().startsWith("qtp") || e.getKey().startsWith("SQLiteQueue")).mapToLong(Map.Entry::getValue).sum();
            Bench.log("load: DynamoDB calls during the timed run: %d (%.1f per acknowledged submission, the event pipeline's included); "
                            + "DynamoDB Local's threads (Jetty qtp*, SQLiteQueue) used %.2f ms of CPU per call", dynamoCalls,
                    ackDuring == 0 ? 0.0 : (double) dynamoCalls / ackDuring, dynamoCalls == 0 ? 0.0 : dynamoLocalCpu / 1e6 / dynamoCalls);
            calls.forEach((op, t) -> {
                if (t[0] > 0) Bench.log("load:   %-20s %7d calls, mean latency %.2f ms", op, t[0], t[1] / 1e6 / t[0]);
            });
            Bench.log("load: when the timed run ended, %d of %d acknowledged submissions had their webhook (%d behind)",
                    deliveredAtEnd, tally.acknowledged.size(), tally.acknowledged.size() - deliveredAtEnd);

            // Settle: every acknowledged submission's webhook, or no progress for 15 s, or the time limit.
            long settleStart = System.nanoTime();
            deadline = settleStart + settleSeconds * 1_000_000_000L;
            long last = -1;
            long lastChange = System.nanoTime();
            while (receiver.distinctEvents() < tally.acknowledged.size() && System.nanoTime() < deadline
                    && System.nanoTime() - lastChange < 15_000_000_000L) {
                long d = receiver.distinctEvents();
                if (d != last) {
                    last = d;
                    lastChange = System.nanoTime();
                }
                Bench.sleep(250);
            }
            long settled = System.nanoTime() - settleStart;
            long behind = tally.acknowledged.size() - receiver.distinctEvents();
            double drained = settled > 0 ? (receiver.distinctEvents() - deliveredAtEnd) / (settled / 1e9) : 0.0;
            if (behind <= 0) {
                Bench.log("load: the event pipeline caught up %.1f s after the timed run (%.0f events/s meanwhile)", settled / 1e9, drained);
            } else {
                Bench.log("load: the event pipeline had NOT caught up %.1f s after the timed run: %d webhooks still missing (%.0f events/s meanwhile, %s)",
                        settled / 1e9, behind, drained, System.nanoTime() >= deadline ? "time limit BENCH_LOAD_SETTLE_S" : "no progress for 15 s");
            }

            Set<String> stored = storedIds(stack, forms);
            Map<String, Delivery.Status> records = deliveryRecords(stack, ws);
            Set<String> delivered = new HashSet<>();
            Set<String> webhooks = new HashSet<>();
            records.forEach((eventId, st) -> {
                if (st == Delivery.Status.SUCCEEDED) delivered.add(eventId);
            });
            for (String id : tally.acknowledged) if (receiver.received(eventId(id))) webhooks.add(id);
            long lost = tally.acknowledged.stream()
                    .filter(id -> !stored.contains(id) || !records.containsKey(eventId(id)) || !receiver.received(eventId(id)))
                    .count();
            String queue = stack.services().config.eventsQueueUrl();
            var q = stack.sqs().getQueueAttributes(r -> r.queueUrl(queue).attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                    QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
            long ack = tally.acknowledged.size();
            Bench.log("load: counts (warm-up included): acknowledged %d, stored %d, events consumed (delivery records) %d, "
                            + "deliveries succeeded %d, webhooks received %d (requests %d); queue: %s visible, %s in flight",
                    ack, stored.size(), records.size(), delivered.size(), receiver.distinctEvents(), receiver.requests(),
                    q.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES), q.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
            long byFormula = ack - Math.min(stored.size(), Math.min(records.size(), Math.min(delivered.size(), receiver.distinctEvents())));
            Bench.log("load: lost: %d acknowledged submissions lack a stored item, a delivery record or a webhook "
                    + "(acknowledged - min(counts) = %d)", lost, byFormula);

            Bench.figure("load.submit.rps", Math.round(rps), "req/s");
            Bench.figure("load.submit.p50", String.format(java.util.Locale.ROOT, "%.2f", ms(pct(all, 50))), "ms");
            Bench.figure("load.submit.p99", String.format(java.util.Locale.ROOT, "%.2f", ms(pct(all, 99))), "ms");
            Bench.figure("load.submit.lost", Math.max(lost, byFormula), "count");
        }
    }

    /**
     * Each client sends requests {@code from} to {@code from + count - 1} of its own, one at a time; request
     * {@code k} of client {@code c} goes to form {@code (c + k) % forms}. Latencies go to {@code latencies[c]}
     * when it is not null. The clients' threads end once the returned latch is released.
     */
    private static CountDownLatch runPhase(IntakeLocal stack, HttpClient[] http, String[] forms, int from, int count, Tally tally,
                                           long[][] latencies, long deadline) throws InterruptedException {
        int clients = http.length;
        CountDownLatch done = new CountDownLatch(clients);
        CountDownLatch release = new CountDownLatch(1);
        for (int c = 0; c < clients; c++) {
            int client = c;
            Thread.ofPlatform().name("load-client-" + c).daemon(true).start(() -> {
                try {
                    long[] times = new long[count];
                    int sent = 0;
                    for (int k = from; k < from + count && System.nanoTime() - deadline < 0; k++) {
                        String form = forms[(client + k) % forms.length];
                        var request = Bench.submit(stack, form, Bench.body((long) client * 1_000_000 + k));
                        long t = System.nanoTime();
                        String outcome;
                        try {
                            HttpResponse<String> res = Bench.send(http[client], request);
                            outcome = Integer.toString(res.statusCode());
                            if (res.statusCode() == 201) tally.acknowledged.add(submissionId(res.body()));
                        } catch (RuntimeException e) {
                            outcome = e.getClass().getSimpleName();
                        }
                        times[sent++] = System.nanoTime() - t;
                        tally.count(outcome);
                    }
                    if (latencies != null) latencies[client] = Arrays.copyOf(times, sent);
                } finally {
                    done.countDown();
                }
                // Alive until released, so that their CPU time can still be read.
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        done.await();
        return release;
    }

    /** {@code {"success":true,"submissionId":"sub_…"}} */
    private static String submissionId(String body) {
        int i = body.indexOf("\"submissionId\":\"");
        if (i < 0) throw new IllegalStateException("no submissionId in " + body);
        int start = i + "\"submissionId\":\"".length();
        return body.substring(start, body.indexOf('"', start));
    }

    private static String eventId(String submissionId) {
        return "evt_" + submissionId.substring(submissionId.indexOf('_') + 1);
    }

    /** Every submission id stored under the forms, read back through the store, 1,000 a page. */
    private static Set<String> storedIds(IntakeLocal stack, String[] forms) {
        Set<String> ids = new HashSet<>();
        for (String form : forms) {
            String after = null;
            while (true) {
                var page = stack.services().submissions.list(form, new SubmissionStore.Range("sub_", "sub_~", after), 1_000);
                page.items().forEach(s -> ids.add(s.id()));
                if (!page.hasMore()) break;
                after = page.items().getLast().id();
            }
        }
        return ids;
    }

    /** The campaign's delivery records by event id, read back through the store. */
    private static Map<String, Delivery.Status> deliveryRecords(IntakeLocal stack, String ws) {
        Map<String, Delivery.Status> out = new HashMap<>();
        String after = null;
        while (true) {
            var page = stack.services().deliveries.list(ws, CAMPAIGN, after, 1_000);
            page.items().forEach(d -> out.put(d.eventId(), d.status()));
            if (!page.hasMore()) break;
            after = page.items().getLast().eventId();
        }
        return out;
    }

    private static long pct(long[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

}
