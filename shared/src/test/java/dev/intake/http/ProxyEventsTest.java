package dev.intake.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayCustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.intake.json.Json;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link ProxyEvents#read} against Jackson's bean reading of the same event class with Intake's mapper (what
 * it replaced, and what {@code ProxyStreamIT} checks against the Lambda runtime's own serializer).
 */
class ProxyEventsTest {
    private static final ObjectReader BEANS = Json.mapper().readerFor(APIGatewayProxyRequestEvent.class)
            .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    static Stream<Path> sampleEvents() throws IOException {
        try (var files = Files.list(Path.of("..", "events"))) {
            return files.filter(f -> f.toString().endsWith(".json")).sorted().toList().stream()
                    .filter(f -> read(f).contains("\"httpMethod\""));
        }
    }

    private static String read(Path f) {
        try {
            return Files.readString(f);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @ParameterizedTest
    @MethodSource("sampleEvents")
    void sampleEvents_readAsBeanReadingReadsThem(Path file) throws IOException {
        assertSameAsBeans(Files.readString(file));
    }

    @Test
    void everyField_andEveryValueShape_readsAsBeanReadingReadsIt() throws IOException {
        assertSameAsBeans("""
                {"version":"1.0","resource":"/x/{id}","path":"/x/1","httpMethod":"POST",
                 "headers":{"A":"1","B":null,"N":42,"F":1.50,"T":true,"A":"dup"},
                 "multiValueHeaders":{"A":["1","2"],"B":[],"C":null,"D":[null,7,false]},
                 "queryStringParameters":{"q":"ü ☃ 😀"},"multiValueQueryStringParameters":{"q":["a","b"]},
                 "pathParameters":{"id":"1"},"stageVariables":{"s":"v"},
                 "requestContext":{"accountId":"123","stage":"prod","resourceId":"r","requestId":"req","operationName":"op",
                   "resourcePath":"/x/{id}","httpMethod":"POST","apiId":"api","path":"/prod/x/1","extendedRequestId":"e",
                   "requestTime":"09/Apr/2015:12:34:56 +0000","requestTimeEpoch":1428582896000,"domainName":"d.example.com",
                   "domainPrefix":"d","protocol":"HTTP/1.1","future":{"deep":[1,{"x":null}]},
                   "authorizer":{"workspaceId":"ws_1","principalId":"p","integrationLatency":12,"big":12345678901234,
                     "huge":123456789012345678901234567890,"ratio":0.25,"ok":true,"none":null,"list":[1,"a",{"b":2.0}],"map":{"k":"v"}},
                   "identity":{"cognitoIdentityPoolId":"a","accountId":"b","cognitoIdentityId":"c","caller":"d","apiKey":"e",
                     "principalOrgId":"f","sourceIp":"203.0.113.9","cognitoAuthenticationType":"g","cognitoAuthenticationProvider":"h",
                     "userArn":"i","userAgent":"Mozilla/5.0","user":"j","accessKey":"k","vpceId":"unknown"}},
                 "body":"{\\"a\\":1}","isBase64Encoded":false,"unknownTop":[{"a":[]}]}""");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{}",
            "{\"headers\":null,\"multiValueHeaders\":null,\"requestContext\":null,\"body\":null,\"isBase64Encoded\":null}",
            "{\"requestContext\":{\"identity\":null,\"authorizer\":null,\"requestTimeEpoch\":null}}",
            "{\"requestContext\":{\"requestTimeEpoch\":\"1428582896000\"},\"isBase64Encoded\":\"true\"}",
            "{\"isBase64Encoded\":1,\"body\":12.50}",
            "{\"isBase64Encoded\":0,\"httpMethod\":true}",
            " \n{\"path\":\"/\"}\n "})
    void nullsAndCoercedScalars_readAsBeanReadingReadsThem(String event) throws IOException {
        assertSameAsBeans(event);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "[]", "\"x\"", "null", "{\"path\":\"/\"} {}", "{\"path\":{\"a\":1}}", "{\"headers\":[\"a\"]}",
            "{\"multiValueHeaders\":{\"a\":\"b\"}}", "{\"requestContext\":\"x\"}", "{\"requestContext\":{\"requestTimeEpoch\":\"soon\"}}",
            "{\"isBase64Encoded\":\"maybe\"}", "{\"path\":\"/\"", "{\"path\""})
    void malformedEvents_fail(String event) {
        assertThrows(IOException.class, () -> ProxyEvents.read(stream(event)), event);
        // Bean reading refuses them too (null reads as a null event there, which no handler could use either).
        if (!event.equals("null")) assertThrows(IOException.class, () -> BEANS.readValue(event), event);
    }

    @Test
    void authorizerRequest_readsAsBeanReadingReadsIt_butForTheRequestContext() throws IOException {
        String event = """
                {"version":"1.0","type":"REQUEST","methodArn":"arn:aws:execute-api:us-east-1:1:api/prod/GET/x",
                 "identitySource":"h","authorizationToken":"t","resource":"/x","path":"/x","httpMethod":"GET",
                 "headers":{"x-api-key":"sk_live_1","N":7,"B":null},"multiValueHeaders":{"x-api-key":["sk_live_1"]},
                 "queryStringParameters":{"q":"ü"},"multiValueQueryStringParameters":{"q":["ü"]},
                 "pathParameters":{"id":"1"},"stageVariables":null,"futureField":[{"a":1}],
                 "requestContext":{"accountId":"1","identity":{"sourceIp":"203.0.113.9"},"future":{"x":[]}}}""";
        APIGatewayCustomAuthorizerEvent expected = Json.mapper().readerFor(APIGatewayCustomAuthorizerEvent.class)
                .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).readValue(event);
        APIGatewayCustomAuthorizerEvent read = ProxyEvents.readAuthorizerRequest(stream(event));
        assertNull(read.getRequestContext(), "the authorizer does not use it");
        expected.setRequestContext(null);
        assertEquals(expected, read);
        assertEquals("7", read.getHeaders().get("N"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "[]", "{\"headers\":[\"a\"]}", "{\"methodArn\":{}}", "{\"type\":\"REQUEST\"} {}", "{\"type\""})
    void malformedAuthorizerRequests_fail(String event) {
        assertThrows(IOException.class, () -> ProxyEvents.readAuthorizerRequest(stream(event)), event);
    }

    private static void assertSameAsBeans(String event) throws IOException {
        APIGatewayProxyRequestEvent expected = BEANS.readValue(event);
        APIGatewayProxyRequestEvent read = ProxyEvents.read(stream(event));
        assertEquals(Json.mapper().valueToTree(expected), Json.mapper().valueToTree(read), event);
        assertEquals(expected, read, event);
        if (expected.getRequestContext() != null && expected.getRequestContext().getAuthorizer() != null) {
            for (var e : expected.getRequestContext().getAuthorizer().entrySet()) {
                Object mine = read.getRequestContext().getAuthorizer().get(e.getKey());
                assertTrue(e.getValue() == null ? mine == null : e.getValue().getClass() == mine.getClass(),
                        "the authorizer's " + e.getKey() + " has the same type");
            }
        }
    }

    private static ByteArrayInputStream stream(String event) {
        return new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8));
    }
}
