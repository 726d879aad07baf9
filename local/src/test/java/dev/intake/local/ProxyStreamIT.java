package dev.intake.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.amazonaws.services.lambda.runtime.events.IamPolicyResponseV1;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.intake.config.Services;
import dev.intake.functions.action.ActionHandler;
import dev.intake.functions.authorizer.KeyAuthorizerHandler;
import dev.intake.functions.campaigns.CampaignsHandler;
import dev.intake.functions.forms.FormsHandler;
import dev.intake.functions.people.PeopleHandler;
import dev.intake.functions.submissions.SubmissionsHandler;
import dev.intake.functions.submit.SubmitHandler;
import dev.intake.functions.track.TrackHandler;
import dev.intake.http.ProxyEvents;
import dev.intake.http.ProxyStreamHandler;
import dev.intake.json.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The API functions are {@link ProxyStreamHandler}s: on AWS the Lambda runtime hands them the event's bytes,
 * and they read and write it with Intake's Jackson instead of the runtime's serializer. Every sample proxy
 * event in {@code events/} must read the same both ways, each function must answer it through its stream
 * method, and what the function answers must be written as the runtime's serializer would write it.
 */
class ProxyStreamIT {
    @BeforeAll
    static void sampleForm() {
        HandlerEventsIT.sampleForm();
    }

    static Stream<Arguments> samples() {
        // In this order: people-find looks up the person that submissions-create makes.
        return Stream.of(
                Arguments.of("submit.json", (Function<Services, ProxyStreamHandler>) SubmitHandler::new),
                Arguments.of("action-submit.json", (Function<Services, ProxyStreamHandler>) ActionHandler::new),
                Arguments.of("backend-submit.json", (Function<Services, ProxyStreamHandler>) SubmitHandler::new),
                Arguments.of("forms-list.json", (Function<Services, ProxyStreamHandler>) FormsHandler::new),
                Arguments.of("submissions-create.json", (Function<Services, ProxyStreamHandler>) SubmissionsHandler::new),
                Arguments.of("people-find.json", (Function<Services, ProxyStreamHandler>) PeopleHandler::new),
                Arguments.of("campaigns-create.json", (Function<Services, ProxyStreamHandler>) CampaignsHandler::new),
                Arguments.of("track-identify.json", (Function<Services, ProxyStreamHandler>) TrackHandler::new));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void sampleEvent_readsAsTheRuntimeReadsIt_andTheStreamMethodAnswersAsTheRuntimeWouldWrite(
            String file, Function<Services, ProxyStreamHandler> handlerOf) throws Exception {
        byte[] bytes = Files.readAllBytes(Path.of("../events", file));
        var viaRuntime = EventLoader.loadApiGatewayRestEvent("../events/" + file);
        var viaIntake = ProxyEvents.read(new ByteArrayInputStream(bytes));
        assertEquals(Json.withoutNulls(Json.mapper().valueToTree(viaRuntime)), Json.withoutNulls(Json.mapper().valueToTree(viaIntake)),
                "the event as the runtime's serializer and as ProxyEvents read it");
        assertEquals(viaRuntime.getRequestContext().getIdentity().getSourceIp(), viaIntake.getRequestContext().getIdentity().getSourceIp());

        ProxyStreamHandler handler = handlerOf.apply(TestStack.get().services());
        APIGatewayProxyResponseEvent answer = handler.handleRequest(viaRuntime, null);
        assertEquals(runtimeJson(answer), intakeJson(answer), "the answer as the runtime's serializer and as ProxyEvents write it");

        var out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(bytes), out, null);
        JsonNode streamed = Json.mapper().readTree(out.toByteArray());
        int status = streamed.path("statusCode").asInt();
        assertTrue(status >= 200 && status < 400, file + " through the stream method: " + streamed);
        assertEquals(answer.getStatusCode(), status, file + ": the stream method answers as the event method did");
    }

    @Test
    void authorizerEvent_throughTheStreamMethod_allowsAndDeniesWithThePolicyTheRuntimeWouldWrite() throws Exception {
        byte[] bytes = Files.readAllBytes(Path.of("../events/authorizer-request.json"));
        var viaRuntime = EventLoader.loadAPIGatewayCustomAuthorizerEvent("../events/authorizer-request.json");
        var handler = new KeyAuthorizerHandler(TestStack.get().services());
        JsonNode sample = Json.mapper().readTree(bytes);
        String demoKey = TestStack.get().demoWorkspace().apiKey();
        for (String key : List.of(demoKey, "sk_live_unknown")) {
            ObjectNode headers = (ObjectNode) sample.path("headers");
            headers.remove(List.of("Authorization", "authorization", "x-api-key", "X-API-Key"));
            headers.put("x-api-key", key);
            byte[] event = Json.mapper().writeValueAsBytes(sample);
            viaRuntime.setHeaders(Json.mapper().convertValue(sample.path("headers"), Map.class));
            IamPolicyResponseV1 policy = handler.handleRequest(viaRuntime, null);
            var out = new ByteArrayOutputStream();
            handler.handleRequest(new ByteArrayInputStream(event), out, null);
            JsonNode streamed = Json.mapper().readTree(out.toByteArray());
            assertEquals(runtimeJson(policy, IamPolicyResponseV1.class), streamed, key + ": the policy as the runtime's serializer writes it");
            assertEquals(key.equals(demoKey) ? "Allow" : "Deny",
                    streamed.path("policyDocument").path("Statement").get(0).path("Effect").asText(), streamed.toString());
        }
    }

    @Test
    void write_everyFieldOfAnAnswer_asTheRuntimeWritesIt() throws Exception {
        var answer = new APIGatewayProxyResponseEvent().withStatusCode(303)
                .withHeaders(Map.of("Location", "https://example.com/thanks?a=1&b=\"x\"", "Content-Type", "text/html; charset=utf-8"))
                .withMultiValueHeaders(Map.of("Set-Cookie", List.of("a=1", "b=2")))
                .withBody("<p>ünï \u2028 \"quoted\"</p>").withIsBase64Encoded(false);
        assertEquals(runtimeJson(answer), intakeJson(answer));
        var empty = new APIGatewayProxyResponseEvent().withStatusCode(204);
        assertEquals(runtimeJson(empty), intakeJson(empty));
    }

    @Test
    void read_fieldsThisEventClassDoesNotKnow_areSkipped() throws Exception {
        String event = "{\"httpMethod\":\"GET\",\"path\":\"/x\",\"someFutureField\":{\"a\":[1]},"
                + "\"requestContext\":{\"identity\":{\"sourceIp\":\"198.51.100.7\",\"vpceId\":\"v\"},\"domainPrefix\":\"d\"}}";
        var read = ProxyEvents.read(new ByteArrayInputStream(event.getBytes()));
        assertEquals("GET", read.getHttpMethod());
        assertEquals("198.51.100.7", read.getRequestContext().getIdentity().getSourceIp());
    }

    private static JsonNode runtimeJson(APIGatewayProxyResponseEvent answer) throws Exception {
        return runtimeJson(answer, APIGatewayProxyResponseEvent.class);
    }

    /** What the Lambda runtime's serializer writes for {@code answer}: its event serializer, or its plain Jackson one. */
    private static <T> JsonNode runtimeJson(T answer, Class<T> type) throws Exception {
        return Json.withoutNulls(Json.mapper().readTree(LambdaRuntime.write(answer, type)));
    }

    private static JsonNode intakeJson(APIGatewayProxyResponseEvent answer) throws Exception {
        var out = new ByteArrayOutputStream();
        ProxyEvents.write(answer, out);
        return Json.mapper().readTree(out.toByteArray());
    }
}
