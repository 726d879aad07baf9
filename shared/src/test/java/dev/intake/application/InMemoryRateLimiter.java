package dev.intake.application;

import dev.intake.application.port.RateLimiter;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/** Fixed windows in a map, like the DynamoDB limiter. */
final class InMemoryRateLimiter implements RateLimiter {
    final Map<String, Long> counts = new HashMap<>();

    @Override
    public synchronized Decision hit(String key, int limit, Duration window, Instant now) {
        long w = window.toSeconds();
        long start = now.getEpochSecond() / w * w;
        long n = counts.merge(key + "#" + start, 1L, Long::sum);
        return new Decision(n <= limit, n, (int) Math.max(1, start + w - now.getEpochSecond()));
    }
}
