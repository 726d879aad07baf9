package dev.intake.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.intake.json.BatchEvents;
import dev.intake.json.Json;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * The Lambda SQS event source mapping, on loopback: long-polls a queue, hands batches to the handler as the
 * SQS event's JSON, as Lambda sends it, and deletes every message the handler's answer does not report in
 * {@code batchItemFailures}. Failed messages come back after the visibility timeout, and the queue's redrive
 * policy moves them to the DLQ.
 */
final class SqsPoller implements AutoCloseable {
    private final SqsClient sqs;
    private final String queueUrl;
    private final String queueArn;
    /** The event's JSON to the function's answer. */
    private final Function<byte[], byte[]> handler;
    private final Thread thread;
    private volatile boolean running = true;

    SqsPoller(SqsClient sqs, String queueUrl, String queueArn, Function<byte[], byte[]> handler, String name) {
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
                Set<String> failed = new HashSet<>(BatchEvents.readFailures(handler.apply(event(messages))));
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

    /** The SQS event Lambda would send for these messages. */
    private byte[] event(List<Message> messages) {
        ObjectNode event = Json.object();
        ArrayNode records = event.putArray("Records");
        for (Message m : messages) {
            ObjectNode r = records.addObject();
            r.put("messageId", m.messageId());
            r.put("receiptHandle", m.receiptHandle());
            r.put("body", m.body());
            ObjectNode attributes = r.putObject("attributes");
            m.attributes().forEach((k, v) -> attributes.put(k.toString(), v));
            ObjectNode messageAttributes = r.putObject("messageAttributes");
            m.messageAttributes().forEach((k, v) -> {
                ObjectNode a = messageAttributes.putObject(k);
                if (v.stringValue() != null) a.put("stringValue", v.stringValue());
                if (v.binaryValue() != null) a.put("binaryValue", Base64.getEncoder().encodeToString(v.binaryValue().asByteArray()));
                a.putArray("stringListValues");
                a.putArray("binaryListValues");
                a.put("dataType", v.dataType());
            });
            r.put("md5OfBody", m.md5OfBody());
            r.put("eventSource", "aws:sqs");
            r.put("eventSourceARN", queueArn);
            r.put("awsRegion", "us-east-1");
        }
        try {
            return Json.mapper().writeValueAsBytes(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
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
