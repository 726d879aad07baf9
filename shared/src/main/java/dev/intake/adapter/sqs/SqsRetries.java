package dev.intake.adapter.sqs;

import java.time.Duration;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Backoff through SQS redelivery: a message that failed is hidden for the backoff before the queue hands it
 * out again. SQS caps a visibility timeout at 12 hours.
 */
public final class SqsRetries {
    private static final long MAX_SECONDS = Duration.ofHours(12).toSeconds();

    private final SqsClient sqs;
    private final String queueUrl;

    public SqsRetries(SqsClient sqs, String queueUrl) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
    }

    /**
     * Makes the message due again after {@code backoff}. Returns false when the queue could not be told; the
     * message then comes back after the queue's own visibility timeout, which is a longer backoff, not a loss.
     */
    public boolean retryAfter(String receiptHandle, Duration backoff) {
        if (receiptHandle == null) return false;
        int seconds = (int) Math.min(Math.max(backoff.toSeconds(), 0), MAX_SECONDS);
        try {
            sqs.changeMessageVisibility(r -> r.queueUrl(queueUrl).receiptHandle(receiptHandle).visibilityTimeout(seconds));
            return true;
        } catch (SdkException e) {
            return false;
        }
    }
}
