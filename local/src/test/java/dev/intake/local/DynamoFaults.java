package dev.intake.local;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;

/**
 * DynamoDB throttling on demand, for tests: while {@link #throttle(double) switched on}, each attempt of a
 * DynamoDB call fails with {@code ProvisionedThroughputExceededException} with the given probability,
 * before it is sent, as DynamoDB does when it throttles (the item is not touched). The exception is thrown
 * inside the SDK's retry loop, so the SDK backs off and retries it as it would a real throttle; a call
 * whose every attempt is throttled reaches the application. Installed with
 * {@link IntakeLocal.Options#withDynamoInterceptors}; off, it does nothing.
 */
final class DynamoFaults implements ExecutionInterceptor {
    /** Where the local stack's SQS pollers run the queue-triggered functions (the campaign trigger). */
    private static final String SQS_POLLERS = "sqs-poller-";

    private volatile double rate;
    private volatile boolean sparePollers;
    private final AtomicLong attempts = new AtomicLong();
    private final AtomicLong throttled = new AtomicLong();

    /** Throttle this fraction of attempts from now on (0 switches throttling off). */
    void throttle(double fraction) {
        throttle(fraction, false);
    }

    /** As {@link #throttle(double)}; with {@code sparePollers}, not the calls of the SQS-triggered functions. */
    void throttle(double fraction, boolean sparePollers) {
        if (fraction < 0 || fraction > 1) throw new IllegalArgumentException("fraction " + fraction);
        this.sparePollers = sparePollers;
        rate = fraction;
    }

    /** Attempts seen while throttling was on. */
    long attempts() { return attempts.get(); }

    /** Attempts failed on purpose. */
    long throttled() { return throttled.get(); }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        double r = rate;
        if (r <= 0 || sparePollers && Thread.currentThread().getName().startsWith(SQS_POLLERS)) return;
        attempts.incrementAndGet();
        if (ThreadLocalRandom.current().nextDouble() >= r) return;
        throttled.incrementAndGet();
        throw ProvisionedThroughputExceededException.builder()
                .message("Throughput exceeds the current capacity (injected by the test)")
                .statusCode(400)
                .awsErrorDetails(AwsErrorDetails.builder().serviceName("DynamoDb").errorCode("ProvisionedThroughputExceededException")
                        .errorMessage("injected by the test").build())
                .build();
    }
}
