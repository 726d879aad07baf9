package dev.intake.bench.load;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.intake.adapter.dynamodb.DynamoSubmissionStore;
import dev.intake.domain.Form;
import dev.intake.domain.FormValues;
import dev.intake.domain.Ids;
import dev.intake.domain.Source;
import dev.intake.domain.Submission;
import dev.intake.domain.SubmissionMetadata;
import dev.intake.domain.SubmissionValidator;
import dev.intake.json.Json;
import dev.intake.local.IntakeLocal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * bench/list.sh: the read units of a page of 100 submissions at page 1 and at page 1,000 of a form with
 * 100,000 ({@code BENCH_LIST_N}) submissions of about 1 KB, through {@code GET /v1/forms/{id}/submissions}
 * with the demo workspace's API key, walking {@code next_cursor} from page 1 to page 1,000. Each page's
 * {@code X-Intake-Capacity} header is the capacity the listing's DynamoDB calls consumed.
 *
 * <p>The submissions are seeded straight into the table with BatchWriteItem (25 items a call, a few calls
 * at once), in exactly the item format of the store: each is built as the submit path builds it
 * (validation, person id), handed to {@link DynamoSubmissionStore#save} over a client that only captures the
 * item, and written in batches.
 */
public final class ListBench {
    private static final int PAGE = 100;

    private ListBench() {}

    public static void main(String[] args) throws Exception {
        int status = 1;
        Logger.getLogger("").setLevel(Level.WARNING);
        try {
            run(Bench.env("BENCH_LIST_N", 100_000), Bench.env("BENCH_LIST_PAGES", 1_000), Bench.env("BENCH_LIST_WRITERS", 4));
            status = 0;
        } catch (Throwable e) {
            e.printStackTrace();
        } finally {
            System.exit(status);
        }
    }

    private static void run(int n, int pages, int writers) throws Exception {
        if ((long) pages * PAGE > n) throw new IllegalArgumentException(pages + " pages of " + PAGE + " need " + pages * PAGE + " submissions");
        try (IntakeLocal stack = Bench.startStack()) {
            String ws = stack.demoWorkspace().workspaceId();
            String apiKey = stack.demoWorkspace().apiKey();
            String formId = Bench.contactForm(stack, ws, "Big form");
            Form form = stack.services().forms.find(formId).orElseThrow();
            String table = stack.services().config.tables().submissions();

            // 100,000 inserts on the table's stream would be relayed as events meanwhile, competing with the
            // seeding and the walk for the two cores; SQS is stopped, so the relay waits (backing off) instead.
            if (stack.emulators() != null) stack.emulators().stopSqs();
            var cpu0 = Bench.threadCpu();
            long process0 = Bench.processCpuNanos();
            long t0 = System.nanoTime();
            ExecutorService pool = Executors.newFixedThreadPool(writers); // its threads live on until their CPU time is read
            seed(pool, stack.dynamo(), table, form, n, writers);
            long seeded = System.nanoTime() - t0;
            Bench.logCpu("list: seeding:", cpu0, process0, seeded, 8);
            pool.shutdownNow();
            Bench.log("list: seeded %,d submissions into %s in %.1f s (%.0f items/s, %d writers)", n, table, seeded / 1e9,
                    n / (seeded / 1e9), writers);
            stack.services().forms.addToCount(form, n, null);

            HttpClient http = Bench.client(0, 0, 1);
            String cursor = null;
            double[] first = null;
            double[] last = null;
            double min = Double.MAX_VALUE;
            double max = 0;
            String firstId = null;
            String lastId = null;
            var cpu1 = Bench.threadCpu();
            long process1 = Bench.processCpuNanos();
            long t1 = System.nanoTime();
            for (int page = 1; page <= pages; page++) {
                var res = list(http, stack, formId, apiKey, cursor);
                JsonNode body = Json.mapper().readTree(res.body());
                JsonNode data = body.path("data");
                if (data.size() != PAGE) throw new IllegalStateException("page " + page + " has " + data.size() + " items: " + res.body());
                double[] units = Bench.capacity(res);
                min = Math.min(min, units[0]);
                max = Math.max(max, units[0]);
                if (page == 1) {
                    first = units;
                    firstId = data.get(0).path("id").asText();
                }
                if (page == pages) {
                    last = units;
                    lastId = data.get(0).path("id").asText();
                }
                if (page == 1 || page == 10 || page == 100 || page % 250 == 0) {
                    Bench.log("list: page %4d: %s rcu, %s wcu, first item %s", page, Bench.fmt(units[0]), Bench.fmt(units[1]), data.get(0).path("id").asText());
                }
                cursor = body.path("next_cursor").asText(null);
                if (cursor == null && page < pages) throw new IllegalStateException("no next_cursor after page " + page);
            }
            long walked = System.nanoTime() - t1;
            Bench.logCpu("list: walking:", cpu1, process1, walked, 8);
            if (firstId.compareTo(lastId) <= 0) throw new IllegalStateException("page " + pages + " is not older than page 1");
            Bench.log("list: walked %d pages of %d in %.1f s (%.1f ms a page); read units per page: min %s, max %s", pages, PAGE,
                    walked / 1e9, walked / 1e6 / pages, Bench.fmt(min), Bench.fmt(max));
            Bench.figure("list.page1.rcu", Bench.fmt(first[0]), "RCU");
            Bench.figure("list.page" + pages + ".rcu", Bench.fmt(last[0]), "RCU");
        }
    }

    private static HttpResponse<String> list(HttpClient http, IntakeLocal stack, String formId, String apiKey, String cursor) {
        String url = stack.baseUrl() + "/v1/forms/" + formId + "/submissions?limit=" + PAGE
                + (cursor == null ? "" : "&cursor=" + java.net.URLEncoder.encode(cursor, java.nio.charset.StandardCharsets.UTF_8));
        var res = Bench.send(http, HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + apiKey).GET().build());
        if (res.statusCode() != 200) throw new IllegalStateException("GET " + url + ": " + res.statusCode() + " " + res.body());
        return res;
    }

    /**
     * {@code n} submissions one second apart, ending an hour ago, each from a new person, written in batches
     * of 25 by {@code writers} threads; unprocessed items are sent again.
     */
    private static void seed(ExecutorService pool, DynamoDbClient db, String table, Form form, int n, int writers) throws Exception {
        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(1)).minusSeconds(n);
        AtomicLong written = new AtomicLong();
        List<Future<?>> done = new ArrayList<>();
        int perWriter = (n + writers - 1) / writers;
        for (int w = 0; w < writers; w++) {
            int from = w * perWriter;
            int to = Math.min(n, from + perWriter);
            done.add(pool.submit(() -> {
                Capture capture = new Capture();
                var store = new DynamoSubmissionStore(capture, table);
                List<WriteRequest> batch = new ArrayList<>(25);
                for (int i = from; i < to; i++) {
                    store.save(form.key(), submission(form, start.plusSeconds(i), i));
                    Map<String, AttributeValue> item = capture.item;
                    batch.add(WriteRequest.builder().putRequest(r -> r.item(item)).build());
                    if (batch.size() == 25 || i == to - 1) {
                        write(db, table, batch);
                        if (written.addAndGet(batch.size()) % 20_000 < 25) Bench.log("list: %,d written", written.get());
                        batch = new ArrayList<>(25);
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : done) f.get();
    }

    private static void write(DynamoDbClient db, String table, List<WriteRequest> batch) {
        Map<String, List<WriteRequest>> pending = Map.of(table, batch);
        for (int attempt = 1; !pending.isEmpty(); attempt++) {
            if (attempt > 20) throw new IllegalStateException("BatchWriteItem keeps leaving items unprocessed");
            var req = pending;
            var res = db.batchWriteItem(r -> r.requestItems(req));
            pending = res.hasUnprocessedItems() ? res.unprocessedItems() : Map.of();
        }
    }

    /** A submission as the public submit path makes it from {@link Bench#body}: validated, keyed by field id, with its person. */
    private static Submission submission(Form form, Instant at, long n) {
        Map<String, Object> values;
        try {
            values = Json.mapper().readValue(Bench.body(n), new TypeReference<Map<String, Object>>() {});
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        var result = SubmissionValidator.validate(form, values);
        if (!result.learned().isEmpty()) throw new IllegalStateException("the form would learn " + result.learned());
        String personId = FormValues.of(form, result.data()).personId(form.workspaceId());
        var metadata = new SubmissionMetadata("203.0.113." + (n % 250), "Mozilla/5.0 (X11; Linux x86_64) intake-bench",
                "https://www.example.com/contact", Source.FORM);
        return new Submission(Ids.submission(at), form.workspaceId(), form.id(), result.data(), metadata, at, personId);
    }

    /** A DynamoDB client that keeps the item of the last PutItem and sends nothing. */
    private static final class Capture implements DynamoDbClient {
        Map<String, AttributeValue> item;

        @Override
        public PutItemResponse putItem(PutItemRequest request) {
            item = request.item();
            return PutItemResponse.builder().build();
        }

        @Override
        public String serviceName() {
            return SERVICE_NAME;
        }

        @Override
        public void close() {}
    }
}
