package dev.intake.local;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.intake.application.CreateWorkspace;
import dev.intake.application.SubmitForm;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code Idempotency-Key} on the creating POSTs, over real HTTP against the emulators. */
class IdempotencyIT {
    static final String KEY = "Idempotency-Key";
    static final String REPLAYED = "Idempotent-Replayed";

    // ---- helpers

    static HttpResponse<String> publicSubmit(String formId, String body, String idempotencyKey) {
        return idempotencyKey == null
                ? Http.send("POST", "/api/forms/" + formId + "/submit", body, "Content-Type", "application/json")
                : Http.send("POST", "/api/forms/" + formId + "/submit", body, "Content-Type", "application/json", KEY, idempotencyKey);
    }

    static String newForm(CreateWorkspace.Secrets ws) {
        return Fixtures.seedForm(ws, false).path("id").asText();
    }

            static String submissionId(HttpResponse<String> res) {
        assertEquals(201, res.statusCode(), res.body());
        JsonNode body = Http.json(res);
        assertTrue(body.path("success").asBoolean(), res.body());
        return body.path("submissionId").asText();
    }

    static JsonNode parse(String json) {
        try {
            return dev.intake.json.Json.mapper().readTree(json);
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }

    static boolean replayed(HttpResponse<String> res) {
        return res.headers().firstValue(REPLAYED).map("true"::equals).orElse(false);
    }

    // ---- 1. public submit: replay, mismatch, new key

    @Test
    void publicSubmit_whenSameKeyAndBody_replaysFirstResponseAndStoresOnce() {
        var ws = Fixtures.workspace();
        String formId = newForm(ws);
        String key = UUID.randomUUID().toString();

        var first = publicSubmit(formId, Fixtures.SEED_003_SUBMIT, key);
        String id = submissionId(first);
        assertFalse(replayed(first), "a first response is not a replay");

        var second = publicSubmit(formId, Fixtures.SEED_003_SUBMIT, key);
        assertEquals(id, submissionId(second));
        assertEquals("true", second.headers().firstValue(REPLAYED).orElse(null));
        assertEquals(first.body(), second.body());
        assertTrue(second.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));

        assertEquals(1, Fixtures.submissionCount(ws, formId));
        assertEquals(List.of(id), Fixtures.storedSubmissionIds(formId));
    }

    @Test
    void publicSubmit_whenSameKeyDifferentBody_422AndNothingStored() {
        var ws = Fixtures.workspace();
        String formId = newForm(ws);
        String key = UUID.randomUUID().toString();
        String id = submissionId(publicSubmit(formId, Fixtures.SEED_003_SUBMIT, key));

        var other = publicSubmit(formId, "{\"email\":\"someone.else@example.com\"}", key);

        assertEquals(422, other.statusCode(), other.body());
        JsonNode error = Http.json(other).path("error");
        assertEquals("idempotency_key_reused", error.path("code").asText());
        assertTrue(error.path("message").asText().contains("Idempotency-Key"), error.toString());
        assertFalse(replayed(other));
        assertEquals(1, Fixtures.submissionCount(ws, formId));
        assertEquals(List.of(id), Fixtures.storedSubmissionIds(formId));

        // The first body still replays after the refused one.
        assertEquals(id, submissionId(publicSubmit(formId, Fixtures.SEED_003_SUBMIT, key)));
    }

    @Test
    void publicSubmit_whenNewKeySameBody_createsNewSubmission() {
        var ws = Fixtures.workspace();
        String formId = newForm(ws);
        String first = submissionId(publicSubmit(formId, Fixtures.SEED_003_SUBMIT, UUID.randomUUID().toString()));

        var res = publicSubmit(formId, Fixtures.SEED_003_SUBMIT, UUID.randomUUID().toString());

        String second = submissionId(res);
        assertNotEquals(first, second);
        assertFalse(replayed(res));
        assertEquals(2, Fixtures.submissionCount(ws, formId));
        assertEquals(Set.of(first, second), new HashSet<>(Fixtures.storedSubmissionIds(formId)));
    }

    @Test
    void publicSubmit_whenSameKeyOnAnotherForm_runsSeparately() {
        var ws = Fixtures.workspace();
        String formA = newForm(ws);
        String formB = newForm(ws);
        String key = UUID.randomUUID().toString();
        String a = submissionId(publicSubmit(formA, Fixtures.SEED_003_SUBMIT, key));
        var b = publicSubmit(formB, Fixtures.SEED_003_SUBMIT, key);
        assertNotEquals(a, submissionId(b));
        assertFalse(replayed(b));
        assertEquals(1, Fixtures.submissionCount(ws, formB));
    }

    // ---- 2. a replayed 4xx

    @Test
    void publicSubmit_whenSameKeyForInvalidRequest_replaysThe400() {
        var ws = Fixtures.workspace();
        String formId = newForm(ws);
        String key = UUID.randomUUID().toString();
        String missingEmail = "{\"firstName\":\"Jane\"}";

        var first = publicSubmit(formId, missingEmail, key);
        var second = publicSubmit(formId, missingEmail, key);

        assertEquals(400, first.statusCode(), first.body());
        assertEquals("missing_required_fields", Http.json(first).path("error").path("code").asText());
        assertEquals(400, second.statusCode(), second.body());
        assertEquals(first.body(), second.body());
        assertTrue(replayed(second));
        assertEquals(0, Fixtures.submissionCount(ws, formId));
        assertTrue(Fixtures.storedSubmissionIds(formId).isEmpty());
    }

    // ---- 3. backend submit

    @Test
    void backendSubmit_whenSameKeyTwice_204BothTimesAndOneSubmission() {
        var ws = Fixtures.workspace();
        String formId = BackendSubmitIT.newFormId("idem");
        String key = UUID.randomUUID().toString();

        var first = BackendSubmitIT.submit(ws, formId, BackendSubmitIT.SEED_000_SUBMIT, KEY, key);
        var second = BackendSubmitIT.submit(ws, formId, BackendSubmitIT.SEED_000_SUBMIT, KEY, key);

        assertEquals(204, first.statusCode(), first.body());
        assertEquals(204, second.statusCode(), second.body());
        assertEquals("", second.body());
        assertTrue(replayed(second));
        assertEquals(1, Fixtures.submissionCount(ws, formId));
        assertEquals(1, Fixtures.storedSubmissionIds(ws.workspaceId() + ":" + formId).size());

        var other = BackendSubmitIT.submit(ws, formId, "{\"data\":{\"email\":\"other@example.com\"}}", KEY, key);
        assertEquals(422, other.statusCode(), other.body());
        assertEquals("idempotency_key_reused", Http.json(other).path("error").path("code").asText());
        assertEquals(1, Fixtures.submissionCount(ws, formId));
    }

    @Test
    void backendSubmit_whenSameKeyFromAnotherWorkspace_runsForThatWorkspace() {
        var a = Fixtures.workspace();
        var b = Fixtures.workspace();
        String formId = BackendSubmitIT.newFormId("idem");
        String key = UUID.randomUUID().toString();
        assertEquals(204, BackendSubmitIT.submit(a, formId, BackendSubmitIT.SEED_000_SUBMIT, KEY, key).statusCode());
        var res = BackendSubmitIT.submit(b, formId, BackendSubmitIT.SEED_000_SUBMIT, KEY, key);
        assertEquals(204, res.statusCode(), res.body());
        assertFalse(replayed(res), "keys are scoped to the workspace");
        assertEquals(1, Fixtures.submissionCount(b, formId));
    }

    // ---- 4. forms create

    @Test
    void createForm_whenSameKeyAndBody_201WithSameFormIdAndOneForm() {
        var ws = Fixtures.workspace();
        String key = UUID.randomUUID().toString();
        String body = Fixtures.SEED_003_FORM.formatted(false);
        String path = "/api/workspaces/" + ws.workspaceId() + "/forms";

        var first = Http.send("POST", path, body, "x-api-key", ws.apiKey(), "Content-Type", "application/json", KEY, key);
        var second = Http.send("POST", path, body, "x-api-key", ws.apiKey(), "Content-Type", "application/json", KEY, key);

        assertEquals(201, first.statusCode(), first.body());
        assertEquals(201, second.statusCode(), second.body());
        String id = Http.json(first).path("id").asText();
        assertTrue(id.startsWith("frm_"), id);
        assertEquals(id, Http.json(second).path("id").asText());
        assertTrue(replayed(second));
        JsonNode list = Http.json(Http.send("GET", path, null, "x-api-key", ws.apiKey()));
        assertEquals(1, list.path("pagination").path("total").asInt());
        assertEquals(id, list.path("data").get(0).path("id").asText());

        var changed = Http.send("POST", path, body.replace("Newsletter Signup", "Other"), "x-api-key", ws.apiKey(),
                "Content-Type", "application/json", KEY, key);
        assertEquals(422, changed.statusCode(), changed.body());
        assertEquals("idempotency_key_reused", Http.json(changed).path("error").path("code").asText());
        assertEquals(1, Http.json(Http.send("GET", path, null, "x-api-key", ws.apiKey())).path("pagination").path("total").asInt());
    }

    // ---- 5. key validation

    /** A status and body read off a raw HTTP/1.1 exchange. */
    record RawResponse(int status, String body) {}

    /**
     * Sends a request byte for byte (headers in ISO-8859-1) over a socket: {@link java.net.http.HttpClient}
     * refuses header values with control characters and writes non-ASCII ones as '?', but a client on the
     * internet may send either.
     */
    static RawResponse rawPost(String path, String body, String... headers) throws Exception {
        var url = java.net.URI.create(TestStack.get().baseUrl());
        byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + url.getPort() + "\r\n"
                + "Connection: close\r\nContent-Type: application/json\r\nContent-Length: " + bytes.length + "\r\n");
        for (int i = 0; i < headers.length; i += 2) head.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
        head.append("\r\n");
        try (var socket = new java.net.Socket(url.getHost(), url.getPort())) {
            socket.setSoTimeout(30_000);
            var out = socket.getOutputStream();
            out.write(head.toString().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            out.write(bytes);
            out.flush();
            String response = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            int status = Integer.parseInt(response.substring(9, 12));
            int split = response.indexOf("\r\n\r\n");
            return new RawResponse(status, split < 0 ? "" : response.substring(split + 4));
        }
    }

    @Test
    void publicSubmit_whenKeyTooLongOrNotPrintableAscii_400InvalidIdempotencyKey() throws Exception {
        var ws = Fixtures.workspace();
        String formId = newForm(ws);
        var tooLong = publicSubmit(formId, Fixtures.SEED_003_SUBMIT, "k".repeat(256));
        assertEquals(400, tooLong.statusCode(), tooLong.body());
        JsonNode error = Http.json(tooLong).path("error");
        assertEquals("invalid_idempotency_key", error.path("code").asText());
        assertTrue(error.path("message").asText().contains("Idempotency-Key"), error.toString());
        for (String bad : List.of("abc\u0001def", "abc\u007fdef", "abc\u001bdef", "cl\u00e9!")) {
            var res = rawPost("/api/forms/" + formId + "/submit", Fixtures.SEED_003_SUBMIT, KEY, bad);
            assertEquals(400, res.status(), "key with char " + (int) bad.charAt(3) + ": " + res.body());
            assertEquals("invalid_idempotency_key", parse(res.body()).path("error").path("code").asText());
        }
        var backend = BackendSubmitIT.submit(ws, "validation", BackendSubmitIT.SEED_000_SUBMIT, KEY, "k".repeat(256));
        assertEquals(400, backend.statusCode(), backend.body());
        assertEquals("invalid_idempotency_key", Http.json(backend).path("error").path("code").asText());
        assertEquals(0, Fixtures.submissionCount(ws, formId));
        assertTrue(Fixtures.storedSubmissionIds(formId).isEmpty());
        assertTrue(BackendSubmitIT.storedForm(ws, "validation").isEmpty());

        String longest = "k".repeat(255);
        String id = submissionId(publicSubmit(formId, Fixtures.SEED_003_SUBMIT, longest));
        assertEquals(id, submissionId(publicSubmit(formId, Fixtures.SEED_003_SUBMIT, longest)), "255 characters is a valid key");
        assertEquals(1, Fixtures.submissionCount(ws, formId));
    }

    // ---- 6. concurrency

    @Test
    void publicSubmit_whenConcurrentRequestsShareAKey_exactlyOneSubmission() throws Exception {
        var ws = Fixtures.workspace();
        String formId = newForm(ws);
        String key = UUID.randomUUID().toString();
        int n = 20;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch ready = new CountDownLatch(n);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<HttpResponse<String>>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                futures.add(pool.submit(() -> {
                    ready.countDown();
                    start.await();
                    return publicSubmit(formId, Fixtures.SEED_003_SUBMIT, key);
                }));
            }
            assertTrue(ready.await(10, TimeUnit.SECONDS));
            start.countDown();

            Set<String> ids = new HashSet<>();
            int created = 0;
            int inProgress = 0;
            for (var f : futures) {
                var res = f.get(60, TimeUnit.SECONDS);
                if (res.statusCode() == 201) {
                    ids.add(submissionId(res));
                    created++;
                } else {
                    assertEquals(409, res.statusCode(), res.body());
                    assertEquals("conflict", Http.json(res).path("error").path("code").asText());
                    assertEquals("1", res.headers().firstValue("Retry-After").orElse(null));
                    inProgress++;
                }
            }
            assertEquals(n, created + inProgress);
            assertTrue(created >= 1, "at least the request that ran answers 201");
            assertEquals(1, ids.size(), "every 201 carries the same submission: " + ids);
            assertEquals(List.copyOf(ids), Fixtures.storedSubmissionIds(formId));
            assertEquals(1, Fixtures.submissionCount(ws, formId));

            // After the race, a retry replays the one submission.
            assertEquals(ids.iterator().next(), submissionId(publicSubmit(formId, Fixtures.SEED_003_SUBMIT, key)));
        } finally {
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
        }
    }

    // ---- 7. replays and the rate limit

    @Test
    void publicSubmit_whenReplayedManyTimes_replaysDoNotCountAgainstRateLimit() {
        var ws = Fixtures.workspace();
        String formId = newForm(ws);
        String key = UUID.randomUUID().toString();
        int replays = SubmitForm.RATE_LIMIT + 5;

        String id = submissionId(publicSubmit(formId, Fixtures.SEED_003_SUBMIT, key));
        for (int i = 1; i < replays; i++) {
            var res = publicSubmit(formId, Fixtures.SEED_003_SUBMIT, key);
            assertEquals(201, res.statusCode(), "attempt " + (i + 1) + ": " + res.body());
            assertEquals(id, submissionId(res));
            assertTrue(replayed(res));
        }
        assertEquals(1, Fixtures.submissionCount(ws, formId));

        // Only the first request was counted: the rest of the minute's allowance is still there.
        for (int i = 1; i < SubmitForm.RATE_LIMIT; i++) {
            var fresh = publicSubmit(formId, "{\"email\":\"r" + i + "@example.com\"}", UUID.randomUUID().toString());
            assertEquals(201, fresh.statusCode(), "new key " + i + ": " + fresh.body());
        }
        assertEquals(SubmitForm.RATE_LIMIT, Fixtures.submissionCount(ws, formId));
    }

    @Test
    void publicSubmit_whenRateLimitedWithKey_429IsNotStoredForReplay() {
        ActionSubmitIT.awaitRoomInRateWindow(); // all eleven in one fixed window: the 11th must be the 429
        var ws = Fixtures.workspace();
        String formId = newForm(ws);
        for (int i = 0; i < SubmitForm.RATE_LIMIT; i++) {
            publicSubmit(formId, "{\"email\":\"limit" + i + "@example.com\"}", UUID.randomUUID().toString());
        }
        String key = UUID.randomUUID().toString();
        var limited = publicSubmit(formId, Fixtures.SEED_003_SUBMIT, key);
        assertEquals(429, limited.statusCode(), limited.body());
        var retry = publicSubmit(formId, Fixtures.SEED_003_SUBMIT, key);
        assertFalse(replayed(retry), "a 429 must not be replayed: " + retry.headers().map());
    }

    // ---- a first attempt that stored the submission and died before its answer was kept

    /** The Guards table's records, except that no answer is ever kept: each attempt dies after its work. */
    static final class AnswerNeverKept implements dev.intake.application.port.IdempotencyStore {
        final dev.intake.application.port.IdempotencyStore real;

        AnswerNeverKept(dev.intake.application.port.IdempotencyStore real) { this.real = real; }

        @Override
        public Claim claim(String key, String bodyHash, java.time.Instant now, java.time.Instant leaseUntil, java.time.Instant expiresAt) {
            return real.claim(key, bodyHash, now, leaseUntil, expiresAt);
        }

        @Override
        public void complete(String key, String bodyHash, StoredResponse response, java.time.Instant expiresAt) {
            throw new IllegalStateException("the function died before its answer was stored");
        }

        @Override
        public void release(String key, String bodyHash) { real.release(key, bodyHash); }
    }

    /** A clock the test moves. */
    static final class MovingClock extends java.time.Clock {
        java.time.Instant now = java.time.Instant.now();

        @Override public java.time.ZoneId getZone() { return java.time.ZoneOffset.UTC; }
        @Override public java.time.Clock withZone(java.time.ZoneId zone) { return this; }
        @Override public java.time.Instant instant() { return now; }
    }

    /**
     * One request sent three times under one key, to a store that never keeps an answer (each attempt dies
     * after its work): at once, within the lease (409), and after it (a takeover). Returns the three answers.
     */
    static List<dev.intake.http.ApiResponse> attemptsOfADyingRequest(String path, String scope, String body,
            java.util.function.Function<dev.intake.http.ApiRequest, dev.intake.http.ApiResponse> action) {
        var stack = TestStack.get();
        var clock = new MovingClock();
        var idempotency = new dev.intake.http.Idempotency(new AnswerNeverKept(
                new dev.intake.adapter.dynamodb.DynamoGuardStore(stack.dynamo(), stack.services().config.tables().guards())), clock);
        String key = UUID.randomUUID().toString();
        List<dev.intake.http.ApiResponse> answers = new ArrayList<>();
        for (java.time.Duration wait : List.of(java.time.Duration.ZERO, java.time.Duration.ofSeconds(5), dev.intake.http.Idempotency.LEASE)) {
            clock.now = clock.now.plus(wait);
            var event = new com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent()
                    .withHttpMethod("POST").withPath(path).withBody(body)
                    .withHeaders(java.util.Map.of("Content-Type", "application/json", KEY, key));
            answers.add(idempotency.run(new dev.intake.http.ApiRequest(event), scope, action, dev.intake.http.Errors::toResponse));
        }
        assertEquals(201, answers.get(0).status(), answers.get(0).body());
        assertEquals(409, answers.get(1).status(), "within the lease the key is still held by the attempt that died");
        assertEquals(201, answers.get(2).status(), answers.get(2).body());
        return answers;
    }

    @Test
    void publicSubmit_whenTheFirstAttemptDiedAfterStoring_theRetryAfterTheLeaseAnswersWithThatSubmission() {
        var services = TestStack.get().services();
        var ws = Fixtures.workspace();
        String formId = newForm(ws);
        var form = services.submitForm.publicForm(formId);

        var answers = attemptsOfADyingRequest("/api/forms/" + formId + "/submit", "public#" + form.key(), Fixtures.SEED_003_SUBMIT, r -> {
            var outcome = services.submitForm.submit(form, dev.intake.http.Bodies.flatValues(r),
                    new dev.intake.domain.SubmissionMetadata("198.51.100.23", null, null, dev.intake.domain.Source.FORM),
                    SubmitForm.Checks.PUBLIC, r.idempotencyAttempt());
            return dev.intake.http.ApiResponse.json(201, dev.intake.json.Json.object().put("submissionId", outcome.submissionId()));
        });

        String id = parse(answers.get(0).body()).path("submissionId").asText();
        assertEquals(id, parse(answers.get(2).body()).path("submissionId").asText(), "the takeover continues the attempt that died");
        assertEquals(List.of(id), Fixtures.storedSubmissionIds(form.key()));
        assertEquals(1, Fixtures.submissionCount(ws, formId), "counted once");
    }

    @Test
    void createForm_whenTheFirstAttemptDiedAfterCreating_theRetryAfterTheLeaseAnswersWithThatForm() {
        var services = TestStack.get().services();
        var ws = Fixtures.workspace();

        var answers = attemptsOfADyingRequest("/api/workspaces/" + ws.workspaceId() + "/forms", "forms#" + ws.workspaceId(),
                "{\"name\":\"Takeover\"}", r -> dev.intake.http.ApiResponse.json(201, dev.intake.json.FormJson.view(services.manageForms
                        .create(ws.workspaceId(), dev.intake.json.FormJson.parseDraft(dev.intake.http.Bodies.jsonObject(r)), r.idempotencyAttempt()))));

        String id = parse(answers.get(0).body()).path("id").asText();
        assertEquals(id, parse(answers.get(2).body()).path("id").asText());
        assertEquals(List.of(id), services.forms.listByWorkspace(ws.workspaceId()).stream().map(dev.intake.domain.Form::id).toList());
    }

    @Test
    void createCampaign_whenTheFirstAttemptDiedAfterCreating_theRetryAfterTheLeaseAnswersWithThatCampaign() {
        var services = TestStack.get().services();
        var ws = Fixtures.workspace();
        String body = "{\"name\":\"Takeover\",\"trigger\":{\"type\":\"form_submitted\"},"
                + "\"actions\":[{\"type\":\"webhook\",\"url\":\"https://hooks.example.com/intake\"}]}";

        var answers = attemptsOfADyingRequest("/api/workspaces/" + ws.workspaceId() + "/campaigns", "campaigns#" + ws.workspaceId(), body,
                r -> dev.intake.http.ApiResponse.json(201, dev.intake.json.CampaignJson.view(services.manageCampaigns
                        .create(ws.workspaceId(), dev.intake.json.CampaignJson.parseDraft(dev.intake.http.Bodies.jsonObject(r)), r.idempotencyAttempt()))));

        String id = parse(answers.get(0).body()).path("id").asText();
        assertEquals(id, parse(answers.get(2).body()).path("id").asText());
        assertEquals(List.of(id), services.manageCampaigns.list(ws.workspaceId()).stream().map(dev.intake.domain.Campaign::id).toList());
    }
}
