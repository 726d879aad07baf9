package dev.intake.local;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The deployment settings of {@code template.yaml} that no local run exercises: packaging through the
 * Makefile, SnapStart, JSON logs, table protection and the alarms. (SAM's own checks run in CI.)
 */
class DeployTemplateTest {
    private static JsonNode template;
    private static Map<String, JsonNode> functions;

    @BeforeAll
    static void load() throws IOException {
        template = new ObjectMapper(new YAMLFactory()).readTree(Path.of("..", "template.yaml").toFile());
        functions = new LinkedHashMap<>();
        template.path("Resources").fields().forEachRemaining(e -> {
            if (e.getValue().path("Type").asText().equals("AWS::Serverless::Function")) functions.put(e.getKey(), e.getValue());
        });
        assertFalse(functions.isEmpty());
    }

    @Test
    void everyFunction_isBuiltByTheMakefile_fromItsOwnModule() throws IOException {
        Map<String, String> listed = makefileFunctions();
        List<String> problems = new ArrayList<>();
        functions.forEach((id, f) -> {
            JsonNode meta = f.path("Metadata");
            if (!meta.path("BuildMethod").asText().equals("makefile") || !meta.path("ContextPath").asText().equals(".")) {
                problems.add(id + ": Metadata must be {BuildMethod: makefile, ContextPath: .}");
            }
            String codeUri = f.path("Properties").path("CodeUri").asText();
            String module = listed.get(id);
            if (module == null) problems.add(id + ": missing from the Makefile's FUNCTIONS");
            else if (!codeUri.equals("functions/" + module)) problems.add(id + ": CodeUri " + codeUri + " but the Makefile builds functions/" + module);
            if (!Files.isRegularFile(Path.of("..", codeUri, "pom.xml"))) problems.add(id + ": no Maven module at " + codeUri);
        });
        listed.keySet().stream().filter(id -> !functions.containsKey(id))
                .forEach(id -> problems.add("the Makefile lists " + id + ", which the template does not have"));
        assertEquals(List.of(), problems);
    }

    @Test
    void everyFunction_hasSnapStartOnAPublishedAlias_andJsonLogs() {
        JsonNode globals = template.path("Globals").path("Function");
        assertEquals("live", globals.path("AutoPublishAlias").asText());
        assertEquals("PublishedVersions", globals.path("SnapStart").path("ApplyOn").asText());
        assertEquals("JSON", globals.path("LoggingConfig").path("LogFormat").asText());
        functions.forEach((id, f) -> {
            JsonNode p = f.path("Properties");
            assertFalse(p.has("SnapStart") || p.has("AutoPublishAlias") || p.has("LoggingConfig"),
                    id + " overrides the global SnapStart, alias or logging settings");
        });
    }

    @Test
    void everyTable_isOnDemand_withPointInTimeRecovery_andDeletionProtectionFromTheParameter() {
        int tables = 0;
        for (var it = template.path("Resources").fields(); it.hasNext(); ) {
            var e = it.next();
            if (!e.getValue().path("Type").asText().equals("AWS::DynamoDB::Table")) continue;
            tables++;
            JsonNode p = e.getValue().path("Properties");
            assertEquals("PAY_PER_REQUEST", p.path("BillingMode").asText(), e.getKey());
            assertTrue(p.path("PointInTimeRecoverySpecification").path("PointInTimeRecoveryEnabled").asBoolean(), e.getKey());
            assertTrue(p.has("DeletionProtectionEnabled"), e.getKey() + " has no DeletionProtectionEnabled");
        }
        assertEquals(6, tables);
    }

    @Test
    void everyFunction_hasAnErrorsAndAThrottlesAlarm_andTheQueuesAndStreamAreWatched() {
        JsonNode resources = template.path("Resources");
        List<String> missing = new ArrayList<>();
        for (String id : functions.keySet()) {
            for (String metric : List.of("Errors", "Throttles")) {
                JsonNode alarm = resources.path(id + metric + "Alarm");
                if (!alarm.path("Properties").path("MetricName").asText().equals(metric)
                        || !alarm.path("Properties").path("Dimensions").get(0).path("Value").asText().equals(id)) {
                    missing.add(id + metric + "Alarm");
                }
            }
        }
        assertEquals(List.of(), missing);
        assertEquals("IteratorAge", resources.path("RelayIteratorAgeAlarm").path("Properties").path("MetricName").asText());
        assertEquals("EventsDLQ.QueueName",
                resources.path("EventsDeadLetterAlarm").path("Properties").path("Dimensions").get(0).path("Value").asText());
        assertEquals("HasAlarmEmail", resources.path("AlarmEmailSubscription").path("Condition").asText());
    }

    @Test
    void outputs_nameTheUrlsTheAdminFunctionAndEveryTable() {
        JsonNode outputs = template.path("Outputs");
        for (String name : List.of("ApiUrl", "ActionUrl", "AdminFunctionName", "UsagePlanId", "WorkspacesTableName",
                "FormsTableName", "SubmissionsTableName", "PeopleTableName", "CampaignsTableName", "GuardsTableName",
                "EventsQueueUrl", "EventsDeadLetterQueueUrl", "AlarmTopicArn")) {
            assertTrue(outputs.has(name), "no output " + name);
        }
        String stage = template.path("Resources").path("IntakeApi").path("Properties").path("StageName").asText();
        assertTrue(outputs.path("ApiUrl").path("Value").asText().endsWith("/" + stage), outputs.path("ApiUrl").toString());
    }

    @Test
    void everyBody_reachesTheFunctionsBase64Encoded_soGzipIsNeverReadAsText() throws IOException {
        Template.Api api = Template.load(Path.of("..", "template.yaml")).apis().get("IntakeApi");
        for (String type : new String[] {"application/json", "application/json; charset=utf-8", "application/x-www-form-urlencoded",
                "multipart/form-data; boundary=x", "text/plain", null}) {
            assertTrue(api.binaryBody(type), String.valueOf(type));
        }
    }

    @Test
    void anAuthorizerThatFails_answers503WithRetryAfter_andKeyRefusalsAnswerInTheFunctionsErrorShape() throws IOException {
        var responses = Template.load(Path.of("..", "template.yaml")).apis().get("IntakeApi").gatewayResponses();
        assertEquals(503, responses.get("AUTHORIZER_FAILURE").statusCode());
        assertEquals("1", responses.get("AUTHORIZER_FAILURE").headers().get("Retry-After"));
        for (String type : List.of("ACCESS_DENIED", "UNAUTHORIZED", "INVALID_API_KEY", "QUOTA_EXCEEDED", "THROTTLED", "AUTHORIZER_FAILURE")) {
            assertTrue(responses.get(type).template().startsWith("{\"error\":{\"code\":"), type);
        }
    }

    @Test
    void binaryBody_matchesExactTypesAndWildcards_ignoringParameters() {
        var api = new Template.Api("Api", Template.KeySource.HEADER, Template.Auth.NONE, Map.of(), Map.of(),
                List.of("application/gzip", "image/*"));
        assertTrue(api.binaryBody("application/gzip"));
        assertTrue(api.binaryBody("Image/PNG; q=1"));
        assertFalse(api.binaryBody("application/json"));
        assertFalse(api.binaryBody(null));
        assertFalse(api.binaryBody("application/gzipx"));
    }

    /** The Makefile's {@code FUNCTIONS} entries: logical id to module directory under functions/. */
    private static Map<String, String> makefileFunctions() throws IOException {
        String makefile = Files.readString(Path.of("..", "Makefile"));
        Matcher block = Pattern.compile("(?m)^FUNCTIONS :=((?:.*\\\\\\n)*.*)$").matcher(makefile);
        assertTrue(block.find(), "the Makefile has no FUNCTIONS list");
        Map<String, String> out = new LinkedHashMap<>();
        Matcher entry = Pattern.compile("(\\w+)=([\\w-]+)").matcher(block.group(1));
        while (entry.find()) out.put(entry.group(1), entry.group(2));
        return out;
    }
}
