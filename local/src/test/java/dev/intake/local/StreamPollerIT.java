package dev.intake.local;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DescribeStreamRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeStreamResponse;
import software.amazon.awssdk.services.dynamodb.model.ExpiredIteratorException;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsRequest;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.dynamodb.model.GetShardIteratorResponse;
import software.amazon.awssdk.services.dynamodb.model.OperationType;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.SequenceNumberRange;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.StreamRecord;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * The DynamoDB stream event source mapping against DynamoDB Local's Streams API: filtering, order, and
 * {@code ReportBatchItemFailures} retries that neither skip nor repeat a completed record. Shard lineage
 * and iterator expiry, which DynamoDB Local does not produce on demand, run against a scripted stream.
 */
class StreamPollerIT {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Duration POLL = Duration.ofMillis(50);
    private static final AtomicInteger TABLES = new AtomicInteger();

    private static Emulators emulators;
    private static DynamoDbClient db;
    private static DynamoDbStreamsClient streams;

    @BeforeAll
    static void start() throws Exception {
        emulators = Emulators.start(null);
        db = dynamo(emulators.dynamoEndpoint());
        streams = streams(emulators.dynamoEndpoint());
    }

    @AfterAll
    static void stop() {
        if (streams != null) streams.close();
        if (db != null) db.close();
        if (emulators != null) emulators.close();
    }

    private static final StaticCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));

    static DynamoDbClient dynamo(URI endpoint) {
        return DynamoDbClient.builder().region(Region.US_EAST_1).credentialsProvider(CREDENTIALS)
                .httpClient(UrlConnectionHttpClient.create()).endpointOverride(endpoint).build();
    }

    static DynamoDbStreamsClient streams(URI endpoint) {
        return DynamoDbStreamsClient.builder().region(Region.US_EAST_1).credentialsProvider(CREDENTIALS)
                .httpClient(UrlConnectionHttpClient.create()).endpointOverride(endpoint).build();
    }

    // ---- DynamoDB Local ------------------------------------------------------------------------------

    @Test
    void poller_deliversInsertsOnlyInOrderAsALambdaEvent() {
        Stream s = provision(db, "TRIM_HORIZON", 100, "StreamSpecification: {StreamViewType: NEW_IMAGE}");
        var handler = new Recorder((call, batch) -> null);
        try (var poller = s.poller(streams, handler)) {
            for (int i = 0; i < 10; i++) put(db, s.table, key(i));
            db.updateItem(r -> r.tableName(s.table).key(Map.of("pk", AttributeValue.fromS(key(1))))
                    .updateExpression("SET n = :n").expressionAttributeValues(Map.of(":n", AttributeValue.fromN("2"))));
            db.deleteItem(r -> r.tableName(s.table).key(Map.of("pk", AttributeValue.fromS(key(2)))));
            put(db, s.table, key(10));

            // key 10 comes after the update and the delete, so once it is in, they were read and dropped. The poller
            // counts a batch once it has read the handler's answer, a moment after the handler recorded it.
            await().atMost(WAIT).pollInterval(POLL).until(() -> handler.done.contains(key(10)) && poller.processed() >= 11);

            assertEquals(keys(0, 11), handler.done);
            assertEquals(11, poller.processed());
            handler.records().forEach(r -> assertEquals("INSERT", r.getEventName()));
            var first = handler.records().getFirst();
            assertEquals("aws:dynamodb", first.getEventSource());
            assertEquals("1.1", first.getEventVersion());
            assertEquals("us-east-1", first.getAwsRegion());
            assertEquals(s.arn, first.getEventSourceARN());
            assertNotNull(first.getEventID());
            var d = first.getDynamodb();
            assertEquals(1, d.getKeys().size());
            assertEquals(key(0), d.getKeys().get("pk").getS());
            assertEquals(key(0), d.getNewImage().get("pk").getS());
            assertEquals("1", d.getNewImage().get("n").getN());
            assertEquals("bytes", StandardCharsets.UTF_8.decode(d.getNewImage().get("b").getB()).toString());
            assertEquals("nested", d.getNewImage().get("m").getM().get("l").getL().getFirst().getS());
            assertNull(d.getOldImage());
            assertEquals("NEW_IMAGE", d.getStreamViewType());
            assertNotNull(d.getSequenceNumber());
            assertTrue(d.getSizeBytes() > 0);
            assertNotNull(d.getApproximateCreationDateTime());
        }
    }

    @Test
    void reportedFailures_redeliverFromTheEarliestFailedRecordAndNothingBeforeIt() {
        Stream s = provision(db, "TRIM_HORIZON", 10, "StreamSpecification: {StreamViewType: NEW_IMAGE}");
        for (int i = 0; i < 6; i++) put(db, s.table, key(i));
        var handler = new Recorder((call, batch) -> switch (call) {
            case 0 -> failures(seq(batch, key(5)), seq(batch, key(3)));   // earliest is key 3, whatever the order
            case 1 -> failures(seq(batch, key(3)));                       // and once more
            default -> null;
        });
        try (var poller = s.poller(streams, handler)) {
            await().atMost(WAIT).pollInterval(POLL).until(() -> handler.done.size() >= 6);
            put(db, s.table, key(6));
            put(db, s.table, key(7));
            await().atMost(WAIT).pollInterval(POLL).until(() -> handler.done.size() >= 8 && poller.processed() >= 8);

            assertEquals(keys(0, 6), handler.calls.get(0));
            assertEquals(keys(3, 6), handler.calls.get(1));
            assertEquals(keys(3, 6), handler.calls.get(2));
            assertEquals(keys(0, 8), handler.done);
            assertEquals(8, poller.processed());
        }
    }

    @Test
    void aHandlerThatThrows_getsTheWholeBatchAgain() {
        Stream s = provision(db, "TRIM_HORIZON", 10, "StreamSpecification: {StreamViewType: NEW_IMAGE}");
        for (int i = 0; i < 4; i++) put(db, s.table, key(i));
        var handler = new Recorder((call, batch) -> {
            if (call == 0) throw new IllegalStateException("SQS is down");
            return null;
        });
        try (var poller = s.poller(streams, handler)) {
            await().atMost(WAIT).pollInterval(POLL).until(() -> handler.done.size() >= 4 && poller.processed() >= 4);

            assertEquals(List.of(keys(0, 4), keys(0, 4)), handler.calls);
            assertEquals(keys(0, 4), handler.done);
            assertEquals(4, poller.processed());
        }
    }

    @Test
    void aFailureNamingNoRecordOfTheBatch_failsTheWholeBatch() {
        Stream s = provision(db, "TRIM_HORIZON", 10, "StreamSpecification: {StreamViewType: NEW_IMAGE}");
        for (int i = 0; i < 3; i++) put(db, s.table, key(i));
        var handler = new Recorder((call, batch) -> call == 0 ? failures("not-a-sequence-number") : null);
        try (var poller = s.poller(streams, handler)) {
            await().atMost(WAIT).pollInterval(POLL).until(() -> handler.calls.size() >= 2);

            assertEquals(List.of(keys(0, 3), keys(0, 3)), handler.calls);
            await().atMost(WAIT).pollInterval(POLL).until(() -> poller.processed() == 3);
        }
    }

    @Test
    void noRecordIsSkippedOrRepeated_whileWritesAndFailuresInterleave() {
        Stream s = provision(db, "TRIM_HORIZON", 3, "StreamSpecification: {StreamViewType: NEW_IMAGE}");
        // Every other call fails at its last record, or throws: retries keep coming while writes go on.
        var handler = new Recorder((call, batch) -> {
            if (call % 4 == 1) return failures(batch.getLast().getDynamodb().getSequenceNumber());
            if (call % 4 == 3) throw new IllegalStateException("flaky");
            return null;
        });
        try (var poller = s.poller(streams, handler)) {
            for (int i = 0; i < 30; i++) put(db, s.table, key(i));
            await().atMost(WAIT).pollInterval(POLL).until(() -> handler.done.size() >= 30 && poller.processed() >= 30);

            assertEquals(keys(0, 30), handler.done);
            assertEquals(30, poller.processed());
            handler.calls.forEach(batch -> assertTrue(batch.size() <= 3, "batch of " + batch.size()));
        }
    }

    @Test
    void latest_deliversOnlyWhatIsWrittenAfterThePollerStarts() {
        Stream s = provision(db, "LATEST", 100, "StreamSpecification: {StreamViewType: NEW_IMAGE}");
        put(db, s.table, "before-1");
        put(db, s.table, "before-2");
        var handler = new Recorder((call, batch) -> null);
        try (var poller = s.poller(streams, handler)) {
            put(db, s.table, "after");

            await().atMost(WAIT).pollInterval(POLL).until(() -> handler.done.contains("after"));

            assertEquals(List.of("after"), handler.done);
        }
    }

    @Test
    void anEmptyStream_getsItsFirstRecord_afterOtherStreamsMovedTheSequenceNumbersOn() {
        // DynamoDB Local numbers the records of all streams in one sequence, and refuses an iterator taken
        // while a shard was empty (TrimmedDataAccessException) once other streams' records come in between.
        Stream latest = provision(db, "LATEST", 100, "StreamSpecification: {StreamViewType: NEW_IMAGE}");
        Stream horizon = provision(db, "TRIM_HORIZON", 100, "StreamSpecification: {StreamViewType: NEW_IMAGE}");
        Stream other = provision(db, "TRIM_HORIZON", 100, "StreamSpecification: {StreamViewType: NEW_IMAGE}");
        var fromLatest = new Recorder((call, batch) -> null);
        var fromHorizon = new Recorder((call, batch) -> null);
        try (var p1 = latest.poller(streams, fromLatest); var p2 = horizon.poller(streams, fromHorizon)) {
            put(db, other.table, "elsewhere-1");
            put(db, other.table, "elsewhere-2");
            put(db, latest.table, "first");
            put(db, horizon.table, "first");

            await().atMost(WAIT).pollInterval(POLL).until(() -> fromLatest.done.contains("first") && fromHorizon.done.contains("first"));
            put(db, latest.table, "second");
            await().atMost(WAIT).pollInterval(POLL).until(() -> fromLatest.done.contains("second"));

            assertEquals(List.of("first", "second"), fromLatest.done);
            assertEquals(List.of("first"), fromHorizon.done);
        }
    }

    @Test
    void provisioner_givesATableFromAnOlderTemplateItsStream_andReplacesOneOfAnotherViewType() {
        Stream before = provision(db, "TRIM_HORIZON", 100, "");
        String table = before.table;
        put(db, table, "unstreamed");

        Stream now = provision(db, table, "TRIM_HORIZON", 100, "StreamSpecification: {StreamViewType: NEW_IMAGE}");
        var handler = new Recorder((call, batch) -> null);
        try (var poller = now.poller(streams, handler)) {
            put(db, table, "streamed");
            await().atMost(WAIT).pollInterval(POLL).until(() -> handler.done.contains("streamed"));
            assertEquals(List.of("streamed"), handler.done);
        }

        Stream changed = provision(db, table, "TRIM_HORIZON", 100, "StreamSpecification: {StreamViewType: NEW_AND_OLD_IMAGES}");
        assertNotEquals(now.arn, changed.arn);
        var old = new Recorder((call, batch) -> null);
        try (var poller = changed.poller(streams, old)) {
            db.updateItem(r -> r.tableName(table).key(Map.of("pk", AttributeValue.fromS("streamed")))
                    .updateExpression("SET n = :n").expressionAttributeValues(Map.of(":n", AttributeValue.fromN("5"))));
            put(db, table, "last");
            await().atMost(WAIT).pollInterval(POLL).until(() -> old.done.contains("last"));
            var record = old.records().getFirst().getDynamodb();
            assertEquals("last", record.getNewImage().get("pk").getS());
            assertEquals("NEW_AND_OLD_IMAGES", record.getStreamViewType());
        }
    }

    @Test
    void streams_workInADataDirectoryToo() throws Exception {
        Path dir = Files.createTempDirectory("intake-streams");
        try (Emulators onDisk = Emulators.start(dir); var diskDb = dynamo(onDisk.dynamoEndpoint());
             var diskStreams = streams(onDisk.dynamoEndpoint())) {
            Stream s = provision(diskDb, "TRIM_HORIZON", 100, "StreamSpecification: {StreamViewType: NEW_IMAGE}");
            var handler = new Recorder((call, batch) -> null);
            try (var poller = s.poller(diskStreams, handler)) {
                put(diskDb, s.table, key(0));
                put(diskDb, s.table, key(1));
                await().atMost(WAIT).pollInterval(POLL).until(() -> handler.done.size() >= 2);
                assertEquals(keys(0, 2), handler.done);
            }
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    // ---- a scripted stream: shard lineage and iterator expiry ------------------------------------------

    @Test
    void aChildShard_waitsUntilItsParentIsReadToTheEnd() {
        var fake = new ScriptedStream();
        fake.shard("child", "parent", false, "c0", "c1");       // listed first, read second
        fake.shard("parent", null, true, "p0", "p1", "p2");
        var handler = new Recorder((call, batch) -> {
            if (call == 0) throw new IllegalStateException("slow parent");
            return null;
        });
        try (var poller = fake.poller(handler, 2)) {
            await().atMost(WAIT).pollInterval(POLL).until(() -> handler.done.size() >= 5);

            assertEquals(List.of("p0", "p1", "p2", "c0", "c1"), handler.done);
            assertEquals(List.of("p0", "p1"), handler.calls.getFirst());
        }
    }

    @Test
    void shardsThatAppearLater_areFoundAndReadFromTheirStart() {
        var fake = new ScriptedStream();
        fake.shard("first", null, false, "a0", "a1");
        var handler = new Recorder((call, batch) -> null);
        try (var poller = fake.poller(handler, 100)) {
            await().atMost(WAIT).pollInterval(POLL).until(() -> handler.done.size() >= 2);

            fake.append("first", "a2");
            fake.close("first");
            fake.shard("second", "first", false, "b0", "b1");

            await().atMost(WAIT).pollInterval(POLL).until(() -> handler.done.size() >= 5);
            assertEquals(List.of("a0", "a1", "a2", "b0", "b1"), handler.done);
        }
    }

    @Test
    void anExpiredIterator_isReplacedAfterTheLastConsumedRecord() {
        var fake = new ScriptedStream();
        fake.shard("only", null, false, "r0", "r1");
        var handler = new Recorder((call, batch) -> null);
        try (var poller = fake.poller(handler, 100)) {
            await().atMost(WAIT).pollInterval(POLL).until(() -> handler.done.size() >= 2);

            fake.expireIterators();
            fake.append("only", "r2", "r3");

            await().atMost(WAIT).pollInterval(POLL).until(() -> handler.done.size() >= 4);
            assertEquals(List.of("r0", "r1", "r2", "r3"), handler.done);
            assertTrue(fake.iteratorRequests.contains("only AFTER_SEQUENCE_NUMBER " + ScriptedStream.sequence(1)),
                    fake.iteratorRequests.toString());
        }
    }

    // ---- helpers -------------------------------------------------------------------------------------

    /** A provisioned table with a stream, and the stream source of the template that declared it. */
    private record Stream(String table, String arn, Template.StreamSource source) {
        StreamPoller poller(DynamoDbStreamsClient client, Recorder handler) {
            return new StreamPoller(client, arn, table, source, handler, "test-" + table);
        }
    }

    private static Stream provision(DynamoDbClient client, String start, int batchSize, String streamSpecification) {
        return provision(client, "StreamTable" + TABLES.incrementAndGet(), start, batchSize, streamSpecification);
    }

    /** Provisions {@code table} from a template, as the local stack does; a table without a stream gets no source. */
    private static Stream provision(DynamoDbClient client, String table, String start, int batchSize, String streamSpecification) {
        String relay = streamSpecification.isEmpty() ? "" : """
                  Relay:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: example.Relay::handleRequest
                      Events:
                        SubmissionStream:
                          Type: DynamoDB
                          Properties:
                            Stream: !GetAtt %1$s.StreamArn
                            StartingPosition: %2$s
                            BatchSize: %3$d
                            MaximumRetryAttempts: -1
                            BisectBatchOnFunctionError: false
                            FunctionResponseTypes: [ReportBatchItemFailures]
                            FilterCriteria:
                              Filters:
                                - Pattern: '{"eventName":["INSERT"]}'
                """.formatted(table, start, batchSize);
        String yaml = "Resources:\n" + relay + """
                  %s:
                    Type: AWS::DynamoDB::Table
                    Properties:
                      BillingMode: PAY_PER_REQUEST
                      AttributeDefinitions: [{AttributeName: pk, AttributeType: S}]
                      KeySchema: [{AttributeName: pk, KeyType: HASH}]
                      %s
                """.formatted(table, streamSpecification);
        try {
            Template template = Template.parse(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
            Provisioner.createTables(client, template);
            if (streamSpecification.isEmpty()) return new Stream(table, null, null);
            return new Stream(table, Provisioner.streamArn(client, table), template.functions().get("Relay").streams().getFirst());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void put(DynamoDbClient client, String table, String key) {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        item.put("pk", AttributeValue.fromS(key));
        item.put("n", AttributeValue.fromN("1"));
        item.put("b", AttributeValue.fromB(SdkBytes.fromUtf8String("bytes")));
        item.put("m", AttributeValue.fromM(Map.of("l", AttributeValue.fromL(List.of(AttributeValue.fromS("nested"))))));
        client.putItem(r -> r.tableName(table).item(item));
    }

    private static String key(int i) {
        return "k%03d".formatted(i);
    }

    /** {@code key(from)} up to, not including, {@code key(to)}. */
    private static List<String> keys(int from, int to) {
        return IntStream.range(from, to).mapToObj(StreamPollerIT::key).toList();
    }

    private static String seq(List<DynamodbEvent.DynamodbStreamRecord> batch, String key) {
        return batch.stream().filter(r -> key.equals(Recorder.key(r))).findFirst().orElseThrow().getDynamodb().getSequenceNumber();
    }

    private static StreamsEventResponse failures(String... sequenceNumbers) {
        return new StreamsEventResponse(Arrays.stream(sequenceNumbers).map(StreamsEventResponse.BatchItemFailure::new).toList());
    }

    /** How a scripted handler answers its n-th call (from 0); it may also throw. */
    private interface Script {
        StreamsEventResponse answer(int call, List<DynamodbEvent.DynamodbStreamRecord> batch);
    }

    /**
     * A handler that answers from a script and keeps every batch it was given ({@link #calls}, as keys) and
     * the records it completed ({@link #done}: a batch up to its earliest reported failure, none if it threw).
     * It reads the poller's event and writes its answer with the Lambda runtime's serializer, as a function that
     * leaves them to the runtime would.
     */
    private static final class Recorder implements Function<byte[], byte[]> {
        final List<List<String>> calls = new CopyOnWriteArrayList<>();
        final List<String> done = new CopyOnWriteArrayList<>();
        private final List<DynamodbEvent.DynamodbStreamRecord> completed = new CopyOnWriteArrayList<>();
        private final Script script;

        Recorder(Script script) {
            this.script = script;
        }

        static String key(DynamodbEvent.DynamodbStreamRecord r) {
            return r.getDynamodb().getKeys().get("pk").getS();
        }

        /** The completed records, as delivered. */
        List<DynamodbEvent.DynamodbStreamRecord> records() {
            return completed;
        }

        @Override
        public byte[] apply(byte[] event) {
            var batch = List.copyOf(LambdaRuntime.read(event, DynamodbEvent.class).getRecords());
            int call = calls.size();
            calls.add(batch.stream().map(Recorder::key).toList());
            StreamsEventResponse response = script.answer(call, batch);
            int end = batch.size();
            if (response != null && response.getBatchItemFailures() != null) {
                for (var f : response.getBatchItemFailures()) {
                    int at = IntStream.range(0, batch.size())
                            .filter(i -> batch.get(i).getDynamodb().getSequenceNumber().equals(f.getItemIdentifier()))
                            .findFirst().orElse(0);
                    end = Math.min(end, at);
                }
            }
            for (var r : batch.subList(0, end)) {
                completed.add(r);
                done.add(key(r));
            }
            return LambdaRuntime.write(response, StreamsEventResponse.class);
        }
    }

    /**
     * A stream whose shards, records and iterator expiry the test controls. Iterators are
     * {@code shard:position:generation}; {@link #expireIterators()} makes every one handed out so far expire.
     */
    private static final class ScriptedStream implements DynamoDbStreamsClient {
        private static final String ARN = "arn:aws:dynamodb:us-east-1:000000000000:table/Scripted/stream/1";
        private final Map<String, ShardState> shards = new LinkedHashMap<>();
        private int generation;
        private int nextSequence;
        final List<String> iteratorRequests = new CopyOnWriteArrayList<>();

        private static final class ShardState {
            final String parent;
            final List<Record> records = new ArrayList<>();
            boolean closed;

            ShardState(String parent) {
                this.parent = parent;
            }
        }

        static String sequence(int n) {
            return "%021d".formatted(n);
        }

        StreamPoller poller(Recorder handler, int batchSize) {
            var source = new Template.StreamSource("Scripted", "TRIM_HORIZON", batchSize, List.of(Map.of("eventName", List.of("INSERT"))));
            return new StreamPoller(this, ARN, "Scripted", source, handler, "scripted");
        }

        synchronized void shard(String id, String parent, boolean closed, String... keys) {
            shards.put(id, new ShardState(parent));
            append(id, keys);
            shards.get(id).closed = closed;
        }

        synchronized void append(String id, String... keys) {
            for (String key : keys) {
                shards.get(id).records.add(Record.builder().eventID("e-" + key).eventName(OperationType.INSERT)
                        .dynamodb(StreamRecord.builder().keys(Map.of("pk", AttributeValue.fromS(key)))
                                .newImage(Map.of("pk", AttributeValue.fromS(key)))
                                .sequenceNumber(sequence(nextSequence++)).sizeBytes(8L).streamViewType(StreamViewType.NEW_IMAGE).build())
                        .build());
            }
        }

        synchronized void close(String id) {
            shards.get(id).closed = true;
        }

        synchronized void expireIterators() {
            generation++;
        }

        @Override
        public synchronized DescribeStreamResponse describeStream(DescribeStreamRequest request) {
            List<Shard> listed = new ArrayList<>();
            shards.forEach((id, s) -> {
                var range = SequenceNumberRange.builder().startingSequenceNumber(s.records.isEmpty() ? null : s.records.getFirst().dynamodb().sequenceNumber());
                if (s.closed && !s.records.isEmpty()) range.endingSequenceNumber(s.records.getLast().dynamodb().sequenceNumber());
                listed.add(Shard.builder().shardId(id).parentShardId(s.parent).sequenceNumberRange(range.build()).build());
            });
            return DescribeStreamResponse.builder().streamDescription(d -> d.streamArn(ARN).shards(listed)).build();
        }

        @Override
        public synchronized GetShardIteratorResponse getShardIterator(GetShardIteratorRequest request) {
            ShardState s = shards.get(request.shardId());
            iteratorRequests.add(request.shardId() + " " + request.shardIteratorType() + (request.sequenceNumber() == null ? "" : " " + request.sequenceNumber()));
            int position = switch (request.shardIteratorType()) {
                case TRIM_HORIZON -> 0;
                case LATEST -> s.records.size();
                case AFTER_SEQUENCE_NUMBER -> indexOf(s, request.sequenceNumber()) + 1;
                case AT_SEQUENCE_NUMBER -> indexOf(s, request.sequenceNumber());
                default -> throw new IllegalArgumentException(request.shardIteratorTypeAsString());
            };
            return GetShardIteratorResponse.builder().shardIterator(request.shardId() + ":" + position + ":" + generation).build();
        }

        @Override
        public synchronized GetRecordsResponse getRecords(GetRecordsRequest request) {
            String[] parts = request.shardIterator().split(":");
            if (Integer.parseInt(parts[2]) != generation) throw ExpiredIteratorException.builder().message("expired").build();
            ShardState s = shards.get(parts[0]);
            int from = Integer.parseInt(parts[1]);
            int to = Math.min(s.records.size(), from + request.limit());
            boolean end = s.closed && to == s.records.size();
            return GetRecordsResponse.builder().records(s.records.subList(from, to))
                    .nextShardIterator(end ? null : parts[0] + ":" + to + ":" + generation).build();
        }

        private static int indexOf(ShardState s, String sequenceNumber) {
            for (int i = 0; i < s.records.size(); i++) {
                if (s.records.get(i).dynamodb().sequenceNumber().equals(sequenceNumber)) return i;
            }
            throw new IllegalArgumentException("no record " + sequenceNumber);
        }

        @Override
        public String serviceName() {
            return "dynamodb";
        }

        @Override
        public void close() {}
    }
}
