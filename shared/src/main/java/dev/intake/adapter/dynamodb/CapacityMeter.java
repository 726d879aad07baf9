package dev.intake.adapter.dynamodb;

import java.util.List;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.*;

/**
 * Counts the DynamoDB capacity a piece of work consumes: asks every call for
 * {@code ReturnConsumedCapacity=TOTAL} (free of charge) and adds up what comes back, per thread. A sync
 * client runs interceptors on the calling thread, so {@link #measure} sees exactly the calls its work made.
 * The local stack reports each request's figure in a response header; tests and benchmarks assert on it.
 */
public final class CapacityMeter implements ExecutionInterceptor {
    /** Read and write capacity units. */
    public record Units(double read, double write) {
        public Units plus(Units o) { return new Units(read + o.read, write + o.write); }
    }

    private final ThreadLocal<double[]> current = new ThreadLocal<>();

    /** Runs {@code work} and returns its result with the capacity its DynamoDB calls consumed on this thread. */
    public <T> Measured<T> measure(java.util.function.Supplier<T> work) {
        double[] outer = current.get();
        double[] mine = new double[2];
        current.set(mine);
        try {
            T result = work.get();
            return new Measured<>(result, new Units(mine[0], mine[1]));
        } finally {
            if (outer == null) {
                current.remove();
            } else {
                outer[0] += mine[0];
                outer[1] += mine[1];
                current.set(outer);
            }
        }
    }

    public record Measured<T>(T result, Units units) {}

    @Override
    public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
        var total = ReturnConsumedCapacity.TOTAL;
        return switch (context.request()) {
            case GetItemRequest r -> r.toBuilder().returnConsumedCapacity(total).build();
            case QueryRequest r -> r.toBuilder().returnConsumedCapacity(total).build();
            case ScanRequest r -> r.toBuilder().returnConsumedCapacity(total).build();
            case BatchGetItemRequest r -> r.toBuilder().returnConsumedCapacity(total).build();
            case TransactGetItemsRequest r -> r.toBuilder().returnConsumedCapacity(total).build();
            case PutItemRequest r -> r.toBuilder().returnConsumedCapacity(total).build();
            case UpdateItemRequest r -> r.toBuilder().returnConsumedCapacity(total).build();
            case DeleteItemRequest r -> r.toBuilder().returnConsumedCapacity(total).build();
            case BatchWriteItemRequest r -> r.toBuilder().returnConsumedCapacity(total).build();
            case TransactWriteItemsRequest r -> r.toBuilder().returnConsumedCapacity(total).build();
            default -> context.request();
        };
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        double[] sink = current.get();
        if (sink == null) return;
        switch (context.response()) {
            case GetItemResponse r -> sink[0] += units(r.consumedCapacity());
            case QueryResponse r -> sink[0] += units(r.consumedCapacity());
            case ScanResponse r -> sink[0] += units(r.consumedCapacity());
            case BatchGetItemResponse r -> sink[0] += units(r.consumedCapacity());
            case TransactGetItemsResponse r -> sink[0] += units(r.consumedCapacity());
            case PutItemResponse r -> sink[1] += units(r.consumedCapacity());
            case UpdateItemResponse r -> sink[1] += units(r.consumedCapacity());
            case DeleteItemResponse r -> sink[1] += units(r.consumedCapacity());
            case BatchWriteItemResponse r -> sink[1] += units(r.consumedCapacity());
            case TransactWriteItemsResponse r -> sink[1] += units(r.consumedCapacity());
            default -> { }
        }
    }

    private static double units(ConsumedCapacity c) {
        return c == null || c.capacityUnits() == null ? 0 : c.capacityUnits();
    }

    private static double units(List<ConsumedCapacity> list) {
        return list == null ? 0 : list.stream().mapToDouble(CapacityMeter::units).sum();
    }
}
