package dev.intake.local;

import static org.junit.jupiter.api.Assertions.*;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
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
    void everyFunctionHandler_isALambdaHandlerWithTheLambdaAndServicesConstructors() throws Exception {
        assertFalse(TEMPLATE.functions().isEmpty());
        for (Template.Function f : TEMPLATE.functions().values()) {
            Class<?> type = Class.forName(f.handlerClass());
            assertTrue(RequestHandler.class.isAssignableFrom(type) || RequestStreamHandler.class.isAssignableFrom(type), f.handlerClass());
            assertNotNull(type.getConstructor(), f.handlerClass() + " needs a no-arg constructor for Lambda");
            assertNotNull(type.getConstructor(Services.class), f.handlerClass() + " needs a Services constructor for the local stack");
        }
    }

    /** Functions that operators invoke themselves ({@code sam remote invoke}), so they have no event source. */
    static final java.util.Set<String> INVOKED_DIRECTLY = java.util.Set.of("AdminFunction");

    @Test
    void routes_areUniqueAndEveryFunctionHasAnEventSource() {
        var seen = new java.util.HashSet<String>();
        var authorizers = new java.util.HashSet<String>();
        TEMPLATE.apis().values().forEach(api -> authorizers.addAll(api.authorizers().values()));
        for (Template.Function f : TEMPLATE.functions().values()) {
            boolean noSource = f.routes().isEmpty() && f.sqsQueues().isEmpty() && f.streams().isEmpty();
            assertEquals(noSource, authorizers.contains(f.logicalId()) || INVOKED_DIRECTLY.contains(f.logicalId()),
                    f.logicalId() + ": only an authorizer or a function invoked directly has no event source");
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

    /** Every function has a sample event in events/ named after its module: {@code functions/forms} → {@code forms*.json}. */
    @Test
    void sampleEvents_existForEveryFunction() throws Exception {
        List<String> events;
        try (var files = Files.list(Path.of("../events"))) {
            events = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json")).toList();
        }
        for (Template.Function f : TEMPLATE.functions().values()) {
            assertNotNull(f.codeUri(), f.logicalId());
            String module = Path.of(f.codeUri()).getFileName().toString();
            assertTrue(events.stream().anyMatch(n -> n.equals(module + ".json") || n.startsWith(module + "-")),
                    f.logicalId() + " has no events/" + module + "*.json");
        }
    }

    /** The routes anyone may call: the public submit, the action URL and its pages, and the tracking calls (write key). */
    static final java.util.Set<String> PUBLIC_FUNCTIONS = java.util.Set.of("SubmitFunction", "ActionFunction", "TrackFunction");

    @Test
    void managementRoutes_haveTheKeyAuthorizerAndNeedAnApiKey_andOnlySubmitActionAndTrackAreOpen() {
        var api = TEMPLATE.apis().get("IntakeApi");
        assertEquals(Template.KeySource.AUTHORIZER, api.keySource());
        assertEquals(Map.of("KeyAuthorizer", "AuthorizerFunction"), api.authorizers());
        var guarded = new Template.Auth("AuthorizerFunction", true);
        int open = 0;
        int management = 0;
        for (Template.Function f : TEMPLATE.functions().values()) {
            for (Template.Route r : f.routes()) {
                assertEquals("IntakeApi", r.api(), r.toString());
                if (PUBLIC_FUNCTIONS.contains(f.logicalId())) {
                    assertEquals(Template.Auth.NONE, r.auth(), f.logicalId() + " " + r);
                    open++;
                } else {
                    assertEquals(guarded, r.auth(), f.logicalId() + " " + r);
                    management++;
                }
            }
        }
        assertTrue(open > 0 && management > 0, open + " open, " + management + " management routes");
        PUBLIC_FUNCTIONS.forEach(f -> assertFalse(TEMPLATE.functions().get(f).routes().isEmpty(), f));
    }

    @Test
    void gatewayResponses_showTheAuthorizersMessageOnDenyAndTheStatusesTheApiPromises() {
        var responses = TEMPLATE.apis().get("IntakeApi").gatewayResponses();
        assertEquals(401, responses.get("ACCESS_DENIED").statusCode());
        assertTrue(responses.get("ACCESS_DENIED").template().contains("$context.authorizer.message"));
        assertEquals(401, responses.get("UNAUTHORIZED").statusCode());
        assertEquals(403, responses.get("INVALID_API_KEY").statusCode());
        assertEquals(429, responses.get("QUOTA_EXCEEDED").statusCode());
        assertEquals(429, responses.get("THROTTLED").statusCode());
        var denied = RouteGuard.render(responses, "ACCESS_DENIED", Map.of("message", "Invalid or revoked API key"));
        assertEquals(401, denied.status());
        assertEquals("{\"error\":{\"code\":\"unauthorized\",\"message\":\"Invalid or revoked API key\"}}", denied.body());
        for (var type : List.of("UNAUTHORIZED", "INVALID_API_KEY", "QUOTA_EXCEEDED", "THROTTLED")) {
            var template = responses.get(type).template();
            assertFalse(Http.parse(template).path("error").path("message").asText().isBlank(), type);
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

    /** The emulated setup: a REQUEST authorizer without caching, by default on every route, with an API key. */
    private static final String GUARDED_API = """
            ApiKeySourceType: AUTHORIZER
            Auth:
              DefaultAuthorizer: Keys
              ApiKeyRequired: true
              Authorizers:
                Keys:
                  FunctionPayloadType: REQUEST
                  FunctionArn: !Ref Guard.Alias
                  Identity: {ReauthorizeEvery: 0}
            GatewayResponses:
              ACCESS_DENIED:
                StatusCode: 401
                ResponseParameters:
                  Headers: {Access-Control-Allow-Origin: "'*'"}
                ResponseTemplates:
                  application/json: '{"message":"$context.authorizer.message","error":$context.error.messageString}'
            """;

    /** Api {@code Api} with {@code apiProperties}, authorizer function {@code Guard}, and {@code GET /things} with {@code eventProperties}. */
    private static Template apiTemplate(String apiProperties, String eventProperties) {
        String yaml = """
                Resources:
                  Api:
                    Type: AWS::Serverless::Api
                    Properties:
                      StageName: prod
                %s
                  Guard:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: example.Guard::handleRequest
                  Things:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: example.Things::handleRequest
                      Events:
                        Get:
                          Type: Api
                          Properties:
                            Path: /things
                            Method: get
                %s
                """.formatted(apiProperties.stripIndent().indent(6).stripTrailing(), eventProperties.stripIndent().indent(12).stripTrailing());
        try {
            return Template.parse(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Template.Auth thingsAuth(Template t) {
        return t.functions().get("Things").routes().getFirst().auth();
    }

    @ParameterizedTest
    @ValueSource(strings = {"!Ref Guard.Alias", "!GetAtt Guard.Arn", "!GetAtt [Guard, Arn]", "{\"Fn::GetAtt\": [Guard, Arn]}", "{Ref: Guard.Alias}"})
    void authorizer_functionArnInEveryForm_namesTheFunction(String arn) {
        Template t = apiTemplate(GUARDED_API.replace("!Ref Guard.Alias", arn), "RestApiId: !Ref Api");
        assertEquals(new Template.Auth("Guard", true), thingsAuth(t));
        assertEquals(Map.of("Keys", "Guard"), t.apis().get("Api").authorizers());
    }

    @Test
    void routeAuth_comesFromTheApiUnlessTheEventOverridesIt() {
        assertEquals(new Template.Auth("Guard", true), thingsAuth(apiTemplate(GUARDED_API, "RestApiId: !Ref Api")));
        assertEquals(Template.Auth.NONE, thingsAuth(apiTemplate(GUARDED_API, "RestApiId: !Ref Api\nAuth: {Authorizer: NONE, ApiKeyRequired: false}")));
        assertEquals(new Template.Auth("Guard", false), thingsAuth(apiTemplate(GUARDED_API, "RestApiId: !Ref Api\nAuth: {ApiKeyRequired: false}")));
        assertEquals(new Template.Auth(null, true), thingsAuth(apiTemplate(GUARDED_API, "RestApiId: !Ref Api\nAuth: {Authorizer: NONE}")));
        assertEquals(Template.Auth.NONE, thingsAuth(apiTemplate("Description: no auth", "RestApiId: !Ref Api")));
        assertEquals(Template.Auth.NONE, thingsAuth(apiTemplate(GUARDED_API, "")), "no RestApiId: SAM's implicit API");

        var api = apiTemplate(GUARDED_API, "RestApiId: !Ref Api").apis().get("Api");
        var denied = api.gatewayResponses().get("ACCESS_DENIED");
        assertEquals(new Template.GatewayResponse(401, Map.of("Access-Control-Allow-Origin", "*"),
                "{\"message\":\"$context.authorizer.message\",\"error\":$context.error.messageString}"), denied);
        var answer = RouteGuard.render(api.gatewayResponses(), "ACCESS_DENIED", Map.of("message", "nope"));
        assertEquals(new RouteGuard.Answer(401, Map.of("Content-Type", "application/json", "Access-Control-Allow-Origin", "*"),
                "{\"message\":\"nope\",\"error\":\"User is not authorized to access this resource with an explicit deny\"}"), answer);
        assertEquals(new RouteGuard.Answer(403, Map.of("Content-Type", "application/json"), "{\"message\":\"Forbidden\"}"),
                RouteGuard.render(api.gatewayResponses(), "INVALID_API_KEY", Map.of()), "API Gateway's own response where the API has none");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "FunctionPayloadType: REQUEST|FunctionPayloadType: TOKEN",
            "      FunctionPayloadType: REQUEST\n|",
            "Identity: {ReauthorizeEvery: 0}|Identity: {ReauthorizeEvery: 300}",
            "      Identity: {ReauthorizeEvery: 0}\n|",
            "Identity: {ReauthorizeEvery: 0}|Identity: {ReauthorizeEvery: 0, Headers: [Authorization]}",
            "Identity: {ReauthorizeEvery: 0}|Identity: {ReauthorizeEvery: 0}\n      UserPoolArn: arn:aws:cognito-idp:x",
            "!Ref Guard.Alias|!Sub arn:aws:lambda:${AWS::Region}:1:function:guard",
            "!Ref Guard.Alias|!Ref Guard",
            "!Ref Guard.Alias|!GetAtt Missing.Arn",
            "DefaultAuthorizer: Keys|DefaultAuthorizer: Other",
            "DefaultAuthorizer: Keys|DefaultAuthorizer: AWS_IAM",
            "ApiKeyRequired: true|ApiKeyRequired: maybe",
            "ApiKeyRequired: true|ApiKeyRequired: true\n  ResourcePolicy: {IpRangeBlacklist: [10.0.0.0/8]}",
            "ApiKeyRequired: true|ApiKeyRequired: true\n  UsagePlan: {CreateUsagePlan: PER_API}",
            "ApiKeySourceType: AUTHORIZER|ApiKeySourceType: QUERY",
            "ACCESS_DENIED:|ACCESS_DENYED:",
            "\"'*'\"|method.request.header.Origin",
            "ResponseParameters:|ResponseParameters:\n      Paths: {id: \"'1'\"}",
            "$context.authorizer.message|$context.requestId",
            "application/json:|text/html:"})
    void apiAuth_whenTheLocalStackCannotEmulateIt_isRefused(String replacement) {
        String[] r = replacement.split("\\|", 2);
        assertTrue(GUARDED_API.contains(r[0]), r[0]);
        var e = assertThrows(IllegalArgumentException.class, () -> apiTemplate(GUARDED_API.replace(r[0], r[1]), "RestApiId: !Ref Api"));
        assertTrue(e.getMessage().startsWith("template.yaml, Api"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "RestApiId: !Ref Api\nAuth: {Authorizer: Other}",
            "RestApiId: !Ref Api\nAuth: {Authorizer: AWS_IAM}",
            "RestApiId: !Ref Api\nAuth: {Authorizer: Keys, AuthorizationScopes: [read]}",
            "RestApiId: !Ref Api\nAuth: {ApiKeyRequired: sometimes}",
            "RestApiId: !Ref Api\nAuth: {ResourcePolicy: {SourceVpcBlacklist: [vpc-1]}}",
            "RestApiId: !Ref Elsewhere"})
    void eventAuth_whenTheLocalStackCannotEmulateIt_isRefused(String event) {
        var e = assertThrows(IllegalArgumentException.class, () -> apiTemplate(GUARDED_API, event));
        assertTrue(e.getMessage().startsWith("template.yaml, Things"), e.getMessage());
    }

    @Test
    void globalApiAuth_isRefused() {
        var yaml = "Globals:\n  Api:\n    Auth: {ApiKeyRequired: true}\nResources: {}\n";
        var e = assertThrows(IllegalArgumentException.class, () -> Template.parse(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))));
        assertTrue(e.getMessage().contains("Globals.Api"), e.getMessage());
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
