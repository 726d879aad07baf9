package dev.intake.adapter.cache;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * A per-container map whose entries live for a fixed time: what a warm Lambda reuses between invocations
 * instead of reading DynamoDB again. Empty results are not kept, so something created a moment ago is never
 * hidden. Bounded: past {@code maxEntries} it starts again empty.
 */
final class Expiring<K, V> {
    private record Entry<V>(V value, long expiresAtNanos) {}

    private final ConcurrentHashMap<K, Entry<V>> entries = new ConcurrentHashMap<>();
    private final long ttlNanos;
    private final int maxEntries;
    private final LongSupplier nanoTime;

    Expiring(java.time.Duration ttl, int maxEntries, LongSupplier nanoTime) {
        this.ttlNanos = ttl.toNanos();
        this.maxEntries = maxEntries;
        this.nanoTime = nanoTime;
    }

    /** The live entry of {@code key}, or what {@code load} finds (kept when present). */
    Optional<V> get(K key, Function<K, Optional<V>> load) {
        long now = nanoTime.getAsLong();
        Entry<V> e = entries.get(key);
        if (e != null && now - e.expiresAtNanos() < 0) return Optional.of(e.value());
        Optional<V> loaded = load.apply(key);
        if (loaded.isPresent()) {
            if (entries.size() >= maxEntries) entries.clear();
            entries.put(key, new Entry<>(loaded.get(), now + ttlNanos));
        } else {
            entries.remove(key);
        }
        return loaded;
    }

    /** Forgets {@code key}: this container has just changed it. */
    void invalidate(K key) {
        entries.remove(key);
    }
}
