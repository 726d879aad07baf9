package dev.intake.local;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayCustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.intake.adapter.aws.AwsClients;
import dev.intake.adapter.dynamodb.DynamoCampaignStore;
import dev.intake.adapter.dynamodb.DynamoDeliveryStore;
import dev.intake.adapter.dynamodb.DynamoFormStore;
import dev.intake.adapter.dynamodb.DynamoGuardStore;
import dev.intake.adapter.dynamodb.DynamoPersonStore;
import dev.intake.adapter.dynamodb.DynamoSubmissionStore;
import dev.intake.adapter.dynamodb.DynamoWorkspaceStore;
import dev.intake.adapter.web.HttpCaptchaVerifier;
import dev.intake.application.CreateWorkspace;
import dev.intake.application.port.UsageKeys;
import dev.intake.application.port.WebhookSender;
import dev.intake.config.IntakeConfig;
import dev.intake.config.Services;
import dev.intake.domain.Campaign;
import dev.intake.domain.ConsentState;
import dev.intake.domain.Delivery;
import dev.intake.domain.Ids;
import dev.intake.json.Json;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * DynamoDB failing in the middle of a request, over real HTTP. A second API server serves the template's routes
 * with handlers wired to the same DynamoDB Local and ElasticMQ as the test stack, but through a DynamoDB client
 * whose {@link Faults} interceptor fails chosen calls: throttling, a lost connection, or a crash (an
 * {@link Error} that no handler code catches, answered 502 as API Gateway answers a Lambda that died). Its clock
 * can be moved, so a dead request's idempotency lease can lapse without waiting. The stack's own stream relay
 * and campaign trigger still run, so events are real.
 *
 * <p>The queue being down is {@link NoLostEventsIT} (ElasticMQ stopped while submissions are accepted) and
 * {@link DeliveryRetriesIT} (failing receivers, backoff and the DLQ).
 */
class FaultsIT {
    /** A Lambda that died half-way: nothing of ours catches an {@link Error}. */
    static final class Crash extends Error {
        Crash() { super("the function died", null, false, false); }
    }

    /** Fails the {@code nth} call that matches, once; the other calls reach DynamoDB. */
    static final class Faults implements ExecutionInterceptor {
        private volatile Predicate<SdkRequest> when = r -> false;
        private volatile int nth;
        private volatile Supplier<? extends Throwable> failure;
        private final AtomicInteger seen = new AtomicInteger();
        final AtomicInteger injected = new AtomicInteger();

        void failNth(int n, Predicate<SdkRequest> matching, Supplier<? extends Throwable> f) {
            seen.set(0);
            failure = f;
            nth = n;
            when = matching;
        }

        /** The {@code nth} matching call reaches DynamoDB, which does the work, but its answer is lost, once. */
        void loseNthAnswer(int n, Predicate<SdkRequest> matching) {
            seen.set(0);
            nth = n;
            loseAnswer = matching;
        }

        private volatile Predicate<SdkRequest> loseAnswer = r -> false;

        void clear() {
            when = r -> false;
            loseAnswer = r -> false;
            injected.set(0);
        }

        @Override
        public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
            if (!loseAnswer.test(context.request()) || seen.incrementAndGet() != nth) return;
            injected.incrementAndGet();
            // What the client sees when the connection drops after DynamoDB answered: the SDK retries it.
            throw connectionLost();
        }

        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            if (!when.test(context.request()) || seen.incrementAndGet() != nth) return;
            injected.incrementAndGet();
            Throwable t = failure.get();
            if (t instanceof RuntimeException r) throw r;
            throw (Error) t;
        }
    }

    /** A clock the test moves. */
    static final class MovableClock extends Clock {
        final AtomicReference<Duration> offset = new AtomicReference<>(Duration.ZERO);
        public java.time.ZoneId getZone() { return ZoneOffset.UTC; }
        public Clock withZone(java.time.ZoneId zone) { return this; }
        public Instant instant() { return Instant.now().plus(offset.get()); }
        void advance(Duration d) { offset.updateAndGet(o -> o.plus(d)); }
    }

    static final Faults FAULTS = new Faults();
    static final MovableClock CLOCK = new MovableClock();
    static ApiServer server;
    static IntakeConfig config;

    @BeforeAll
    static void startFaultyApi() throws Exception {
        var stack = TestStack.get();
        config = stack.services().config;
        Services faulty = services(AwsClients.dynamo(config, FAULTS));
        Template template = Template.load(Path.of("..", "template.yaml"));
        List<ApiServer.Binding> bindings = new ArrayList<>();
        Map<String, Object> handlers = new java.util.HashMap<>();
        for (Template.Function f : template.functions().values()) {
            handlers.put(f.logicalId(), Class.forName(f.handlerClass()).getConstructor(Services.class).newInstance(faulty));
        }
        for (Template.Function f : template.functions().values()) {
            if (f.routes().isEmpty()) continue; // the queue's, the stream's, the authorizer and the admin function
            @SuppressWarnings("unchecked")
            var handler = (RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent>) handlers.get(f.logicalId());
            for (Template.Route route : f.routes()) {
                RouteGuard guard = null;
                if (!route.auth().open()) {
                    @SuppressWarnings("unchecked")
                    var authorizer = (RequestHandler<APIGatewayCustomAuthorizerEvent, Object>) handlers.get(route.auth().authorizerFunction());
                    guard = new RouteGuard(template.apis().get(route.api()), route.auth(), e -> authorizer.handleRequest(e, null));
                }
                bindings.add(new ApiServer.Binding(route, e -> {
                    try {
                        return handler.handleRequest(e, null);
                    } catch (Crash died) {
                        return new APIGatewayProxyResponseEvent().withStatusCode(502).withBody("{\"message\":\"Internal server error\"}");
                    }
                }, guard, template.apis().get(route.api())));
            }
        }
        server = new ApiServer(0);
        server.start(bindings, Map.of());
    }

    /** The stack's wiring, around the faulting client and the movable clock; the queue is the stack's. */
    private static Services services(DynamoDbClient db) {
        var t = config.tables();
        var stack = TestStack.get();
        DynamoGuardStore guards = new DynamoGuardStore(db, t.guards());
        WebhookSender noWebhooks = (url, body, headers) -> new WebhookSender.Result.Refused("not in this test");
        return new Services(config, CLOCK, new DynamoWorkspaceStore(db, t.workspaces()), new DynamoFormStore(db, t.forms()),
                new DynamoSubmissionStore(db, t.submissions()), new DynamoPersonStore(db, t.people()),
                new DynamoCampaignStore(db, t.campaigns()), new DynamoDeliveryStore(db, t.campaigns()), stack.services().events,
                new Services.Guards(guards, guards), new HttpCaptchaVerifier(config.captchaVerifyUrl()),
                new Services.Outbound(noWebhooks, mail -> { throw new IllegalStateException("no mail in this test"); }),
                UsageKeys.unmetered(), stack::sqs);
    }

    @AfterEach
    void clearFaults() {
        FAULTS.clear();
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    // ---- what to fail

    static Predicate<SdkRequest> put(String table) {
        return r -> r instanceof PutItemRequest p && p.tableName().equals(table);
    }

    static Predicate<SdkRequest> update(String table, String pkPrefix) {
        return r -> r instanceof UpdateItemRequest u && u.tableName().equals(table)
                && u.key().get("pk") != null && u.key().get("pk").s().startsWith(pkPrefix);
    }

    static Predicate<SdkRequest> anyWrite(String table) {
        return r -> (r instanceof PutItemRequest p && p.tableName().equals(table))
                || (r instanceof UpdateItemRequest u && u.tableName().equals(table));
    }

    static ProvisionedThroughputExceededException throttled() {
        return (ProvisionedThroughputExceededException) ProvisionedThroughputExceededException.builder()
                .message("The level of configured provisioned throughput for the table was exceeded").statusCode(400)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("ProvisionedThroughputExceededException")
                        .serviceName("DynamoDb").errorMessage("throughput exceeded").build())
                .build();
    }

    static SdkClientException connectionLost() {
        return SdkClientException.create("Unable to execute HTTP request: Connection reset", new java.net.SocketException("Connection reset"));
    }

    // ---- the calls

    static HttpResponse<String> send(String method, String path, String body, String... headers) {
        return Http.sendTo("http://127.0.0.1:" + server.port(), method, path,
                body == null ? null : body.getBytes(java.nio.charset.StandardCharsets.UTF_8), headers);
    }

    static HttpResponse<String> publicSubmit(String formId, String body, String idempotencyKey) {
        return send("POST", "/api/forms/" + formId + "/submit", body, "Content-Type", "application/json", "Idempotency-Key", idempotencyKey);
    }

    /**
     * Seed 003's values with an address of this class's own: other suites scan whole tables for seed 003's
     * {@code jane@example.com} after erasing her.
     */
    static final String BODY = "{\"email\":\"faults@example.com\",\"firstName\":\"Fay\",\"interests\":\"marketing\"}";

    static void assert503WithRetryAfter(HttpResponse<String> res) {
        assertEquals(503, res.statusCode(), res.body());
        int retryAfter = Integer.parseInt(res.headers().firstValue("Retry-After").orElseThrow(() -> new AssertionError("no Retry-After")));
        assertTrue(retryAfter >= 1 && retryAfter <= 5, "Retry-After " + retryAfter);
        assertEquals("unavailable", Http.json(res).path("error").path("code").asText(), res.body());
        assertFalse(res.body().contains("Exception") || res.body().contains("dev.intake"), res.body());
    }

    static String submissionsTable() { return config.tables().submissions(); }

    static String formsTable() { return config.tables().forms(); }

    static String peopleTable() { return config.tables().people(); }

    static String guardsTable() { return config.tables().guards(); }

    /** A workspace with a seed-003 form, and a webhook campaign on it that records its events in {@code receiver}. */
    record Setup(CreateWorkspace.Secrets ws, String formId, WebhookReceiver receiver, String hookPath) {}

    static Setup setup(WebhookReceiver receiver) {
        var ws = Fixtures.workspace();
        String formId = Fixtures.seedForm(ws, false).path("id").asText();
        String path = "/faults-" + formId;
        TestStack.get().services().campaigns.create(HandlerEventsIT.webhookCampaign(ws.workspaceId(), "cmp_Faults",
                new Campaign.Trigger(Campaign.Trigger.FORM_SUBMITTED, formId, null), receiver.url(path)));
        return new Setup(ws, formId, receiver, path);
    }

    /** Exactly one submission is stored, and its one event reaches the campaign once. */
    static void assertExactlyOneSubmissionAndEvent(Setup s, String acknowledgedId) {
        assertEquals(List.of(acknowledgedId), Fixtures.storedSubmissionIds(s.formId()));
        var hooks = s.receiver().await(s.hookPath(), 1);
        var stack = TestStack.get();
        String eventId = "evt_" + acknowledgedId.substring(4);
        await().atMost(Duration.ofSeconds(30)).until(() -> stack.services().deliveries.find(s.ws().workspaceId(), "cmp_Faults", eventId)
                .map(d -> d.status() == Delivery.Status.SUCCEEDED).orElse(false));
        // Event ids are derived from submission ids, so one stored submission is one event, whatever was relayed.
        assertEquals(1, s.receiver().requests(s.hookPath()).size(), "one event for one submission");
        JsonNode event = parse(hooks.get(0).body());
        assertEquals(acknowledgedId, event.path("submission_id").asText());
    }

    static JsonNode parse(byte[] body) {
        try {
            return Json.mapper().readTree(body);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    // ---- tests

    @Test
    void publicSubmit_whenTheSubmissionWriteIsThrottled_is503AndTheRetryWithTheSameKeyStoresOnce() {
        try (var receiver = WebhookReceiver.start()) {
            Setup s = setup(receiver);
            String key = UUID.randomUUID().toString();
            // The rate limit and the person are written; the submission write (the commit point) is throttled.
            FAULTS.failNth(1, put(submissionsTable()), FaultsIT::throttled);

            var failed = publicSubmit(s.formId(), BODY, key);

            assert503WithRetryAfter(failed);
            assertEquals(1, FAULTS.injected.get());
            assertEquals(List.of(), Fixtures.storedSubmissionIds(s.formId()), "no submission, so no event");
            assertEquals(0, Fixtures.submissionCount(s.ws(), s.formId()));

            var retried = publicSubmit(s.formId(), BODY, key);
            assertEquals(201, retried.statusCode(), retried.body());
            var replayed = publicSubmit(s.formId(), BODY, key);
            assertEquals("true", replayed.headers().firstValue("Idempotent-Replayed").orElse(null));
            assertEquals(retried.body(), replayed.body());

            assertExactlyOneSubmissionAndEvent(s, Http.json(retried).path("submissionId").asText());
            assertEquals(1, Fixtures.submissionCount(s.ws(), s.formId()));
        }
    }

    @Test
    void publicSubmit_whenTheConnectionIsLostAtThePersonWrite_is503AndTheRetryCompletes() {
        try (var receiver = WebhookReceiver.start()) {
            Setup s = setup(receiver);
            String key = UUID.randomUUID().toString();
            FAULTS.failNth(1, update(peopleTable(), "PERSON#"), FaultsIT::connectionLost);

            var failed = publicSubmit(s.formId(), BODY, key);

            assert503WithRetryAfter(failed);
            assertEquals(List.of(), Fixtures.storedSubmissionIds(s.formId()));
            var retried = publicSubmit(s.formId(), BODY, key);
            assertEquals(201, retried.statusCode(), retried.body());
            assertExactlyOneSubmissionAndEvent(s, Http.json(retried).path("submissionId").asText());
            var person = TestStack.get().services().people.find(s.ws().workspaceId(),
                    Ids.person(s.ws().workspaceId(), "email", "faults@example.com")).orElseThrow();
            assertEquals(ConsentState.OPTED_IN, person.consent());
        }
    }

    @Test
    void publicSubmit_whenTheSubmissionWritesAnswerIsLost_theRetriedWriteFindsItAndItIsAcknowledgedOnce() {
        try (var receiver = WebhookReceiver.start()) {
            Setup s = setup(receiver);
            FAULTS.loseNthAnswer(1, put(submissionsTable()));

            // No Idempotency-Key: the SDK's own retry of the write meets the item the lost answer was about.
            var res = send("POST", "/api/forms/" + s.formId() + "/submit", BODY, "Content-Type", "application/json");

            assertEquals(1, FAULTS.injected.get());
            assertEquals(201, res.statusCode(), "the submission is stored: not a 409, which would invite a second one: " + res.body());
            assertExactlyOneSubmissionAndEvent(s, Http.json(res).path("submissionId").asText());
            assertEquals(1, Fixtures.submissionCount(s.ws(), s.formId()));
        }
    }

    @Test
    void publicSubmit_whenTheCounterWritesAnswerIsLost_theSdksRetryDoesNotCountItTwice() {
        try (var receiver = WebhookReceiver.start()) {
            Setup s = setup(receiver);
            FAULTS.loseNthAnswer(1, update(formsTable(), "COUNT#"));

            var res = send("POST", "/api/forms/" + s.formId() + "/submit", BODY, "Content-Type", "application/json");

            assertEquals(1, FAULTS.injected.get());
            assertEquals(201, res.statusCode(), res.body());
            assertExactlyOneSubmissionAndEvent(s, Http.json(res).path("submissionId").asText());
            assertEquals(1, Fixtures.submissionCount(s.ws(), s.formId()), "ADD applied once, though the SDK sent it twice");
        }
    }

    @Test
    void publicSubmit_whenTheCounterWriteFailsAfterTheCommitPoint_isAcknowledgedOnceNot503() {
        try (var receiver = WebhookReceiver.start()) {
            Setup s = setup(receiver);
            String key = UUID.randomUUID().toString();
            // The submission is stored (its event will be published); only the count is lost.
            FAULTS.failNth(1, update(formsTable(), "COUNT#"), FaultsIT::throttled);

            var res = publicSubmit(s.formId(), BODY, key);

            assertEquals(1, FAULTS.injected.get());
            assertEquals(201, res.statusCode(), "a stored submission is acknowledged, else a retry would store it twice: " + res.body());
            var retried = publicSubmit(s.formId(), BODY, key);
            assertEquals("true", retried.headers().firstValue("Idempotent-Replayed").orElse(null));
            assertExactlyOneSubmissionAndEvent(s, Http.json(res).path("submissionId").asText());
        }
    }

    @Test
    void publicSubmit_whenStoringTheIdempotentResponseFails_theSubmissionIsStillAcknowledgedOnce() {
        try (var receiver = WebhookReceiver.start()) {
            Setup s = setup(receiver);
            String key = UUID.randomUUID().toString();
            FAULTS.failNth(1, update(guardsTable(), "IDEM#"), FaultsIT::connectionLost);

            var res = publicSubmit(s.formId(), BODY, key);

            assertEquals(1, FAULTS.injected.get());
            assertEquals(201, res.statusCode(), "the submission is stored: a 503 would invite a second one: " + res.body());
            assertExactlyOneSubmissionAndEvent(s, Http.json(res).path("submissionId").asText());
        }
    }

    @Test
    void publicSubmit_whenTheFunctionDiesBeforeTheCommitPoint_theRetryAfterTheLeaseCompletesOnce() {
        try (var receiver = WebhookReceiver.start()) {
            Setup s = setup(receiver);
            String key = UUID.randomUUID().toString();
            FAULTS.failNth(1, put(submissionsTable()), Crash::new);

            var died = publicSubmit(s.formId(), BODY, key);

            assertEquals(502, died.statusCode(), died.body());
            assertEquals(List.of(), Fixtures.storedSubmissionIds(s.formId()));
            // The dead request's claim still holds its lease: a retry now is told to wait, and changes nothing.
            var tooSoon = publicSubmit(s.formId(), BODY, key);
            assertEquals(409, tooSoon.statusCode(), tooSoon.body());
            assertEquals("1", tooSoon.headers().firstValue("Retry-After").orElse(null));
            assertEquals(List.of(), Fixtures.storedSubmissionIds(s.formId()));

            CLOCK.advance(dev.intake.http.Idempotency.LEASE.plusSeconds(1));
            try {
                var retried = publicSubmit(s.formId(), BODY, key);
                assertEquals(201, retried.statusCode(), retried.body());
                assertExactlyOneSubmissionAndEvent(s, Http.json(retried).path("submissionId").asText());
                assertEquals(1, Fixtures.submissionCount(s.ws(), s.formId()));
            } finally {
                CLOCK.advance(dev.intake.http.Idempotency.LEASE.plusSeconds(1).negated());
            }
        }
    }

    @Test
    void apiCreate_whenEveryWriteFailsInTurn_eachRetryStoresExactlyOneSubmission() {
        // The submissions API route: key check, form read, person, submission, counter. Fail each write in turn.
        try (var receiver = WebhookReceiver.start()) {
            Setup s = setup(receiver);
            List<String> acknowledged = new ArrayList<>();
            for (int n = 1; n <= 3; n++) {
                String key = UUID.randomUUID().toString();
                String body = "{\"data\":{\"email\":\"turn" + n + "@example.com\"}}";
                int writeToFail = n;
                FAULTS.failNth(writeToFail, r -> anyWrite(peopleTable()).test(r) || anyWrite(submissionsTable()).test(r)
                        || update(formsTable(), "COUNT#").test(r), FaultsIT::throttled);
                var first = send("POST", "/v1/forms/" + s.formId() + "/submissions", body, "x-api-key", s.ws().apiKey(),
                        "Content-Type", "application/json", "Idempotency-Key", key);
                assertEquals(1, FAULTS.injected.get(), "write " + n + " failed");
                FAULTS.clear();
                var retry = send("POST", "/v1/forms/" + s.formId() + "/submissions", body, "x-api-key", s.ws().apiKey(),
                        "Content-Type", "application/json", "Idempotency-Key", key);
                if (first.statusCode() == 201) {
                    // Failed after the commit point: acknowledged, and the retry is a replay.
                    assertEquals("true", retry.headers().firstValue("Idempotent-Replayed").orElse(null), retry.body());
                    acknowledged.add(Http.json(first).path("id").asText());
                } else {
                    assert503WithRetryAfter(first);
                    assertEquals(201, retry.statusCode(), retry.body());
                    acknowledged.add(Http.json(retry).path("id").asText());
                }
            }
            assertEquals(acknowledged.stream().sorted().toList(), Fixtures.storedSubmissionIds(s.formId()).stream().sorted().toList());
            assertEquals(3, Fixtures.submissionCount(s.ws(), s.formId()) + 1, "the count misses the one whose counter write failed");
            s.receiver().await(s.hookPath(), 3);
        }
    }
}
