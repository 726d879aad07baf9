package dev.intake.adapter.dynamodb;

import static dev.intake.adapter.dynamodb.Dynamo.*;

import dev.intake.application.port.IdempotencyStore;
import dev.intake.application.port.RateLimiter;
import dev.intake.domain.Ids;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * Guards table: rate-limit counters and {@code Idempotency-Key} records. The table has a string hash key
 * {@code pk} only, and DynamoDB TTL on the numeric attribute {@code expiresAt} (epoch seconds). TTL only
 * reclaims space: it deletes expired items up to days late, so nothing here trusts an item to be gone
 * because it has expired.
 * <ul>
 *   <li>{@code RL#<key>#<windowStartEpochSeconds>}: the counter of one fixed window, {@code n} (N) and
 *       {@code expiresAt} (one window after the window ends). Each window has its own item, so a stale
 *       counter is never read again: a later window addresses a different {@code pk}, and TTL's lateness
 *       cannot carry a count over.</li>
 *   <li>{@code IDEM#<key>}: an idempotency record, {@code h} (S, hash of the first body), {@code st}
 *       ({@code PENDING} or {@code DONE}), {@code lease} (N, epoch millis, while {@code PENDING}),
 *       {@code attempt} (S, the first claim's {@link dev.intake.domain.Ids#attempt} token),
 *       {@code status} (N), {@code headers} (M of S) and {@code body} (S, absent when there was none) once
 *       {@code DONE}, and {@code expiresAt} (N, epoch seconds).</li>
 * </ul>
 * <p>Windows are fixed rather than sliding so that one request is one {@code UpdateItem} with an atomic
 * {@code ADD}: the count returned is exact under any concurrency, and costs one write and no read. A sliding
 * window would need a read of the previous window (or one item per request) and a second round trip. The
 * price is the usual fixed-window edge: up to twice the limit can pass across a window boundary.
 * <p>Conditions:
 * <ul>
 *   <li>claim: a put on {@code attribute_not_exists(pk) OR expiresAt < :nowSec}, with a new attempt token.
 *       Exactly one of any number of concurrent claims of a key wins, and a record counts as free once its
 *       {@code expiresAt} has passed whether or not TTL has deleted it.</li>
 *   <li>takeover: an update of the lease on {@code st = PENDING AND lease < :nowMs AND h = :h AND
 *       expiresAt >= :nowSec}, which keeps the record's attempt token. A request that died without completing
 *       or releasing is taken over after its lease, only by a retry of the same body (so a lapsed lease never
 *       lets a different body through), and only by one of any number of concurrent retries.</li>
 *   <li>complete: {@code h = :h}. The response is stored only on a record of this body: if the record
 *       expired and was claimed with another body meanwhile, that claim is not overwritten.</li>
 *   <li>release: {@code h = :h AND st = PENDING}. Never deletes a completed response (which must keep
 *       replaying) nor another body's record.</li>
 * </ul>
 */
public final class DynamoGuardStore implements RateLimiter, IdempotencyStore {
    private static final String PENDING = "PENDING";
    private static final String DONE = "DONE";
    /** Claims retried when the failed condition came back without the item and a re-read shows it claimable. */
    private static final int CLAIM_ATTEMPTS = 3;

    private final DynamoDbClient db;
    private final String table;

    public DynamoGuardStore(DynamoDbClient db, String table) {
        this.db = db;
        this.table = table;
    }

    @Override
    public Decision hit(String key, int limit, Duration window, Instant now) {
        long windowMs = window.toMillis();
        // Below a second, two windows could share the epoch-second in the pk and so one counter.
        if (windowMs < 1000) throw new IllegalArgumentException("window must be at least one second: " + window);
        long startMs = Math.floorDiv(now.toEpochMilli(), windowMs) * windowMs;
        long endMs = startMs + windowMs;
        String pk = "RL#" + key + "#" + Math.floorDiv(startMs, 1000);
        // Kept one window past its end so a clock running a little behind still finds the same counter.
        long expiresAt = ceilSeconds(endMs + windowMs);

        var res = call(() -> db.updateItem(r -> r.tableName(table).key(Map.of("pk", s(pk)))
                .updateExpression("ADD n :one SET expiresAt = if_not_exists(expiresAt, :exp)")
                .expressionAttributeValues(Map.of(":one", n(1), ":exp", n(expiresAt)))
                .returnValues(ReturnValue.UPDATED_NEW)));
        long count = num(res.attributes(), "n");
        int retryAfter = (int) Math.max(1, ceilSeconds(endMs - now.toEpochMilli()));
        return new Decision(count <= limit, count, retryAfter);
    }

    @Override
    public Claim claim(String key, String bodyHash, Instant now, Instant leaseUntil, Instant expiresAt) {
        String attempt = Ids.attempt(now);
        Map<String, AttributeValue> item = Map.of(
                "pk", s(idemPk(key)),
                "h", s(bodyHash),
                "st", s(PENDING),
                "lease", n(leaseUntil.toEpochMilli()),
                "attempt", s(attempt),
                "expiresAt", n(expiresAt.getEpochSecond()));
        for (int tries = 1; ; tries++) {
            Map<String, AttributeValue> old;
            try {
                run(() -> db.putItem(r -> r.tableName(table).item(item)
                        .conditionExpression("attribute_not_exists(pk) OR expiresAt < :nowSec")
                        .expressionAttributeValues(Map.of(":nowSec", n(now.getEpochSecond())))
                        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)));
                return new Claim.Acquired(attempt);
            } catch (ConditionalCheckFailedException e) {
                old = e.hasItem() && !e.item().isEmpty() ? e.item() : null;
            }
            if (old == null) {
                // Some emulators do not return the item that failed the condition. Read it instead; it may
                // have changed since (released, expired), and then it is claimable again.
                old = call(() -> db.getItem(r -> r.tableName(table).key(Map.of("pk", s(idemPk(key)))).consistentRead(true))).item();
            }
            Claim taken = taken(old, bodyHash, now);
            if (taken != null) return taken;
            if (old != null && !old.isEmpty() && num(old, "expiresAt") >= now.getEpochSecond()) {
                String kept = takeOver(key, bodyHash, now, leaseUntil, attempt);
                if (kept != null) return new Claim.Acquired(kept);
            }
            // Claimable on the re-read, or taken over by a concurrent retry: bounded, since each retry means
            // the key is contended.
            if (tries >= CLAIM_ATTEMPTS) return new Claim.InProgress();
        }
    }

    /**
     * Takes over the lapsed claim of a request of this body that died half-way: a new lease, the same attempt
     * token (a record written before tokens existed gets {@code attempt}). Null when another retry took it first.
     */
    private String takeOver(String key, String bodyHash, Instant now, Instant leaseUntil, String attempt) {
        try {
            Map<String, AttributeValue> record = call(() -> db.updateItem(r -> r.tableName(table)
                    .key(Map.of("pk", s(idemPk(key))))
                    .updateExpression("SET lease = :lease, attempt = if_not_exists(attempt, :attempt)")
                    .conditionExpression("st = :pending AND lease < :nowMs AND h = :h AND expiresAt >= :nowSec")
                    .expressionAttributeValues(Map.of(
                            ":lease", n(leaseUntil.toEpochMilli()),
                            ":attempt", s(attempt),
                            ":pending", s(PENDING),
                            ":nowMs", n(now.toEpochMilli()),
                            ":h", s(bodyHash),
                            ":nowSec", n(now.getEpochSecond())))
                    .returnValues(ReturnValue.ALL_NEW))).attributes();
            return str(record, "attempt");
        } catch (ConditionalCheckFailedException e) {
            return null;
        }
    }

    /** Why {@code old} blocks a claim, or null when it does not (gone, expired, or a lapsed lease of this body). */
    private static Claim taken(Map<String, AttributeValue> old, String bodyHash, Instant now) {
        if (old == null || old.isEmpty() || num(old, "expiresAt") < now.getEpochSecond()) return null;
        if (!bodyHash.equals(str(old, "h"))) return new Claim.Mismatch();
        if (DONE.equals(str(old, "st"))) return new Claim.Replay(response(old));
        if (num(old, "lease") < now.toEpochMilli()) return null;
        return new Claim.InProgress();
    }

    @Override
    public void complete(String key, String bodyHash, StoredResponse response, Instant expiresAt) {
        Map<String, AttributeValue> headers = new LinkedHashMap<>();
        if (response.headers() != null) response.headers().forEach((k, v) -> headers.put(k, s(v)));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(
                ":done", s(DONE),
                ":status", n(response.status()),
                ":headers", AttributeValue.fromM(headers),
                ":exp", n(expiresAt.getEpochSecond()),
                ":h", s(bodyHash)));
        if (response.body() != null) values.put(":body", s(response.body()));
        // A body-less response removes any body, so a second completion cannot leave a stale one behind.
        String expression = "SET st = :done, #status = :status, headers = :headers, expiresAt = :exp"
                + (response.body() != null ? ", body = :body REMOVE lease" : " REMOVE lease, body");
        try {
            run(() -> db.updateItem(r -> r.tableName(table).key(Map.of("pk", s(idemPk(key))))
                    .updateExpression(expression)
                    .conditionExpression("h = :h")
                    // STATUS is a reserved word in DynamoDB expressions.
                    .expressionAttributeNames(Map.of("#status", "status"))
                    .expressionAttributeValues(values)));
        } catch (ConditionalCheckFailedException e) {
            // The record expired and another body claimed the key; that request will store its own response.
        }
    }

    @Override
    public void release(String key, String bodyHash) {
        try {
            run(() -> db.deleteItem(r -> r.tableName(table).key(Map.of("pk", s(idemPk(key))))
                    .conditionExpression("h = :h AND st = :pending")
                    .expressionAttributeValues(Map.of(":h", s(bodyHash), ":pending", s(PENDING)))));
        } catch (ConditionalCheckFailedException e) {
            // Already completed, released, or claimed with another body: there is nothing of ours to give up.
        }
    }

    private static String idemPk(String key) {
        return "IDEM#" + key;
    }

    private static StoredResponse response(Map<String, AttributeValue> item) {
        Map<String, String> headers = new LinkedHashMap<>();
        AttributeValue h = item.get("headers");
        if (h != null && h.hasM()) h.m().forEach((k, v) -> headers.put(k, v.s()));
        return new StoredResponse((int) num(item, "status"), headers, str(item, "body"));
    }

    private static long ceilSeconds(long millis) {
        return Math.floorDiv(millis + 999, 1000);
    }
}
