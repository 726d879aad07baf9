package dev.intake.local;

import static org.junit.jupiter.api.Assertions.*;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.intake.config.Services;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** template.yaml and the code agree: handlers exist, every function has a sample event, routes are unique. */
class TemplateTest {
    static final Template TEMPLATE = load();

    static Template load() {
        try {
            return Template.load(Path.of("../template.yaml"));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void everyFunctionHandler_isARequestHandlerWithTheLambdaAndServicesConstructors() throws Exception {
        assertFalse(TEMPLATE.functions().isEmpty());
        for (Template.Function f : TEMPLATE.functions().values()) {
            Class<?> type = Class.forName(f.handlerClass());
            assertTrue(RequestHandler.class.isAssignableFrom(type), f.handlerClass());
            assertNotNull(type.getConstructor(), f.handlerClass() + " needs a no-arg constructor for Lambda");
            assertNotNull(type.getConstructor(Services.class), f.handlerClass() + " needs a Services constructor for the local stack");
        }
    }

    @Test
    void routes_areUniqueAndEveryFunctionHasAnEventSource() {
        var seen = new java.util.HashSet<String>();
        for (Template.Function f : TEMPLATE.functions().values()) {
            assertFalse(f.routes().isEmpty() && f.sqsQueues().isEmpty() && f.streams().isEmpty(), f.logicalId() + " has no event source");
            for (Template.Route r : f.routes()) assertTrue(seen.add(r.method() + " " + r.path()), "duplicate route " + r);
            f.sqsQueues().forEach(q -> assertTrue(TEMPLATE.queues().containsKey(q), "unknown queue " + q));
        }
        assertTrue(seen.contains("POST /api/forms/{formId}/submit"));
    }

    @Test
    void tableEnvironmentVariables_nameTablesOfTheTemplate() {
        TEMPLATE.globalEnvironment().forEach((name, value) -> {
            if (name.endsWith("_TABLE")) assertTrue(TEMPLATE.tables().containsKey(value), name + " -> " + value);
        });
    }

    @Test
    void campaignTriggerMaxReceives_equalsTheEventsQueuesMaxReceiveCount() {
        var trigger = TEMPLATE.functions().get("CampaignTriggerFunction");
        int queue = TEMPLATE.queues().get(trigger.sqsQueues().getFirst())
                .path("RedrivePolicy").path("maxReceiveCount").asInt();
        assertTrue(queue > 1);
        assertEquals(Integer.toString(queue), trigger.environment().get("INTAKE_MAX_RECEIVES"),
                "the trigger's last attempt must be the queue's last receive, or failures never reach the DLQ as failed");
    }

    @Test
    void sampleEvents_existForEveryFunction() throws Exception {
        try (var files = Files.list(Path.of("../events"))) {
            assertTrue(files.filter(p -> p.toString().endsWith(".json")).count() >= TEMPLATE.functions().size());
        }
    }

    @Test
    void pathMatching_fillsParametersAndRejectsOtherShapes() {
        var params = new java.util.HashMap<String, String>();
        assertTrue(ApiServer.matches("/api/forms/{formId}/submit", "/api/forms/frm_1/submit", params));
        assertEquals("frm_1", params.get("formId"));
        assertFalse(ApiServer.matches("/api/forms/{formId}/submit", "/api/forms//submit", new java.util.HashMap<>()));
        assertFalse(ApiServer.matches("/api/forms/{formId}/submit", "/api/forms/a/b/submit", new java.util.HashMap<>()));
    }

    /** A template with one stream-triggered function per event given, over table {@code Subs}. */
    private static Template streamTemplate(String... eventProperties) {
        StringBuilder yaml = new StringBuilder("Resources:\n");
        for (int i = 0; i < eventProperties.length; i++) {
            yaml.append("""
                      Relay%d:
                        Type: AWS::Serverless::Function
                        Properties:
                          Handler: example.Relay::handleRequest
                          Events:
                            Stream:
                              Type: DynamoDB
                              Properties:
                    %s
                    """.formatted(i, eventProperties[i].stripIndent().indent(14)));
        }
        yaml.append("""
                  Subs:
                    Type: AWS::DynamoDB::Table
                    Properties:
                      KeySchema: [{AttributeName: pk, KeyType: HASH}]
                      StreamSpecification: {StreamViewType: NEW_IMAGE}
                  Plain:
                    Type: AWS::DynamoDB::Table
                    Properties:
                      KeySchema: [{AttributeName: pk, KeyType: HASH}]
                """);
        try {
            return Template.parse(new ByteArrayInputStream(yaml.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final String EMULATED = """
            FunctionResponseTypes: [ReportBatchItemFailures]
            """;

    @Test
    void streamSource_readsTheTableFromEveryGetAttFormAndTheSettings() {
        Template t = streamTemplate("""
                Stream: !GetAtt Subs.StreamArn
                StartingPosition: TRIM_HORIZON
                BatchSize: 25
                MaximumRetryAttempts: -1
                BisectBatchOnFunctionError: false
                FilterCriteria:
                  Filters:
                    - Pattern: '{"eventName":["INSERT"]}'
                    - Pattern: '{"eventName":["MODIFY","REMOVE"],"awsRegion":["us-east-1"]}'
                """ + EMULATED, """
                Stream: !GetAtt [Subs, StreamArn]
                StartingPosition: LATEST
                """ + EMULATED, """
                Stream: {"Fn::GetAtt": [Subs, StreamArn]}
                StartingPosition: LATEST
                """ + EMULATED);

        var first = t.functions().get("Relay0").streams();
        assertEquals(List.of(new Template.StreamSource("Subs", "TRIM_HORIZON", 25, List.of(
                Map.of("eventName", List.of("INSERT")),
                Map.of("eventName", List.of("MODIFY", "REMOVE"), "awsRegion", List.of("us-east-1"))))), first);
        assertEquals(List.of(new Template.StreamSource("Subs", "LATEST", 100, List.of())), t.functions().get("Relay1").streams());
        assertEquals(t.functions().get("Relay1").streams(), t.functions().get("Relay2").streams());
        assertTrue(t.functions().get("Relay0").routes().isEmpty());
        assertTrue(t.functions().get("Relay0").sqsQueues().isEmpty());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "'{\"eventName\":[{\"prefix\":\"INS\"}]}'",
            "'{\"eventName\":[{\"anything-but\":[\"REMOVE\"]}]}'",
            "'{\"eventName\":[{\"exists\":true}]}'",
            "'{\"dynamodb\":{\"NewImage\":{\"type\":{\"S\":[\"form.submitted\"]}}}}'",
            "'{\"eventName\":[\"INSERT\", null]}'",
            "'{\"eventName\":[1]}'",
            "'{\"eventName\":[]}'",
            "'{\"eventName\":\"INSERT\"}'",
            "'{}'",
            "'{\"eventName\":[\"INSERT\"]} {}'",
            "'{\"eventName\":[\"INSERT\"],\"eventName\":[\"REMOVE\"]}'",
            "'[\"INSERT\"]'",
            "'eventName = INSERT'"})
    void streamSource_whenAPatternIsNotTopLevelExactStrings_isRefused(String pattern) {
        var e = assertThrows(IllegalArgumentException.class, () -> streamTemplate("""
                Stream: !GetAtt Subs.StreamArn
                StartingPosition: TRIM_HORIZON
                FilterCriteria:
                  Filters:
                    - Pattern: %s
                """.formatted(pattern) + EMULATED));
        assertTrue(e.getMessage().contains("Relay0"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "Stream: !GetAtt Subs.StreamArn\nStartingPosition: AT_TIMESTAMP\n" + "FunctionResponseTypes: [ReportBatchItemFailures]",
            "Stream: !GetAtt Subs.StreamArn\n" + "FunctionResponseTypes: [ReportBatchItemFailures]",
            "Stream: !GetAtt Subs.StreamArn\nStartingPosition: LATEST",
            "Stream: !GetAtt Subs.StreamArn\nStartingPosition: LATEST\nMaximumRetryAttempts: 3\n" + "FunctionResponseTypes: [ReportBatchItemFailures]",
            "Stream: !GetAtt Subs.StreamArn\nStartingPosition: LATEST\nMaximumRecordAgeInSeconds: 60\n" + "FunctionResponseTypes: [ReportBatchItemFailures]",
            "Stream: !GetAtt Subs.StreamArn\nStartingPosition: LATEST\nBisectBatchOnFunctionError: true\n" + "FunctionResponseTypes: [ReportBatchItemFailures]",
            "Stream: !GetAtt Subs.StreamArn\nStartingPosition: LATEST\nTumblingWindowInSeconds: 30\n" + "FunctionResponseTypes: [ReportBatchItemFailures]",
            "Stream: !GetAtt Subs.StreamArn\nStartingPosition: LATEST\nEnabled: false\n" + "FunctionResponseTypes: [ReportBatchItemFailures]",
            "Stream: !GetAtt Subs.StreamArn\nStartingPosition: LATEST\nBatchSize: 0\n" + "FunctionResponseTypes: [ReportBatchItemFailures]",
            "Stream: !GetAtt Subs.Arn\nStartingPosition: LATEST\n" + "FunctionResponseTypes: [ReportBatchItemFailures]",
            "Stream: arn:aws:dynamodb:us-east-1:1:table/Subs/stream/x\nStartingPosition: LATEST\n" + "FunctionResponseTypes: [ReportBatchItemFailures]",
            "Stream: !GetAtt Missing.StreamArn\nStartingPosition: LATEST\n" + "FunctionResponseTypes: [ReportBatchItemFailures]",
            "Stream: !GetAtt Plain.StreamArn\nStartingPosition: LATEST\n" + "FunctionResponseTypes: [ReportBatchItemFailures]"})
    void streamSource_whenTheLocalPollerWouldRunItDifferently_isRefused(String properties) {
        var e = assertThrows(IllegalArgumentException.class, () -> streamTemplate(properties));
        assertTrue(e.getMessage().contains("Relay0"), e.getMessage());
    }

    @Test
    void streamSources_ofTheTemplate_nameTablesWithAStream() {
        for (Template.Function f : TEMPLATE.functions().values()) {
            for (Template.StreamSource s : f.streams()) {
                assertTrue(TEMPLATE.tables().get(s.table()).has("StreamSpecification"), f.logicalId() + " -> " + s.table());
            }
        }
    }
}
