package dev.intake.bench.load;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.model.*;

/**
 * Every DynamoDB call made in this JVM, on any thread, with the capacity it consumed: a global SDK
 * interceptor (listed in {@code software/amazon/awssdk/global/handlers/execution.interceptors}, which the
 * SDK reads for every client it builds), so it sees the stack's own clients, the request handlers' as well
 * as the stream relay's and the campaign trigger's, without any change to them. It asks each call for
 * {@code ReturnConsumedCapacity=TOTAL} (the local stack's metering client asks the same) and, while
 * {@link #start} is in force, records one {@link Call} per response and table. Calls to DynamoDB Streams
 * (the local stream poller's reads, which consume no table capacity) and SQS are only counted.
 */
public final class CallLog implements ExecutionInterceptor {
    /** One DynamoDB call: which thread made it, the operation, and per table the units it consumed. */
    public record Call(long atNanos, String thread, String operation, String table, double rcu, double wcu) {}

    private static final ConcurrentLinkedQueue<Call> CALLS = new ConcurrentLinkedQueue<>();
    private static final AtomicLong LAST_CALL = new AtomicLong(System.nanoTime());
    private static final java.util.Map<String, AtomicLong> OTHER = new java.util.concurrent.ConcurrentSkipListMap<>();
    private static volatile boolean recording;
    /** Always on: DynamoDB calls and their summed latency (SDK call to response) by operation. */
    private static final java.util.Map<String, long[]> TOTALS = new java.util.concurrent.ConcurrentHashMap<>();
    private static final software.amazon.awssdk.core.interceptor.ExecutionAttribute<Long> STARTED =
            new software.amazon.awssdk.core.interceptor.ExecutionAttribute<>("intake.bench.started");

    public CallLog() {}

    /** Forgets what was recorded and records from now on. */
    public static void start() {
        CALLS.clear();
        OTHER.clear();
        recording = true;
    }

    /** Stops recording; returns what was recorded since {@link #start}, in order of completion. */
    public static List<Call> stop() {
        recording = false;
        return new ArrayList<>(CALLS);
    }

    /** Calls to other services (DynamoDB Streams, SQS) since {@link #start}, by service and operation. */
    public static java.util.Map<String, Long> otherCalls() {
        java.util.Map<String, Long> out = new java.util.LinkedHashMap<>();
        OTHER.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    /** When the last DynamoDB call (not Streams, not SQS) completed, recording or not. */
    public static long lastCallNanos() { return LAST_CALL.get(); }

    /** Calls and summed latency in nanoseconds by DynamoDB operation, since the JVM started: {calls, nanos}. */
    public static java.util.Map<String, long[]> totals() {
        java.util.Map<String, long[]> out = new java.util.TreeMap<>();
        TOTALS.forEach((op, t) -> {
            synchronized (t) {
                out.put(op, t.clone());
            }
        });
        return out;
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        attributes.putAttribute(STARTED, System.nanoTime());
    }

    @Override
    public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
        var total = ReturnConsumedCapacity.TOTAL;
        return switch (context.request()) {
            case GetItemRequest r when r.returnConsumedCapacity() == null -> r.toBuilder().returnConsumedCapacity(total).build();
            case QueryRequest r when r.returnConsumedCapacity() == null -> r.toBuilder().returnConsumedCapacity(total).build();
            case ScanRequest r when r.returnConsumedCapacity() == null -> r.toBuilder().returnConsumedCapacity(total).build();
            case BatchGetItemRequest r when r.returnConsumedCapacity() == null -> r.toBuilder().returnConsumedCapacity(total).build();
            case TransactGetItemsRequest r when r.returnConsumedCapacity() == null -> r.toBuilder().returnConsumedCapacity(total).build();
            case PutItemRequest r when r.returnConsumedCapacity() == null -> r.toBuilder().returnConsumedCapacity(total).build();
            case UpdateItemRequest r when r.returnConsumedCapacity() == null -> r.toBuilder().returnConsumedCapacity(total).build();
            case DeleteItemRequest r when r.returnConsumedCapacity() == null -> r.toBuilder().returnConsumedCapacity(total).build();
            case BatchWriteItemRequest r when r.returnConsumedCapacity() == null -> r.toBuilder().returnConsumedCapacity(total).build();
            case TransactWriteItemsRequest r when r.returnConsumedCapacity() == null -> r.toBuilder().returnConsumedCapacity(total).build();
            default -> context.request();
        };
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        if (!dynamoDb(attributes)) return;
        long now = System.nanoTime();
        LAST_CALL.set(now);
        String op = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        Long started = attributes.getAttribute(STARTED);
        long[] t = TOTALS.computeIfAbsent(op, k -> new long[2]);
        synchronized (t) {
            t[0]++;
            t[1] += started == null ? 0 : now - started;
        }
        if (!recording) return;
        String thread = Thread.currentThread().getName();
        List<ConsumedCapacity> consumed = switch (context.response()) {
            case GetItemResponse r -> one(r.consumedCapacity());
            case QueryResponse r -> one(r.consumedCapacity());
            case ScanResponse r -> one(r.consumedCapacity());
            case PutItemResponse r -> one(r.consumedCapacity());
            case UpdateItemResponse r -> one(r.consumedCapacity());
            case DeleteItemResponse r -> one(r.consumedCapacity());
            case BatchGetItemResponse r -> r.consumedCapacity();
            case TransactGetItemsResponse r -> r.consumedCapacity();
            case BatchWriteItemResponse r -> r.consumedCapacity();
            case TransactWriteItemsResponse r -> r.consumedCapacity();
            default -> List.of();
        };
        boolean reads = switch (context.response()) {
            case GetItemResponse r -> true;
            case QueryResponse r -> true;
            case ScanResponse r -> true;
            case BatchGetItemResponse r -> true;
            case TransactGetItemsResponse r -> true;
            default -> false;
        };
        if (consumed == null || consumed.isEmpty()) {
            CALLS.add(new Call(now, thread, op, "?", 0, 0));
            return;
        }
        for (ConsumedCapacity c : consumed) {
            // TOTAL: capacityUnits per table, indexes included; read/write units are set for some operations only.
            double units = c.capacityUnits() == null ? 0 : c.capacityUnits();
            double r = c.readCapacityUnits() != null ? c.readCapacityUnits() : reads ? units : 0;
            double w = c.writeCapacityUnits() != null ? c.writeCapacityUnits() : reads ? 0 : units;
            CALLS.add(new Call(now, thread, op, c.tableName(), r, w));
        }
    }

    /**
     * True for DynamoDB's own API. Others are counted by operation while recording: DynamoDB Streams (the
     * local stream poller's reads, which consume no table capacity) and SQS.
     */
    private static boolean dynamoDb(ExecutionAttributes attributes) {
        String service = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME);
        if ("DynamoDb".equals(service)) return true;
        if (recording) OTHER.computeIfAbsent(service + " " + attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME),
                k -> new AtomicLong()).incrementAndGet();
        return false;
    }

    /** A failed call (a condition that did not hold, a throttle): DynamoDB bills it, but the SDK returns no units. */
    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        if (!dynamoDb(attributes) || !recording) return;
        CALLS.add(new Call(System.nanoTime(), Thread.currentThread().getName(),
                attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME) + " failed: " + context.exception().getClass().getSimpleName(),
                "?", 0, 0));
    }

    private static List<ConsumedCapacity> one(ConsumedCapacity c) {
        return c == null ? List.of() : List.of(c);
    }
}
