package dev.intake.http;

import dev.intake.application.port.IdempotencyStore;
import dev.intake.application.port.IdempotencyStore.Claim;
import dev.intake.application.port.IdempotencyStore.StoredResponse;
import dev.intake.domain.Ids;
import dev.intake.domain.IntakeException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * {@code Idempotency-Key} for creating POSTs (Stripe's model). The first request with a key claims it and
 * runs; its response is stored for 24 hours and replayed to every retry with the same key and the same
 * body, which creates nothing new. The same key with another body is refused with 422. A 5xx (our fault,
 * or AWS's) or a 429 (try later) is not stored, so the client's retry runs again; a claim whose request died
 * half-way lapses after {@link #LEASE}, and a retry then takes it over. The request carries the token of the
 * key's first attempt ({@link ApiRequest#idempotencyAttempt}), so a retry that takes over can find what the
 * attempt that died created instead of creating it again: a submission's id is made from it.
 */
public final class Idempotency {
    public static final String HEADER = "Idempotency-Key";
    public static final Duration TTL = Duration.ofHours(24);
    public static final Duration LEASE = Duration.ofSeconds(30);
    private static final int MAX_KEY_LENGTH = 255;
    private static final System.Logger LOG = System.getLogger("intake");

    private final IdempotencyStore store;
    private final Clock clock;

    public Idempotency(IdempotencyStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /**
     * Runs {@code action} at most once per key within {@code scope} (the tenant and route, so that keys of
     * different callers never meet). Without the header it simply runs. Errors thrown by {@code action}
     * become responses through {@code errors}, so that a 4xx is replayed like a success.
     */
    public ApiResponse run(ApiRequest req, String scope, Function<ApiRequest, ApiResponse> action,
                           Function<RuntimeException, ApiResponse> errors) {
        String key = req.header(HEADER);
        if (key == null) return action.apply(req);
        check(key);
        String storeKey = scope + "#" + key;
        String hash = bodyHash(req);
        Instant now = clock.instant();
        Claim claim = store.claim(storeKey, hash, now, now.plus(LEASE), now.plus(TTL));
        return switch (claim) {
            case Claim.Replay r -> replay(r.response());
            case Claim.Mismatch m -> errors.apply(new IntakeException.Invalid("idempotency_key_reused",
                    "This Idempotency-Key was already used with a different request body; use a new key")).withStatus(422);
            case Claim.InProgress p -> errors.apply(new IntakeException.Conflict(
                    "A request with this Idempotency-Key is still being processed; retry shortly")).header("Retry-After", "1");
            case Claim.Acquired a -> {
                req.idempotencyAttempt(a.attempt());
                yield runClaimed(req, storeKey, hash, action, errors);
            }
        };
    }

    private ApiResponse runClaimed(ApiRequest req, String storeKey, String hash, Function<ApiRequest, ApiResponse> action,
                                   Function<RuntimeException, ApiResponse> errors) {
        ApiResponse res;
        try {
            res = action.apply(req);
        } catch (RuntimeException e) {
            res = errors.apply(e);
        }
        if (res.status() >= 500 || res.status() == 429) {
            store.release(storeKey, hash);
        } else {
            try {
                store.complete(storeKey, hash, new StoredResponse(res.status(), res.headers(), res.body()),
                        clock.instant().plus(TTL));
            } catch (RuntimeException notStored) {
                // The work is done (a submission may be stored): answering 5xx now would invite a retry that does it
                // again. The claim stays pending and lapses after its lease; the client has its answer.
                LOG.log(System.Logger.Level.WARNING, "idempotent response not stored ({0}); answered anyway",
                        notStored.getClass().getSimpleName());
            }
        }
        return res;
    }

    private static ApiResponse replay(StoredResponse r) {
        return ApiResponse.stored(r.status(), r.headers(), r.body()).header("Idempotent-Replayed", "true");
    }

    private static void check(String key) {
        boolean printable = !key.isEmpty() && key.length() <= MAX_KEY_LENGTH
                && key.chars().allMatch(c -> c >= 0x20 && c < 0x7f);
        if (!printable) {
            throw new IntakeException.Invalid("invalid_idempotency_key",
                    "'Idempotency-Key' must be 1 to " + MAX_KEY_LENGTH + " printable ASCII characters");
        }
    }

    /** The body's SHA-256, with the path and query, so one key cannot be replayed against another target. */
    private static String bodyHash(ApiRequest req) {
        byte[] body;
        try {
            body = req.bodyBytes();
        } catch (IllegalArgumentException e) {
            body = new byte[0];
        }
        String query = req.event().getQueryStringParameters() == null ? "" : new TreeMap<>(req.event().getQueryStringParameters()).toString();
        return Ids.sha256(req.method() + " " + req.path() + "?" + query + "\n" + HexFormat.of().formatHex(body));
    }
}
