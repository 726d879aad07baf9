package dev.intake.local;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.intake.domain.Ids;
import dev.intake.application.port.SubmissionStore;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * A page of submissions costs the same read units at page 1 and at page 1,000: the cursor is the last key
 * read, so DynamoDB starts there instead of skipping. Measured with {@code ReturnConsumedCapacity}, which
 * the local stack sums per request into its {@code X-Intake-Capacity} header.
 */
class ListingCostIT {
    static final int SUBMISSIONS = 1_010;
    static dev.intake.application.CreateWorkspace.Secrets ws;
    static String formId;

    @BeforeAll
    static void aFormWithThousandsOfEquallySizedSubmissions() {
        ws = Fixtures.workspace();
        JsonNode form = Fixtures.createForm(ws, "{\"name\":\"Big\",\"fields\":[{\"name\":\"email\",\"type\":\"email\"}]}");
        formId = form.path("id").asText();
        String field = form.path("fields").get(0).path("id").asText();
        // Written in batches of 25 straight to the table, in the store's item format: DynamoDB Local
        // takes about 10 ms per single put into a partition this size.
        var stack = TestStack.get();
        String table = stack.services().config.tables().submissions();
        Instant start = Instant.parse("2025-01-01T00:00:00Z");
        List<WriteRequest> batch = new ArrayList<>();
        for (int i = 0; i < SUBMISSIONS; i++) {
            Instant at = start.plusSeconds(i);
            batch.add(WriteRequest.builder().putRequest(r -> r.item(Map.of(
                    "pk", s(formId), "sk", s(Ids.submission(at)), "ws", s(ws.workspaceId()), "formId", s(formId),
                    "data", AttributeValue.fromM(Map.of(field, s(String.format("person%06d@example.com", at.getEpochSecond() % 1_000_000)))),
                    "ip", s("203.0.113.42"), "ua", s("Mozilla/5.0"), "source", s("form"), "at", s(at.toString())))).build());
            if (batch.size() == 25 || i == SUBMISSIONS - 1) {
                Map<String, List<WriteRequest>> pending = Map.of(table, List.copyOf(batch));
                while (!pending.isEmpty()) {
                    var req = pending;
                    var res = stack.dynamo().batchWriteItem(r -> r.requestItems(req));
                    pending = res.hasUnprocessedItems() ? res.unprocessedItems() : Map.of();
                }
                batch.clear();
            }
        }
        // The store reads them back like any submission.
        assertEquals(100, stack.services().submissions.list(formId, new SubmissionStore.Range("sub_", "sub_~", null), 100).items().size());
    }

    private static AttributeValue s(String v) { return AttributeValue.fromS(v); }

    @Test
    void page1000_readsAsManyUnitsAsPage1() {
        assertSameCostAtPage(1, 1_000);
        assertSameCostAtPage(100, 10);
    }

    /**
     * Compares page 1 with page {@code page} at {@code limit}. The cursor to the deep page is reached in
     * pages of up to 100 (a cursor is bound to the form and filter, not to the page size), since DynamoDB
     * Local answers each query of a big partition in tens of milliseconds.
     */
    private static void assertSameCostAtPage(int limit, int page) {
        var first = list(limit, null);
        String cursor = null;
        int skipped = 0;
        while (skipped < limit * (page - 1)) {
            int step = Math.min(100, limit * (page - 1) - skipped);
            JsonNode body = Http.json(list(step, cursor));
            assertEquals(step, body.path("data").size());
            skipped += step;
            cursor = body.path("next_cursor").asText();
        }
        var deep = list(limit, cursor);
        JsonNode firstIds = Http.json(first).path("data");
        JsonNode deepIds = Http.json(deep).path("data");
        assertEquals(limit, deepIds.size());
        assertEquals(Ids.submission(Instant.EPOCH).length(), deepIds.get(0).path("id").asText().length());
        assertTrue(firstIds.get(0).path("id").asText().compareTo(deepIds.get(0).path("id").asText()) > 0);
        double[] a = capacity(first);
        double[] b = capacity(deep);
        assertTrue(a[0] > 0, "the listing reports read units");
        assertEquals(0.0, a[1], "a listing writes nothing");
        assertEquals(a[0], b[0], "read units of page 1 and page " + page + " at limit " + limit);
        assertEquals(a[1], b[1]);
    }

    private static HttpResponse<String> list(int limit, String cursor) {
        var res = Http.send("GET", "/v1/forms/" + formId + "/submissions?limit=" + limit + (cursor == null ? "" : "&cursor=" + cursor),
                null, "x-api-key", ws.apiKey());
        assertEquals(200, res.statusCode(), res.body());
        return res;
    }

    /** {@code X-Intake-Capacity: rcu=2.0, wcu=0.0} as {read, write}. */
    static double[] capacity(HttpResponse<String> res) {
        String header = res.headers().firstValue("X-Intake-Capacity").orElseThrow(() -> new AssertionError("no capacity header"));
        double[] out = new double[2];
        for (String part : header.split(",\\s*")) {
            String[] kv = part.split("=");
            out[kv[0].equals("rcu") ? 0 : 1] = Double.parseDouble(kv[1]);
        }
        return out;
    }
}
