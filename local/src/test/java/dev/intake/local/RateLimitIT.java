package dev.intake.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The public JSON route's rate limit over real HTTP: 10 a minute per IP and form, from the request context. */
class RateLimitIT {
    private static HttpResponse<String> submit(String formId, int i, String... headers) {
        String[] all = new String[headers.length + 2];
        all[0] = "Content-Type";
        all[1] = "application/json";
        System.arraycopy(headers, 0, all, 2, headers.length);
        return Http.send("POST", "/api/forms/" + formId + "/submit", "{\"email\":\"rl" + i + "@example.com\"}", all);
    }

    @Test
    void publicSubmit_whenEleventhInAMinute_is429JsonWithRetryAfterAndCors() {
        ActionSubmitIT.awaitRoomInRateWindow(); // all eleven in one fixed window
        var ws = Fixtures.workspace();
        String formId = Fixtures.seedForm(ws, false).path("id").asText();
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 10; i++) statuses.add(submit(formId, i).statusCode());

        var eleventh = submit(formId, 10, "Origin", "https://www.example.com");

        assertEquals(List.of(201, 201, 201, 201, 201, 201, 201, 201, 201, 201), statuses);
        assertEquals(429, eleventh.statusCode(), eleventh.body());
        assertEquals("rate_limited", Http.json(eleventh).path("error").path("code").asText());
        int retryAfter = Integer.parseInt(eleventh.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(retryAfter >= 1 && retryAfter <= 60, "Retry-After " + retryAfter);
        assertEquals("*", eleventh.headers().firstValue("Access-Control-Allow-Origin").orElseThrow(),
                "a browser can read the 429");
        assertEquals(10, Fixtures.submissionCount(ws, formId));
    }

    @Test
    void publicSubmit_whenClientSpoofsForwardedFor_isStillLimitedByItsRealAddress() {
        var ws = Fixtures.workspace();
        String formId = Fixtures.seedForm(ws, false).path("id").asText();
        int created = 0;
        for (int i = 0; i < 15; i++) {
            var res = submit(formId, i, "X-Forwarded-For", "198.51.100." + i, "X-Real-IP", "198.51.100." + i);
            if (res.statusCode() == 201) created++;
        }
        assertEquals(10, created);
        assertEquals(10, Fixtures.submissionCount(ws, formId));
    }

    @Test
    void publicSubmit_when50ConcurrentClients_exactlyTheLimitIsAcceptedAndStored() throws Exception {
        var ws = Fixtures.workspace();
        String formId = Fixtures.seedForm(ws, false).path("id").asText();
        int clients = 50;
        ActionSubmitIT.awaitRoomInRateWindow();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(clients);
        java.util.Map<Integer, Integer> byStatus = new java.util.TreeMap<>();
        try {
            java.util.concurrent.CountDownLatch ready = new java.util.concurrent.CountDownLatch(clients);
            java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            List<java.util.concurrent.Future<HttpResponse<String>>> futures = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                int n = i;
                futures.add(pool.submit(() -> {
                    ready.countDown();
                    if (!go.await(30, java.util.concurrent.TimeUnit.SECONDS)) throw new IllegalStateException("never started");
                    return submit(formId, n);
                }));
            }
            assertTrue(ready.await(30, java.util.concurrent.TimeUnit.SECONDS));
            go.countDown();
            for (var f : futures) {
                var res = f.get(60, java.util.concurrent.TimeUnit.SECONDS);
                byStatus.merge(res.statusCode(), 1, Integer::sum);
                if (res.statusCode() == 429) assertTrue(res.headers().firstValue("Retry-After").isPresent());
            }
        } finally {
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS));
        }
        int limit = dev.intake.application.SubmitForm.RATE_LIMIT;
        assertEquals(java.util.Map.of(201, limit, 429, clients - limit), byStatus);
        assertEquals(limit, Fixtures.storedSubmissionIds(formId).size(), "accepted = stored");
        assertEquals(limit, Fixtures.submissionCount(ws, formId));
    }

    @Test
    void publicSubmit_whenOtherFormOfSameClient_hasItsOwnLimit() {
        var ws = Fixtures.workspace();
        String first = Fixtures.seedForm(ws, false).path("id").asText();
        String second = Fixtures.seedForm(ws, false).path("id").asText();
        for (int i = 0; i < 11; i++) submit(first, i);

        assertEquals(201, submit(second, 0).statusCode());
    }
}
