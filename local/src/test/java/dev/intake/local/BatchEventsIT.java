package dev.intake.local;

import static dev.intake.local.HandlerEventsIT.NO_FAILURES;
import static dev.intake.local.HandlerEventsIT.invoke;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.intake.adapter.dynamodb.StreamEventRecord;
import dev.intake.adapter.dynamodb.StreamImages;
import dev.intake.adapter.sqs.QueueMessage;
import dev.intake.application.RelaySubmissions;
import dev.intake.domain.Campaign;
import dev.intake.functions.relay.EventRelayHandler;
import dev.intake.functions.trigger.CampaignTriggerHandler;
import dev.intake.json.BatchEvents;
import dev.intake.json.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The relay and the campaign trigger read their own events ({@code RequestStreamHandler}): on AWS the Lambda
 * runtime hands them the event's bytes, and Intake's Jackson reads the stream records ({@link StreamEventRecord})
 * and SQS messages ({@link QueueMessage}) and writes the {@code batchItemFailures} answer ({@link BatchEvents}).
 * The sample events in {@code events/} and hand-made ones must read as the runtime's serializer reads them, the
 * answers must be the bytes it would write, and an event that cannot be read must make the function throw, so
 * that Lambda delivers the batch again instead of taking it as done.
 */
class BatchEventsIT {
    /** Every attribute type, at the top and nested in maps and lists. */
    private static final String EVERY_TYPE = """
            {"s":{"S":"Ada L\u00f6velace \u2603 \\"q\\" \\u2028"},"empty":{"S":""},"n":{"N":"-12.500"},
             "big":{"N":"123456789012345678901234567890.5"},"b":{"B":"AAEC/3+A"},"ss":{"SS":["news","offers"]},
             "ns":{"NS":["1","2.5","1E+3"]},"bs":{"BS":["AAEC/3+A","eA=="]},"null":{"NULL":true},"true":{"BOOL":true},
             "false":{"BOOL":false},"emptyMap":{"M":{}},"emptyList":{"L":[]},
             "m":{"M":{"s":{"S":"x"},"l":{"L":[{"N":"1"},{"B":"eA=="},{"NULL":true},{"M":{"deep":{"BS":["AAEC/3+A"]}}}]}}},
             "l":{"L":[{"SS":["a"]},{"NS":["0"]},{"BOOL":true},{"L":[{"L":[]},{"M":{"b":{"BOOL":false}}}]}]}}""";

    /** An insert of an item with every type, an update and a time-to-live delete, as a stream with both images sends them. */
    private static final String STREAM_EVENT = """
            {"Records":[
             {"eventID":"e1","eventName":"INSERT","eventVersion":"1.1","eventSource":"aws:dynamodb","awsRegion":"eu-west-1",
              "dynamodb":{"ApproximateCreationDateTime":1768487520.123,"Keys":{"pk":{"S":"frm_Every"},"sk":{"S":"sub_Every"}},
               "NewImage":%1$s,"SequenceNumber":"100000000000000000001","SizeBytes":2048,"StreamViewType":"NEW_AND_OLD_IMAGES"},
              "eventSourceARN":"arn:aws:dynamodb:eu-west-1:123456789012:table/T/stream/2026-01-15T00:00:00.000"},
             {"eventID":"e2","eventName":"MODIFY","eventVersion":"1.1","eventSource":"aws:dynamodb","awsRegion":"eu-west-1",
              "dynamodb":{"ApproximateCreationDateTime":1768487521,"Keys":{"pk":{"S":"frm_Every"},"sk":{"S":"sub_Every"}},
               "OldImage":{"pk":{"S":"frm_Every"},"n":{"N":"1"}},"NewImage":{"pk":{"S":"frm_Every"},"n":{"N":"2"}},
               "SequenceNumber":"100000000000000000002","SizeBytes":64,"StreamViewType":"NEW_AND_OLD_IMAGES"},
              "eventSourceARN":"arn:aws:dynamodb:eu-west-1:123456789012:table/T/stream/2026-01-15T00:00:00.000"},
             {"eventID":"e3","eventName":"REMOVE","eventVersion":"1.1","eventSource":"aws:dynamodb","awsRegion":"eu-west-1",
              "userIdentity":{"type":"Service","principalId":"dynamodb.amazonaws.com"},
              "dynamodb":{"Keys":{"pk":{"S":"frm_Every"},"sk":{"S":"sub_Every"}},"OldImage":%1$s,
               "SequenceNumber":"100000000000000000003","SizeBytes":2040,"StreamViewType":"NEW_AND_OLD_IMAGES"},
              "eventSourceARN":"arn:aws:dynamodb:eu-west-1:123456789012:table/T/stream/2026-01-15T00:00:00.000"}]}
            """.formatted(EVERY_TYPE);

    /** An insert whose image nests maps 40 deep: deeper than a request body may ({@code Json.MAX_DEPTH}), as DynamoDB allows. */
    private static final String DEEP_RECORD = """
            {"eventID":"e4","eventName":"INSERT","eventSource":"aws:dynamodb","dynamodb":{"Keys":{"pk":{"S":"frm_Deep"}},
             "NewImage":{"a":%s{"S":"x"}%s},"SequenceNumber":"100000000000000000004","SizeBytes":900,"StreamViewType":"NEW_IMAGE"}}
            """.formatted("{\"M\":{\"a\":".repeat(40), "}}".repeat(40));

    /** A message sent with attributes of each kind, one without any, and one with empty maps. */
    private static final String QUEUE_EVENT = """
            {"Records":[
             {"messageId":"m-1","receiptHandle":"AQEB+handle/1==","body":"{\\"type\\":\\"x\\",\\"name\\":\\"\u00fc \u2603\\"}",
              "attributes":{"ApproximateReceiveCount":"3","SentTimestamp":"1768487520000","SenderId":"AIDAEXAMPLE",
               "ApproximateFirstReceiveTimestamp":"1768487520100","AWSTraceHeader":"Root=1-5759e988-bd862e3fe1be46a994272793"},
              "messageAttributes":{"campaign":{"stringValue":"cmp_Only","stringListValues":[],"binaryListValues":[],"dataType":"String"},
               "count":{"stringValue":"42","stringListValues":[],"binaryListValues":[],"dataType":"Number"},
               "blob":{"binaryValue":"AAEC/3+A","stringListValues":[],"binaryListValues":[],"dataType":"Binary"}},
              "md5OfMessageAttributes":"0cb1c7e3e3cb3a4d5e9d05e1e4ab7a3c","md5OfBody":"7b270e59b47ff90a553787216d55d91d",
              "eventSource":"aws:sqs","eventSourceARN":"arn:aws:sqs:eu-west-1:123456789012:EventsQueue","awsRegion":"eu-west-1"},
             {"messageId":"m-2","receiptHandle":"h2","body":"plain text","attributes":{"ApproximateReceiveCount":"1"},
              "md5OfBody":"d41d8cd98f00b204e9800998ecf8427e","eventSource":"aws:sqs",
              "eventSourceARN":"arn:aws:sqs:eu-west-1:123456789012:EventsQueue","awsRegion":"eu-west-1"},
             {"messageId":"m-3","receiptHandle":"h3","body":"","attributes":{},"messageAttributes":{},"eventSource":"aws:sqs"}]}
            """;

    @BeforeAll
    static void sampleForm() {
        HandlerEventsIT.sampleForm();
    }

    static Stream<Arguments> streamEvents() throws IOException {
        return Stream.of(Arguments.of("relay-submission.json", Files.readAllBytes(Path.of("../events/relay-submission.json"))),
                Arguments.of("every type, insert, modify, remove", STREAM_EVENT.getBytes(StandardCharsets.UTF_8)),
                Arguments.of("deep image", ("{\"Records\":[" + DEEP_RECORD + "]}").getBytes(StandardCharsets.UTF_8)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("streamEvents")
    void streamEvent_readsAsTheRuntimeReadsIt(String name, byte[] event) throws Exception {
        List<DynamodbEvent.DynamodbStreamRecord> viaRuntime = LambdaRuntime.read(event, DynamodbEvent.class).getRecords();
        List<StreamEventRecord> viaIntake = StreamEventRecord.read(new ByteArrayInputStream(event));

        assertEquals(viaRuntime.size(), viaIntake.size());
        for (int i = 0; i < viaIntake.size(); i++) {
            var r = viaRuntime.get(i);
            var d = r.getDynamodb();
            StreamEventRecord ours = viaIntake.get(i);
            var created = d.getApproximateCreationDateTime() == null ? null : d.getApproximateCreationDateTime().toInstant();
            assertEquals(new StreamEventRecord(r.getEventID(), r.getEventName(), r.getEventSource(), r.getAwsRegion(), r.getEventSourceARN(),
                    ours.keys(), ours.newImage(), ours.oldImage(), d.getSequenceNumber(), d.getSizeBytes(), d.getStreamViewType(), created), ours);
            assertEquals(sdk(d.getKeys()), StreamImages.toSdk(ours.keys()), "Keys");
            assertEquals(sdk(d.getNewImage()), StreamImages.toSdk(ours.newImage()), "NewImage");
            assertEquals(sdk(d.getOldImage()), StreamImages.toSdk(ours.oldImage()), "OldImage");
        }
    }

    @Test
    void handMadeStreamEvent_holdsEveryTypeAndEveryEventName() throws Exception {
        var records = StreamEventRecord.read(new ByteArrayInputStream(STREAM_EVENT.getBytes(StandardCharsets.UTF_8)));

        assertEquals(List.of("INSERT", "MODIFY", "REMOVE"), records.stream().map(StreamEventRecord::eventName).toList());
        Set<AttributeValue.Type> types = EnumSet.noneOf(AttributeValue.Type.class);
        StreamImages.toSdk(records.getFirst().newImage()).values().forEach(v -> addTypes(v, types));
        assertEquals(EnumSet.complementOf(EnumSet.of(AttributeValue.Type.UNKNOWN_TO_SDK_VERSION)), types);
        assertEquals(1768487520123L, records.getFirst().approximateCreationDateTime().toEpochMilli());
        assertNull(records.getLast().newImage());
    }

    static Stream<Arguments> queueEvents() throws IOException {
        return Stream.of(Arguments.of("campaign-trigger.json", Files.readAllBytes(Path.of("../events/campaign-trigger.json"))),
                Arguments.of("attributes of each kind, none, empty", QUEUE_EVENT.getBytes(StandardCharsets.UTF_8)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("queueEvents")
    void queueEvent_readsAsTheRuntimeReadsIt(String name, byte[] event) throws Exception {
        List<SQSEvent.SQSMessage> viaRuntime = LambdaRuntime.read(event, SQSEvent.class).getRecords();
        List<QueueMessage> viaIntake = QueueMessage.read(new ByteArrayInputStream(event));

        assertEquals(viaRuntime.size(), viaIntake.size());
        for (int i = 0; i < viaIntake.size(); i++) {
            var m = viaRuntime.get(i);
            Map<String, QueueMessage.Attribute> sent = new LinkedHashMap<>();
            if (m.getMessageAttributes() != null) {
                m.getMessageAttributes().forEach((k, a) -> sent.put(k, new QueueMessage.Attribute(a.getStringValue(), a.getDataType())));
            }
            assertEquals(new QueueMessage(m.getMessageId(), m.getReceiptHandle(), m.getBody(), m.getAttributes() == null ? Map.of() : m.getAttributes(),
                    sent, m.getMd5OfBody(), m.getEventSource(), m.getEventSourceArn(), m.getAwsRegion()), viaIntake.get(i));
        }
    }

    static Stream<List<String>> failures() {
        return Stream.of(List.of(), List.of("111100000000012345678901"),
                List.of("19dd0b57-b21e-4ac1-bd88-01bbb068cb78", "\u00fc \"quoted\" \\ / \u2028 \t"));
    }

    @ParameterizedTest
    @MethodSource("failures")
    void answer_isTheBytesTheRuntimeWrites_andReadsBack(List<String> ids) throws Exception {
        var out = new ByteArrayOutputStream();
        BatchEvents.writeFailures(ids, out);

        var stream = new StreamsEventResponse(ids.stream().map(StreamsEventResponse.BatchItemFailure::new).toList());
        var sqs = new SQSBatchResponse(ids.stream().map(SQSBatchResponse.BatchItemFailure::new).toList());
        String ours = out.toString(StandardCharsets.UTF_8);
        assertEquals(new String(LambdaRuntime.write(stream, StreamsEventResponse.class), StandardCharsets.UTF_8), ours);
        assertEquals(new String(LambdaRuntime.write(sqs, SQSBatchResponse.class), StandardCharsets.UTF_8), ours);
        assertEquals(ids, BatchEvents.readFailures(out.toByteArray()));
    }

    @Test
    void relay_throughTheStreamMethod_skipsWhatIsNoInsertOrNoSubmission_andRelaysTheSubmission() throws Exception {
        var services = TestStack.get().services();
        ObjectNode sample = (ObjectNode) Json.mapper().readTree(Path.of("../events/relay-submission.json").toFile());
        JsonNode submission = sample.path("Records").get(0);
        String submissionId = "sub_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        ((ObjectNode) submission.at("/dynamodb/NewImage/sk")).put("S", submissionId);
        // Not submissions (an item of every type, one nested past Json.MAX_DEPTH) or not inserts, then a submission.
        String records = STREAM_EVENT.substring(STREAM_EVENT.indexOf('[') + 1, STREAM_EVENT.lastIndexOf(']'));
        String event = "{\"Records\":[" + records + "," + DEEP_RECORD + "," + Json.write(submission) + "]}";
        try (var receiver = WebhookReceiver.start()) {
            services.campaigns.create(HandlerEventsIT.webhookCampaign(HandlerEventsIT.WS, "cmp_BatchRelay",
                    new Campaign.Trigger(Campaign.Trigger.FORM_SUBMITTED, HandlerEventsIT.FORM, null), receiver.url("/relay")));
            try {
                String answer = invoke(new EventRelayHandler(services), event.getBytes(StandardCharsets.UTF_8));

                assertEquals(NO_FAILURES, answer);
                assertEquals(new String(LambdaRuntime.write(new StreamsEventResponse(List.of()), StreamsEventResponse.class), StandardCharsets.UTF_8), answer);
                String eventId = RelaySubmissions.eventId(submissionId);
                await().atMost(Duration.ofSeconds(30)).until(() -> receiver.requests("/relay").stream()
                        .anyMatch(r -> eventId.equals(r.header("Intake-Event-Id"))));
            } finally {
                services.campaigns.delete(HandlerEventsIT.WS, "cmp_BatchRelay");
            }
        }
    }

    @Test
    void trigger_throughTheStreamMethod_takesAMessageWithoutAttributes() throws Exception {
        ObjectNode event = (ObjectNode) Json.mapper().readTree(Path.of("../events/campaign-trigger.json").toFile());
        ObjectNode message = (ObjectNode) event.path("Records").get(0);
        message.remove(List.of("attributes", "messageAttributes"));
        // In a workspace of its own, where no campaign can match.
        message.put("body", message.path("body").textValue().replace("ws_demo", "ws_" + UUID.randomUUID().toString().replace("-", "")));

        assertEquals(NO_FAILURES, invoke(new CampaignTriggerHandler(TestStack.get().services()), Json.mapper().writeValueAsBytes(event)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "{", "not json", "{\"Records\":[]} trailing", "[]", "{}", "{\"Records\":null}", "{\"Records\":{}}",
            "{\"Records\":[1]}", "{\"Records\":[{\"eventName\":5}]}", "{\"Records\":[{\"eventName\":\"INSERT\"}]}",
            "{\"Records\":[{\"eventName\":\"INSERT\",\"dynamodb\":{\"SequenceNumber\":1}}]}",
            "{\"Records\":[{\"eventName\":\"INSERT\",\"dynamodb\":{\"SequenceNumber\":\"1\",\"NewImage\":\"x\"}}]}",
            "{\"Records\":[{\"eventName\":\"INSERT\",\"dynamodb\":{\"SequenceNumber\":\"1\",\"SizeBytes\":\"many\"}}]}"})
    void relay_whenTheEventCannotBeRead_throwsAndAnswersNothing(String event) {
        assertThrowsWithoutAnswer(new EventRelayHandler(TestStack.get().services()), event);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "{", "not json", "{\"Records\":[]} trailing", "[]", "{}", "{\"Records\":null}", "{\"Records\":{}}",
            "{\"Records\":[\"m\"]}", "{\"Records\":[{\"messageId\":1}]}", "{\"Records\":[{\"messageId\":\"m\",\"attributes\":[]}]}",
            "{\"Records\":[{\"messageId\":\"m\",\"messageAttributes\":{\"campaign\":\"cmp_X\"}}]}"})
    void trigger_whenTheEventCannotBeRead_throwsAndAnswersNothing(String event) {
        assertThrowsWithoutAnswer(new CampaignTriggerHandler(TestStack.get().services()), event);
    }

    /** Lambda reports the error and delivers the whole batch again: nothing is taken as done. */
    private static void assertThrowsWithoutAnswer(RequestStreamHandler handler, String event) {
        var out = new ByteArrayOutputStream();
        var e = assertThrows(Exception.class,
                () -> handler.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, null));
        assertTrue(e instanceof IOException || e instanceof IllegalArgumentException, e.toString());
        assertEquals(0, out.size(), out.toString(StandardCharsets.UTF_8));
    }

    /** The runtime's reading of an image, in the SDK model, field by field as the events model holds it. */
    private static Map<String, AttributeValue> sdk(Map<String, com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue> image) {
        if (image == null) return null;
        Map<String, AttributeValue> out = new LinkedHashMap<>();
        image.forEach((k, v) -> out.put(k, sdk(v)));
        return out;
    }

    private static AttributeValue sdk(com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue v) {
        if (v.getS() != null) return AttributeValue.fromS(v.getS());
        if (v.getN() != null) return AttributeValue.fromN(v.getN());
        if (v.getB() != null) return AttributeValue.fromB(bytes(v.getB()));
        if (v.getSS() != null) return AttributeValue.fromSs(v.getSS());
        if (v.getNS() != null) return AttributeValue.fromNs(v.getNS());
        if (v.getBS() != null) return AttributeValue.fromBs(v.getBS().stream().map(BatchEventsIT::bytes).toList());
        if (v.getM() != null) return AttributeValue.fromM(sdk(v.getM()));
        if (v.getL() != null) return AttributeValue.fromL(v.getL().stream().map(BatchEventsIT::sdk).toList());
        if (Boolean.TRUE.equals(v.getNULL())) return AttributeValue.fromNul(true);
        if (v.getBOOL() != null) return AttributeValue.fromBool(v.getBOOL());
        throw new AssertionError("the runtime read a value without a type: " + v);
    }

    private static SdkBytes bytes(ByteBuffer buffer) {
        return SdkBytes.fromByteBuffer(buffer.duplicate());
    }

    private static void addTypes(AttributeValue v, Set<AttributeValue.Type> types) {
        types.add(v.type());
        if (v.type() == AttributeValue.Type.M) v.m().values().forEach(e -> addTypes(e, types));
        if (v.type() == AttributeValue.Type.L) v.l().forEach(e -> addTypes(e, types));
    }
}
