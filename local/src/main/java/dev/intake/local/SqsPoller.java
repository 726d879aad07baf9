package dev.intake.local;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * The Lambda SQS event source mapping, on loopback: long-polls a queue, hands batches to the handler as
 * an {@link SQSEvent}, and deletes every message the handler did not report as failed. Failed messages
 * come back after the visibility timeout, and the queue's redrive policy moves them to the DLQ.
 */
final class SqsPoller implements AutoCloseable {
    private final SqsClient sqs;
    private final String queueUrl;
    private final String queueArn;
    private final Function<SQSEvent, SQSBatchResponse> handler;
    private final Thread thread;
    private volatile boolean running = true;

    SqsPoller(SqsClient sqs, String queueUrl, String queueArn, Function<SQSEvent, SQSBatchResponse> handler, String name) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.queueArn = queueArn;
        this.handler = handler;
        this.thread = Thread.ofPlatform().name("sqs-poller-" + name).daemon(true).start(this::loop);
    }

    private void loop() {
        while (running) {
            try {
                List<Message> messages = sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1)
                        .messageSystemAttributeNames(MessageSystemAttributeName.ALL).messageAttributeNames("All")).messages();
                if (messages.isEmpty()) continue;
                SQSBatchResponse response = handler.apply(event(messages));
                Set<String> failed = new HashSet<>();
                if (response != null && response.getBatchItemFailures() != null) {
                    response.getBatchItemFailures().forEach(f -> failed.add(f.getItemIdentifier()));
                }
                List<DeleteMessageBatchRequestEntry> done = new ArrayList<>();
                for (Message m : messages) {
                    if (!failed.contains(m.messageId())) {
                        done.add(DeleteMessageBatchRequestEntry.builder().id(Integer.toString(done.size())).receiptHandle(m.receiptHandle()).build());
                    }
                }
                if (!done.isEmpty()) sqs.deleteMessageBatch(r -> r.queueUrl(queueUrl).entries(done));
            } catch (RuntimeException e) {
                if (!running) return;
                // Queue unreachable or handler crashed: like Lambda, leave the messages for redelivery.
                System.err.println("sqs poller: " + e.getClass().getSimpleName() + "; retrying");
                pause();
            }
        }
    }

    private SQSEvent event(List<Message> messages) {
        List<SQSEvent.SQSMessage> records = new ArrayList<>();
        for (Message m : messages) {
            SQSEvent.SQSMessage r = new SQSEvent.SQSMessage();
            r.setMessageId(m.messageId());
            r.setReceiptHandle(m.receiptHandle());
            r.setBody(m.body());
            r.setMd5OfBody(m.md5OfBody());
            r.setEventSource("aws:sqs");
            r.setEventSourceArn(queueArn);
            r.setAwsRegion("us-east-1");
            Map<String, String> attrs = new java.util.HashMap<>();
            m.attributes().forEach((k, v) -> attrs.put(k.toString(), v));
            r.setAttributes(attrs);
            Map<String, SQSEvent.MessageAttribute> mattrs = new java.util.HashMap<>();
            m.messageAttributes().forEach((k, v) -> {
                SQSEvent.MessageAttribute a = new SQSEvent.MessageAttribute();
                a.setDataType(v.dataType());
                a.setStringValue(v.stringValue());
                mattrs.put(k, a);
            });
            r.setMessageAttributes(mattrs);
            records.add(r);
        }
        SQSEvent e = new SQSEvent();
        e.setRecords(records);
        return e;
    }

    private static void pause() {
        try {
            Thread.sleep(500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(3000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
