package dev.intake.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayCustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.amazonaws.services.lambda.runtime.events.IamPolicyResponseV1;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.intake.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * API Gateway's events and answers, read and written as JSON: the proxy event and answer for
 * {@link ProxyStreamHandler}, and the REQUEST authorizer's event and policy for the authorizer.
 */
public final class ProxyEvents {
    private ProxyEvents() {}

    /**
     * The proxy event, as API Gateway sends it to the function, read token by token into the event class as
     * Jackson's bean reading would fill it (numbers and booleans where text is expected become text). Bean
     * reading would first introspect the three classes, about 0.1 s of a cold start. API Gateway adds fields
     * over time; ones this version of the event class does not know are skipped.
     */
    public static APIGatewayProxyRequestEvent read(InputStream input) throws IOException {
        try (JsonParser p = Json.factory().createParser(input)) {
            var event = new APIGatewayProxyRequestEvent();
            begin(p, "the event");
            while (nextField(p)) {
                switch (p.currentName()) {
                    case "version" -> event.setVersion(text(p));
                    case "resource" -> event.setResource(text(p));
                    case "path" -> event.setPath(text(p));
                    case "httpMethod" -> event.setHttpMethod(text(p));
                    case "headers" -> event.setHeaders(texts(p));
                    case "multiValueHeaders" -> event.setMultiValueHeaders(textLists(p));
                    case "queryStringParameters" -> event.setQueryStringParameters(texts(p));
                    case "multiValueQueryStringParameters" -> event.setMultiValueQueryStringParameters(textLists(p));
                    case "pathParameters" -> event.setPathParameters(texts(p));
                    case "stageVariables" -> event.setStageVariables(texts(p));
                    case "requestContext" -> event.setRequestContext(p.currentToken() == JsonToken.VALUE_NULL ? null : context(p));
                    case "body" -> event.setBody(text(p));
                    case "isBase64Encoded" -> event.setIsBase64Encoded(bool(p));
                    default -> p.skipChildren();
                }
            }
            if (p.nextToken() != null) throw new JsonParseException(p, "the event has content after its object");
            return event;
        }
    }

    /**
     * The REQUEST authorizer's event, read token by token as {@link #read} reads the proxy event. Its
     * {@code requestContext}, which the authorizer does not use, is skipped, as are fields this version of the
     * event class does not know.
     */
    public static APIGatewayCustomAuthorizerEvent readAuthorizerRequest(InputStream input) throws IOException {
        try (JsonParser p = Json.factory().createParser(input)) {
            var event = new APIGatewayCustomAuthorizerEvent();
            begin(p, "the event");
            while (nextField(p)) {
                switch (p.currentName()) {
                    case "version" -> event.setVersion(text(p));
                    case "type" -> event.setType(text(p));
                    case "methodArn" -> event.setMethodArn(text(p));
                    case "identitySource" -> event.setIdentitySource(text(p));
                    case "authorizationToken" -> event.setAuthorizationToken(text(p));
                    case "resource" -> event.setResource(text(p));
                    case "path" -> event.setPath(text(p));
                    case "httpMethod" -> event.setHttpMethod(text(p));
                    case "headers" -> event.setHeaders(texts(p));
                    case "queryStringParameters" -> event.setQueryStringParameters(texts(p));
                    case "pathParameters" -> event.setPathParameters(texts(p));
                    case "stageVariables" -> event.setStageVariables(texts(p));
                    default -> p.skipChildren();
                }
            }
            if (p.nextToken() != null) throw new JsonParseException(p, "the event has content after its object");
            return event;
        }
    }

    /** The authorizer's answer as the runtime's serializer writes it: its getters' values, without the null fields. */
    public static void writePolicy(IamPolicyResponseV1 answer, OutputStream output) throws IOException {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("principalId", answer.getPrincipalId());
        fields.put("policyDocument", answer.getPolicyDocument());
        fields.put("context", answer.getContext());
        fields.put("usageIdentifierKey", answer.getUsageIdentifierKey());
        try (JsonGenerator g = Json.factory().createGenerator(output)) {
            Json.writeValuesWithoutNulls(g, fields);
        }
    }

    private static APIGatewayProxyRequestEvent.ProxyRequestContext context(JsonParser p) throws IOException {
        var c = new APIGatewayProxyRequestEvent.ProxyRequestContext();
        begin(p, "'requestContext'");
        while (nextField(p)) {
            switch (p.currentName()) {
                case "accountId" -> c.setAccountId(text(p));
                case "authorizer" -> c.setAuthorizer(p.currentToken() == JsonToken.VALUE_NULL ? null : object(p));
                case "stage" -> c.setStage(text(p));
                case "resourceId" -> c.setResourceId(text(p));
                case "requestId" -> c.setRequestId(text(p));
                case "identity" -> c.setIdentity(p.currentToken() == JsonToken.VALUE_NULL ? null : identity(p));
                case "resourcePath" -> c.setResourcePath(text(p));
                case "httpMethod" -> c.setHttpMethod(text(p));
                case "apiId" -> c.setApiId(text(p));
                case "path" -> c.setPath(text(p));
                case "operationName" -> c.setOperationName(text(p));
                case "extendedRequestId" -> c.setExtendedRequestId(text(p));
                case "requestTime" -> c.setRequestTime(text(p));
                case "requestTimeEpoch" -> c.setRequestTimeEpoch(number(p));
                case "domainName" -> c.setDomainName(text(p));
                case "domainPrefix" -> c.setDomainPrefix(text(p));
                case "protocol" -> c.setProtocol(text(p));
                default -> p.skipChildren();
            }
        }
        return c;
    }

    private static APIGatewayProxyRequestEvent.RequestIdentity identity(JsonParser p) throws IOException {
        var i = new APIGatewayProxyRequestEvent.RequestIdentity();
        begin(p, "'identity'");
        while (nextField(p)) {
            switch (p.currentName()) {
                case "cognitoIdentityPoolId" -> i.setCognitoIdentityPoolId(text(p));
                case "accountId" -> i.setAccountId(text(p));
                case "cognitoIdentityId" -> i.setCognitoIdentityId(text(p));
                case "caller" -> i.setCaller(text(p));
                case "apiKey" -> i.setApiKey(text(p));
                case "principalOrgId" -> i.setPrincipalOrgId(text(p));
                case "sourceIp" -> i.setSourceIp(text(p));
                case "cognitoAuthenticationType" -> i.setCognitoAuthenticationType(text(p));
                case "cognitoAuthenticationProvider" -> i.setCognitoAuthenticationProvider(text(p));
                case "userArn" -> i.setUserArn(text(p));
                case "userAgent" -> i.setUserAgent(text(p));
                case "user" -> i.setUser(text(p));
                case "accessKey" -> i.setAccessKey(text(p));
                default -> p.skipChildren();
            }
        }
        return i;
    }

    /** Checks that the parser is on (or, at the top, before) an object's start. */
    private static void begin(JsonParser p, String what) throws IOException {
        JsonToken t = p.currentToken() == null ? p.nextToken() : p.currentToken();
        if (t != JsonToken.START_OBJECT) throw new JsonParseException(p, what + " is not a JSON object");
    }

    /** Moves to the next field's value (its name is then {@code p.currentName()}); false at the object's end. */
    private static boolean nextField(JsonParser p) throws IOException {
        if (p.nextToken() != JsonToken.FIELD_NAME) return false;
        p.nextToken();
        return true;
    }

    /** Text, as bean reading gives it: a number or boolean as its text, null as null. */
    private static String text(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) return null;
        if (t.isScalarValue()) return p.getText();
        throw new JsonParseException(p, "'" + p.currentName() + "' must be text");
    }

    private static Boolean bool(JsonParser p) throws IOException {
        return switch (p.currentToken()) {
            case VALUE_NULL -> null;
            case VALUE_TRUE -> true;
            case VALUE_FALSE -> false;
            case VALUE_NUMBER_INT -> p.getLongValue() != 0;
            case VALUE_STRING -> switch (p.getText().trim()) {
                case "true", "True", "TRUE" -> true;
                case "false", "False", "FALSE" -> false;
                default -> throw new JsonParseException(p, "'" + p.currentName() + "' must be true or false");
            };
            default -> throw new JsonParseException(p, "'" + p.currentName() + "' must be true or false");
        };
    }

    private static Long number(JsonParser p) throws IOException {
        return switch (p.currentToken()) {
            case VALUE_NULL -> null;
            case VALUE_NUMBER_INT -> p.getLongValue();
            case VALUE_STRING -> {
                try {
                    yield Long.parseLong(p.getText().trim());
                } catch (NumberFormatException e) {
                    throw new JsonParseException(p, "'" + p.currentName() + "' must be a whole number");
                }
            }
            default -> throw new JsonParseException(p, "'" + p.currentName() + "' must be a whole number");
        };
    }

    /** A map of text (headers, parameters); null as null. */
    private static Map<String, String> texts(JsonParser p) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_NULL) return null;
        begin(p, "'" + p.currentName() + "'");
        Map<String, String> out = new LinkedHashMap<>();
        while (nextField(p)) out.put(p.currentName(), text(p));
        return out;
    }

    /** A map of lists of text (the multi-value headers and parameters); null as null. */
    private static Map<String, List<String>> textLists(JsonParser p) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_NULL) return null;
        begin(p, "'" + p.currentName() + "'");
        Map<String, List<String>> out = new LinkedHashMap<>();
        while (nextField(p)) {
            String name = p.currentName();
            if (p.currentToken() == JsonToken.VALUE_NULL) {
                out.put(name, null);
                continue;
            }
            if (p.currentToken() != JsonToken.START_ARRAY) throw new JsonParseException(p, "'" + name + "' must be a list");
            List<String> values = new ArrayList<>();
            while (p.nextToken() != JsonToken.END_ARRAY) values.add(text(p));
            out.put(name, values);
        }
        return out;
    }

    /** Any JSON object (the authorizer's context), with the types Intake's mapper reads untyped values as. */
    private static Map<String, Object> object(JsonParser p) throws IOException {
        begin(p, "'" + p.currentName() + "'");
        Map<String, Object> out = new LinkedHashMap<>();
        while (nextField(p)) out.put(p.currentName(), Untyped.READER.readValue(p));
        return out;
    }

    /** Values of any shape, read in the middle of the event (so what follows them is no "trailing" token). */
    private static final class Untyped {
        static final ObjectReader READER = Json.mapper().readerFor(Object.class).without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    /** The proxy answer as API Gateway reads it, without the null fields (as the runtime's serializer writes it). */
    public static void write(APIGatewayProxyResponseEvent response, OutputStream output) throws IOException {
        try (JsonGenerator g = Json.factory().createGenerator(output)) {
            g.writeStartObject();
            if (response.getStatusCode() != null) g.writeNumberField("statusCode", response.getStatusCode());
            if (response.getHeaders() != null) {
                g.writeObjectFieldStart("headers");
                for (Map.Entry<String, String> h : response.getHeaders().entrySet()) g.writeStringField(h.getKey(), h.getValue());
                g.writeEndObject();
            }
            if (response.getMultiValueHeaders() != null) {
                g.writeObjectFieldStart("multiValueHeaders");
                for (Map.Entry<String, List<String>> h : response.getMultiValueHeaders().entrySet()) {
                    g.writeArrayFieldStart(h.getKey());
                    for (String v : h.getValue()) g.writeString(v);
                    g.writeEndArray();
                }
                g.writeEndObject();
            }
            if (response.getBody() != null) g.writeStringField("body", response.getBody());
            if (response.getIsBase64Encoded() != null) g.writeBooleanField("isBase64Encoded", response.getIsBase64Encoded());
            g.writeEndObject();
        }
    }
}
