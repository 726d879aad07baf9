package dev.intake.application.port;

import java.time.Instant;
import java.util.Map;

/**
 * Records of {@code Idempotency-Key}s: who holds a key, the hash of the body it was first sent with, and
 * the response to replay. A record expires at {@code expiresAt}; a claim that was never completed (the
 * request died half-way) can be taken over once its lease ends.
 */
public interface IdempotencyStore {
    /** A response as it was first sent. */
    record StoredResponse(int status, Map<String, String> headers, String body) {}

    /** The result of trying to claim a key. */
    sealed interface Claim {
        /**
         * The key was free (or expired, or its lease lapsed): the caller runs the request. {@code attempt} is
         * the {@link dev.intake.domain.Ids#attempt} token of the key's first claim: a takeover of a lapsed
         * claim gets the token of the attempt that died, so it can find what that attempt created.
         */
        record Acquired(String attempt) implements Claim {}
        /** The key completed with the same body: replay this response. */
        record Replay(StoredResponse response) implements Claim {}
        /** The key was used with a different body. */
        record Mismatch() implements Claim {}
        /** Another request with this key is running now. */
        record InProgress() implements Claim {}
    }

    /**
     * Claims {@code key} for a request whose body hashes to {@code bodyHash}, in one conditional write (two
     * when it takes over a lapsed claim). The claim is held until {@code leaseUntil}; the record lives until
     * {@code expiresAt}.
     */
    Claim claim(String key, String bodyHash, Instant now, Instant leaseUntil, Instant expiresAt);

    /** Stores the response of a claimed key, to be replayed until {@code expiresAt}. */
    void complete(String key, String bodyHash, StoredResponse response, Instant expiresAt);

    /** Gives a claimed key up (the request failed in a way a retry may fix), so a retry can claim it. */
    void release(String key, String bodyHash);
}
