package dev.intake.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.intake.adapter.dynamodb.StreamImages;
import dev.intake.json.BatchEvents;
import dev.intake.json.Json;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import software.amazon.awssdk.services.dynamodb.model.ExpiredIteratorException;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.StreamDescription;
import software.amazon.awssdk.services.dynamodb.model.TrimmedDataAccessException;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * The Lambda DynamoDB stream event source mapping, on loopback, for one function and one table's stream.
 * It reads every shard in order (a child only once its parent is done), drops the records that no
 * {@code FilterCriteria} pattern matches, and hands the rest to the handler as the JSON of a stream event of
 * up to {@code BatchSize} records, as Lambda sends it.
 *
 * <p>Failures follow {@code ReportBatchItemFailures} with unlimited retries: when the handler's answer reports
 * failed sequence numbers ({@code batchItemFailures}), the records before the earliest of them are done and
 * that record and the rest of the batch are delivered again; when it throws, or names a record that is not in
 * the batch, the whole batch is. Retries back off from 100 ms to 2 s, and the shard does not move past a
 * failing record.
 *
 * <p>The position in each shard lives in memory only: a new poller on a stream that survived a restart
 * ({@code --data-dir}) with {@code TRIM_HORIZON} delivers the records it still holds again, where Lambda
 * would resume from its checkpoint.
 */
final class StreamPoller implements AutoCloseable {
    private static final long IDLE_MILLIS = 150;
    private static final long FIRST_BACKOFF_MILLIS = 100;
    private static final long MAX_BACKOFF_MILLIS = 2_000;
    private static final long DISCOVER_EVERY_MILLIS = 1_000;
    /** GetRecords returns at most 1000 records a call. */
    private static final int MAX_GET_RECORDS = 1_000;

    private final DynamoDbStreamsClient streams;
    private final String streamArn;
    private final String tableName;
    private final Template.StreamSource source;
    /** The event's JSON to the function's answer. */
    private final Function<byte[], byte[]> handler;
    private final String name;
    /** By shard id, in the order DescribeStream listed them; touched by the poller thread only, once it runs. */
    private final Map<String, Shard> shards = new LinkedHashMap<>();
    private final AtomicLong processed = new AtomicLong();
    private final Thread thread;
    private long nextDiscovery;
    private int discoveryFailures;
    private volatile boolean running = true;

    /**
     * Lists the stream's shards and, for {@code LATEST}, takes the position now, so that every record
     * written after the constructor returns is delivered. Then starts polling on a daemon thread.
     */
    StreamPoller(DynamoDbStreamsClient streams, String streamArn, String tableName, Template.StreamSource source,
                 Function<byte[], byte[]> handler, String name) {
        this.streams = streams;
        this.streamArn = streamArn;
        this.tableName = tableName;
        this.source = source;
        this.handler = handler;
        this.name = name;
        discover(true);
        this.thread = Thread.ofPlatform().name("stream-poller-" + name).daemon(true).start(this::loop);
    }

    /** Records the handler has completed without reporting them failed; filtered-out records are not counted. */
    long processed() {
        return processed.get();
    }

    /** One shard's reading position and retry state. */
    private static final class Shard {
        final String id;
        final String parentId;
        /** Where to begin while nothing has been consumed: the template's position, or TRIM_HORIZON for later shards. */
        ShardIteratorType start = ShardIteratorType.TRIM_HORIZON;
        String iterator;
        /** Sequence number of the last record consumed (delivered, or dropped by the filters); null if none yet. */
        String checkpoint;
        /** Records to deliver again, oldest first, and the checkpoint once they succeed (the end of their batch). */
        List<Record> retry;
        String retryCheckpoint;
        /** GetRecords returned no next iterator: the shard is closed and has been read to its end. */
        boolean endReached;
        boolean listed = true;
        int attempts;
        /** TrimmedDataAccessExceptions in a row. */
        int trims;
        long readyAtNanos;

        Shard(String id, String parentId) {
            this.id = id;
            this.parentId = parentId;
        }

        boolean finished() {
            return endReached && retry == null;
        }
    }

    private void loop() {
        while (running) {
            if (System.nanoTime() - nextDiscovery >= 0) {
                try {
                    discover(false);
                    discoveryFailures = 0;
                } catch (RuntimeException e) {
                    if (!running) return;
                    warn(++discoveryFailures, "DescribeStream failed (" + brief(e) + "); will try again");
                }
            }
            boolean busy = false;
            long waitNanos = TimeUnit.MILLISECONDS.toNanos(IDLE_MILLIS);
            for (Shard shard : List.copyOf(shards.values())) {
                if (!running) return;
                if (!readable(shard)) continue;
                long notYet = shard.readyAtNanos - System.nanoTime();
                if (notYet > 0) {
                    waitNanos = Math.min(waitNanos, notYet);
                    continue;
                }
                busy |= step(shard);
            }
            if (!busy) sleep(waitNanos);
        }
    }

    /** Unfinished, and its parent is done or gone (a child's records come after all of its parent's). */
    private boolean readable(Shard shard) {
        if (shard.finished()) return false;
        Shard parent = shard.parentId == null ? null : shards.get(shard.parentId);
        return parent == null || parent.finished() || !parent.listed;
    }

    private void discover(boolean initial) {
        nextDiscovery = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DISCOVER_EVERY_MILLIS);
        Set<String> listed = new HashSet<>();
        String after = null;
        do {
            String exclusiveStart = after;
            StreamDescription description = streams.describeStream(r -> r.streamArn(streamArn).exclusiveStartShardId(exclusiveStart))
                    .streamDescription();
            for (var s : description.shards()) {
                listed.add(s.shardId());
                if (!shards.containsKey(s.shardId())) shards.put(s.shardId(), newShard(s, initial));
            }
            after = description.lastEvaluatedShardId();
        } while (after != null);
        shards.values().removeIf(s -> s.finished() && !listed.contains(s.id));
        shards.values().forEach(s -> s.listed = listed.contains(s.id));
    }

    /**
     * The template's starting position applies to the shards that exist when the poller starts; shards
     * that appear later are read from their start. With LATEST, closed shards hold only older records.
     */
    private Shard newShard(software.amazon.awssdk.services.dynamodb.model.Shard s, boolean initial) {
        Shard shard = new Shard(s.shardId(), s.parentShardId());
        if (initial && source.startingPosition().equals("LATEST")) {
            boolean closed = s.sequenceNumberRange() != null && s.sequenceNumberRange().endingSequenceNumber() != null;
            if (closed) {
                shard.endReached = true;
            } else {
                shard.start = ShardIteratorType.LATEST;
                shard.iterator = iterator(shard.id, ShardIteratorType.LATEST, null);
            }
        }
        return shard;
    }

    /** Reads or redelivers one batch; true if it did something, so the loop need not rest. */
    private boolean step(Shard shard) {
        try {
            if (shard.retry != null) {
                deliver(shard, shard.retry, shard.retryCheckpoint);
                return true;
            }
            if (shard.iterator == null) shard.iterator = freshIterator(shard);
            String current = shard.iterator;
            GetRecordsResponse response = streams.getRecords(r -> r.shardIterator(current)
                    .limit(Math.min(source.batchSize(), MAX_GET_RECORDS)));
            List<Record> records = response.records();
            shard.iterator = response.nextShardIterator();
            if (shard.iterator == null) shard.endReached = true;
            shard.attempts = 0;
            shard.trims = 0;
            if (records.isEmpty()) return false;
            String end = records.getLast().dynamodb().sequenceNumber();
            List<Record> passing = records.stream().filter(this::passes).toList();
            if (passing.isEmpty()) {
                shard.checkpoint = end;
            } else {
                deliver(shard, passing, end);
            }
            return true;
        } catch (ExpiredIteratorException e) {
            shard.iterator = null;
            return true;
        } catch (TrimmedDataAccessException e) {
            // DynamoDB Local numbers the records of all streams in one sequence, and refuses an iterator taken
            // while the shard was empty once other streams' records came in between: nothing was trimmed. Read
            // again after the checkpoint or, with none, from the oldest record, which then is the first one
            // written after the position was taken (also for LATEST).
            shard.iterator = null;
            shard.start = ShardIteratorType.TRIM_HORIZON;
            if (++shard.trims > 1) backOff(shard, "shard " + shard.id + " keeps refusing its iterators as trimmed (" + brief(e) + ")");
            return true;
        } catch (ResourceNotFoundException e) {
            warn(1, "shard " + shard.id + " is gone (" + brief(e) + "); leaving it");
            shard.iterator = null;
            shard.endReached = true;
            return false;
        } catch (RuntimeException e) {
            if (!running) return false;
            backOff(shard, "reading shard " + shard.id + " failed (" + brief(e) + ")");
            return false;
        }
    }

    /** After the checkpoint; if that was trimmed, the oldest record left; with no checkpoint, the start position. */
    private String freshIterator(Shard shard) {
        if (shard.checkpoint == null) return iterator(shard.id, shard.start, null);
        try {
            return iterator(shard.id, ShardIteratorType.AFTER_SEQUENCE_NUMBER, shard.checkpoint);
        } catch (TrimmedDataAccessException e) {
            warn(1, "shard " + shard.id + ": records after " + shard.checkpoint + " were trimmed before they were read");
            return iterator(shard.id, ShardIteratorType.TRIM_HORIZON, null);
        }
    }

    private String iterator(String shardId, ShardIteratorType type, String sequenceNumber) {
        return streams.getShardIterator(r -> r.streamArn(streamArn).shardId(shardId).shardIteratorType(type)
                .sequenceNumber(sequenceNumber)).shardIterator();
    }

    /** Calls the handler; keeps the failed record and those after it for another try. */
    private void deliver(Shard shard, List<Record> batch, String batchEnd) {
        int failedAt;
        String why;
        try {
            failedAt = firstFailure(BatchEvents.readFailures(handler.apply(event(batch))), batch);
            why = "reported failed";
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            failedAt = 0;
            why = "threw " + brief(e);
        }
        if (failedAt < 0) {
            processed.addAndGet(batch.size());
            shard.checkpoint = batchEnd;
            shard.retry = null;
            shard.retryCheckpoint = null;
            shard.attempts = 0;
            return;
        }
        processed.addAndGet(failedAt);
        shard.retry = List.copyOf(batch.subList(failedAt, batch.size()));
        shard.retryCheckpoint = batchEnd;
        backOff(shard, "handler " + why + " at record " + batch.get(failedAt).dynamodb().sequenceNumber() + " of shard "
                + shard.id + "; retrying " + shard.retry.size() + " record(s)");
    }

    /**
     * The index of the earliest record the answer names, -1 if none. An identifier that is missing or
     * names no record of the batch fails the whole batch, as in Lambda.
     */
    private static int firstFailure(List<String> failures, List<Record> batch) {
        if (failures.isEmpty()) return -1;
        int first = Integer.MAX_VALUE;
        for (String id : failures) {
            int index = -1;
            for (int i = 0; i < batch.size() && id != null; i++) {
                if (batch.get(i).dynamodb().sequenceNumber().equals(id)) {
                    index = i;
                    break;
                }
            }
            if (index < 0) return 0;
            first = Math.min(first, index);
        }
        return first;
    }

    private void backOff(Shard shard, String problem) {
        shard.attempts++;
        long delay = Math.min(MAX_BACKOFF_MILLIS, FIRST_BACKOFF_MILLIS << Math.min(shard.attempts - 1, 5));
        shard.readyAtNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delay);
        warn(shard.attempts, problem + "; attempt " + shard.attempts + ", next in " + delay + " ms");
    }

    /** A record passes if any filter matches it: each field the filter names has one of the listed values. */
    private boolean passes(Record record) {
        if (source.filters().isEmpty()) return true;
        for (Map<String, List<String>> filter : source.filters()) {
            boolean matches = true;
            for (var field : filter.entrySet()) {
                matches &= field.getValue().contains(field(record, field.getKey()));
            }
            if (matches) return true;
        }
        return false;
    }

    /** The record field a filter names, with the value the handler sees in the event. */
    private String field(Record record, String name) {
        return switch (name) {
            case "eventID" -> record.eventID();
            case "eventName" -> record.eventNameAsString();
            case "eventVersion" -> EVENT_VERSION;
            case "eventSource" -> EVENT_SOURCE;
            case "awsRegion" -> REGION;
            case "eventSourceARN" -> streamArn;
            default -> null;
        };
    }

    private static final String EVENT_VERSION = "1.1";
    private static final String EVENT_SOURCE = "aws:dynamodb";
    /** DynamoDB Local says "ddblocal"; handlers see the region the local stack claims everywhere. */
    private static final String REGION = "us-east-1";

    /** The stream event Lambda would send for these records. */
    private byte[] event(List<Record> batch) {
        ObjectNode event = Json.object();
        ArrayNode records = event.putArray("Records");
        for (Record r : batch) {
            ObjectNode out = records.addObject();
            out.put("eventID", r.eventID());
            out.put("eventName", r.eventNameAsString());
            out.put("eventVersion", EVENT_VERSION);
            out.put("eventSource", EVENT_SOURCE);
            out.put("awsRegion", REGION);
            var d = r.dynamodb();
            ObjectNode dynamodb = out.putObject("dynamodb");
            if (d.approximateCreationDateTime() != null) dynamodb.put("ApproximateCreationDateTime", d.approximateCreationDateTime().getEpochSecond());
            if (d.hasKeys()) dynamodb.set("Keys", StreamImages.toJson(d.keys()));
            if (d.hasNewImage()) dynamodb.set("NewImage", StreamImages.toJson(d.newImage()));
            if (d.hasOldImage()) dynamodb.set("OldImage", StreamImages.toJson(d.oldImage()));
            dynamodb.put("SequenceNumber", d.sequenceNumber());
            dynamodb.put("SizeBytes", d.sizeBytes());
            dynamodb.put("StreamViewType", d.streamViewTypeAsString());
            out.put("eventSourceARN", streamArn);
            if (r.userIdentity() != null) out.putObject("userIdentity").put("principalId", r.userIdentity().principalId())
                    .put("type", r.userIdentity().type());
        }
        try {
            return Json.mapper().writeValueAsBytes(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One line on the first problem of a run and then at attempts 2, 4, 8, …, so a long outage does not flood the log. */
    private void warn(int attempt, String message) {
        if (Integer.bitCount(attempt) == 1) System.err.println("stream poller " + name + " (" + tableName + "): " + message);
    }

    private static String brief(Throwable e) {
        String message = e.getMessage();
        if (message != null && message.length() > 200) message = message.substring(0, 200) + "…";
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    private void sleep(long nanos) {
        try {
            TimeUnit.NANOSECONDS.sleep(Math.max(nanos, TimeUnit.MILLISECONDS.toNanos(10)));
        } catch (InterruptedException e) {
            // close() interrupts; the loop checks running.
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
