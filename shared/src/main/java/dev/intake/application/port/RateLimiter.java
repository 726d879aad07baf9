package dev.intake.application.port;

import java.time.Duration;
import java.time.Instant;

/**
 * Counts requests per key in fixed windows. Each call counts one request, atomically, so the limit is
 * exact however many requests arrive at once.
 */
public interface RateLimiter {
    /** The verdict on one request: whether it is within the limit, and when the window ends. */
    record Decision(boolean allowed, long count, int retryAfterSeconds) {}

    /**
     * Counts one request against {@code key} in the window of length {@code window} that contains
     * {@code now}. Allowed while the count, this request included, is at most {@code limit}.
     */
    Decision hit(String key, int limit, Duration window, Instant now);
}
