package dev.intake.local;

import static org.junit.jupiter.api.Assertions.*;

import dev.intake.adapter.dynamodb.DynamoGuardStore;
import dev.intake.application.port.IdempotencyStore.Claim;
import dev.intake.application.port.IdempotencyStore.StoredResponse;
import dev.intake.application.port.RateLimiter.Decision;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

/** {@link DynamoGuardStore} against the real emulator: counters, conditions and races. */
class GuardsIT {
    /**
     * A fixed clock, 30 s into a minute. In the future on purpose: a backend that runs TTL (LocalStack)
     * must not sweep the items while a test reads them.
     */
    static final Instant NOW = Instant.parse("2030-01-01T00:00:30Z");
    static final Duration MINUTE = Duration.ofSeconds(60);
    static final String HASH = "sha256:aaaa";
    static final String OTHER_HASH = "sha256:bbbb";

    static DynamoGuardStore store;

    @BeforeAll
    static void setUp() {
        var stack = TestStack.get();
        store = new DynamoGuardStore(stack.dynamo(), stack.services().config.tables().guards());
    }

    static String key() {
        return UUID.randomUUID().toString();
    }

    // ---- rate limit

    @Test
    void hit_whenEleventhInWindow_refusedWithRetryAfterToWindowEnd() {
        String key = key();
        for (int i = 1; i <= 10; i++) {
            Decision d = store.hit(key, 10, MINUTE, NOW.plusSeconds(i % 5));
            assertEquals(new Decision(true, i, 30 - i % 5), d, "hit " + i);
        }
        Decision eleventh = store.hit(key, 10, MINUTE, NOW);
        assertEquals(new Decision(false, 11, 30), eleventh);
    }

    @Test
    void hit_whenPartOfASecondLeft_retryAfterRoundsUpToOne() {
        Decision d = store.hit(key(), 10, MINUTE, Instant.parse("2030-01-01T00:00:59.400Z"));
        assertEquals(new Decision(true, 1, 1), d);
    }

    @Test
    void hit_whenNextWindow_countStartsAgainAtOne() {
        String key = key();
        for (int i = 0; i < 11; i++) store.hit(key, 10, MINUTE, NOW);
        assertFalse(store.hit(key, 10, MINUTE, Instant.parse("2030-01-01T00:00:59.999Z")).allowed());

        Decision next = store.hit(key, 10, MINUTE, Instant.parse("2030-01-01T00:01:00Z"));
        assertEquals(new Decision(true, 1, 60), next);
        assertEquals(new Decision(true, 2, 20), store.hit(key, 10, MINUTE, Instant.parse("2030-01-01T00:01:40Z")));
    }

    @Test
    void hit_whenOtherKey_countsSeparately() {
        String a = key();
        String b = key();
        store.hit(a, 10, MINUTE, NOW);
        store.hit(a, 10, MINUTE, NOW);
        assertEquals(new Decision(true, 1, 30), store.hit(b, 10, MINUTE, NOW));
        assertEquals(new Decision(true, 3, 30), store.hit(a, 10, MINUTE, NOW));
    }

    @Test
    void hit_when50Concurrent_exactlyTenAllowedAndCountsAreOneTo50() throws Exception {
        String key = key();
        List<Decision> decisions = concurrently(50, () -> store.hit(key, 10, MINUTE, NOW));

        assertEquals(10, decisions.stream().filter(Decision::allowed).count());
        assertEquals(LongStream.rangeClosed(1, 50).boxed().toList(),
                decisions.stream().map(Decision::count).sorted().toList());
        decisions.forEach(d -> assertEquals(d.count() <= 10, d.allowed(), d.toString()));
    }

    // ---- idempotency

    static final StoredResponse RESPONSE = new StoredResponse(201,
            Map.of("Content-Type", "application/json", "Location", "/api/submissions/sub_1"),
            "{\"success\":true,\"submissionId\":\"sub_1\"}");

    static Claim claim(String key, String hash, Instant now) {
        return store.claim(key, hash, now, now.plusSeconds(30), now.plus(Duration.ofHours(24)));
    }

    /** The attempt token of an acquired claim; fails the test for any other claim. */
    static String acquired(Claim claim) {
        String attempt = assertInstanceOf(Claim.Acquired.class, claim, String.valueOf(claim)).attempt();
        assertTrue(dev.intake.domain.Ids.isAttempt(attempt), attempt);
        return attempt;
    }

    @Test
    void claim_whenFresh_acquiredWithAnAttemptTokenOfThatTime() {
        String attempt = acquired(claim(key(), HASH, NOW));
        assertEquals(NOW.truncatedTo(java.time.temporal.ChronoUnit.MILLIS), dev.intake.domain.Ids.attemptTime(attempt));
        assertNotEquals(attempt, acquired(claim(key(), HASH, NOW)), "each key's first claim has its own token");
    }

    @Test
    void claim_whenPendingWithLiveLease_inProgress() {
        String key = key();
        claim(key, HASH, NOW);
        assertEquals(new Claim.InProgress(), claim(key, HASH, NOW.plusSeconds(29)));
    }

    @Test
    void claim_whenCompleted_replaysIdenticalResponse() {
        String key = key();
        claim(key, HASH, NOW);
        store.complete(key, HASH, RESPONSE, NOW.plus(Duration.ofHours(24)));

        Claim again = claim(key, HASH, NOW.plusSeconds(60));
        Claim.Replay replay = assertInstanceOf(Claim.Replay.class, again);
        assertEquals(201, replay.response().status());
        assertEquals(RESPONSE.headers(), replay.response().headers());
        assertEquals(RESPONSE.body(), replay.response().body());
    }

    @Test
    void claim_whenCompletedWithoutBody_replaysNullBody() {
        String key = key();
        claim(key, HASH, NOW);
        store.complete(key, HASH, new StoredResponse(204, Map.of(), null), NOW.plus(Duration.ofHours(24)));

        assertEquals(new Claim.Replay(new StoredResponse(204, Map.of(), null)), claim(key, HASH, NOW.plusSeconds(1)));
    }

    @Test
    void claim_whenDifferentBody_mismatch() {
        String key = key();
        claim(key, HASH, NOW);
        assertEquals(new Claim.Mismatch(), claim(key, OTHER_HASH, NOW.plusSeconds(1)));
        // Also after the lease lapsed: a takeover is for retries of the same body only.
        assertEquals(new Claim.Mismatch(), claim(key, OTHER_HASH, NOW.plusSeconds(31)));

        store.complete(key, HASH, RESPONSE, NOW.plus(Duration.ofHours(24)));
        assertEquals(new Claim.Mismatch(), claim(key, OTHER_HASH, NOW.plusSeconds(60)));
    }

    @Test
    void claim_whenRecordExpired_acquiredEvenWithOtherBody() {
        String key = key();
        store.claim(key, HASH, NOW, NOW.plusSeconds(30), NOW.plusSeconds(60));
        store.complete(key, HASH, RESPONSE, NOW.plusSeconds(60));

        // TTL has not deleted the item (and may not for days): the expiry is checked in the condition.
        assertInstanceOf(Claim.Replay.class, claim(key, HASH, NOW.plusSeconds(60)));
        acquired(claim(key, OTHER_HASH, NOW.plusSeconds(61)));
        assertEquals(new Claim.InProgress(), claim(key, OTHER_HASH, NOW.plusSeconds(62)));
    }

    @Test
    void claim_whenRecordExpired_startsAFreshAttempt() {
        String key = key();
        String first = acquired(store.claim(key, HASH, NOW, NOW.plusSeconds(30), NOW.plusSeconds(60)));
        String second = acquired(claim(key, HASH, NOW.plusSeconds(61)));
        assertNotEquals(first, second, "a key used again after it expired is a new request");
    }

    @Test
    void claim_whenLeaseLapsedWithSameBody_acquiredByTakeover() {
        String key = key();
        String first = acquired(claim(key, HASH, NOW));
        assertEquals(new Claim.InProgress(), claim(key, HASH, NOW.plusSeconds(30)));
        assertEquals(first, acquired(claim(key, HASH, NOW.plusSeconds(31))), "the takeover continues the attempt that died");
        // The new holder has a fresh lease, and a later takeover still continues the first attempt.
        assertEquals(new Claim.InProgress(), claim(key, HASH, NOW.plusSeconds(32)));
        assertEquals(first, acquired(claim(key, HASH, NOW.plusSeconds(62))));
    }

    @Test
    void claim_whenReleased_acquiredAgain() {
        String key = key();
        claim(key, HASH, NOW);
        store.release(key, HASH);
        acquired(claim(key, HASH, NOW.plusSeconds(1)));
    }

    @Test
    void release_whenCompletedOrOtherBody_keepsRecord() {
        String key = key();
        claim(key, HASH, NOW);
        store.release(key, OTHER_HASH);
        assertEquals(new Claim.InProgress(), claim(key, HASH, NOW.plusSeconds(1)));

        store.complete(key, HASH, RESPONSE, NOW.plus(Duration.ofHours(24)));
        store.release(key, HASH);
        assertEquals(new Claim.Replay(RESPONSE), claim(key, HASH, NOW.plusSeconds(2)));
    }

    @Test
    void complete_whenTakenOverByOtherBody_leavesNewClaimAlone() {
        String key = key();
        store.claim(key, HASH, NOW, NOW.plusSeconds(30), NOW.plusSeconds(60));
        acquired(claim(key, OTHER_HASH, NOW.plusSeconds(61)));

        store.complete(key, HASH, RESPONSE, NOW.plus(Duration.ofHours(24)));
        assertEquals(new Claim.InProgress(), claim(key, OTHER_HASH, NOW.plusSeconds(62)));
        assertEquals(new Claim.Mismatch(), claim(key, HASH, NOW.plusSeconds(62)));
    }

    @Test
    void claim_when20ConcurrentOnFreshKey_exactlyOneAcquired() throws Exception {
        String key = key();
        List<Claim> claims = concurrently(20, () -> claim(key, HASH, NOW));

        assertEquals(1, claims.stream().filter(c -> c instanceof Claim.Acquired).count(), claims.toString());
        assertEquals(19, claims.stream().filter(c -> c instanceof Claim.InProgress).count(), claims.toString());
    }

    @Test
    void claim_when20ConcurrentRetriesAfterALapsedLease_exactlyOneTakesOver() throws Exception {
        String key = key();
        String first = acquired(claim(key, HASH, NOW));
        List<Claim> claims = concurrently(20, () -> claim(key, HASH, NOW.plusSeconds(31)));

        assertEquals(List.of(new Claim.Acquired(first)), claims.stream().filter(c -> c instanceof Claim.Acquired).toList(), claims.toString());
        assertEquals(19, claims.stream().filter(c -> c instanceof Claim.InProgress).count(), claims.toString());
    }

    // ---- failures

    @Test
    void hitAndClaim_whenTableMissing_throwInsteadOfAllowing() {
        var missing = new DynamoGuardStore(TestStack.get().dynamo(), "no-such-guards-table-" + key());
        // DynamoDB answers 400 ResourceNotFoundException, which Dynamo.call passes through untranslated
        // (it is neither throttling nor a 5xx), so a misconfigured table fails every request loudly.
        assertThrows(ResourceNotFoundException.class, () -> missing.hit(key(), 10, MINUTE, NOW));
        assertThrows(ResourceNotFoundException.class,
                () -> missing.claim(key(), HASH, NOW, NOW.plusSeconds(30), NOW.plusSeconds(60)));
    }

    /** Runs {@code task} on {@code n} threads released at once; bounded so a hang fails the test. */
    static <T> List<T> concurrently(int n, Callable<T> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch ready = new CountDownLatch(n);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                futures.add(pool.submit(() -> {
                    ready.countDown();
                    go.await();
                    return task.call();
                }));
            }
            assertTrue(ready.await(30, TimeUnit.SECONDS), "threads did not start");
            go.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) results.add(f.get(60, TimeUnit.SECONDS));
            return results;
        } finally {
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS), "pool did not stop");
        }
    }
}
