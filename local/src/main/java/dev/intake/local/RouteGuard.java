package dev.intake.local;

import com.amazonaws.services.lambda.runtime.events.APIGatewayCustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.intake.json.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What API Gateway does between receiving a request and calling the function of a route that has a Lambda
 * REQUEST authorizer or requires an API key: it sends the authorizer the REQUEST event, evaluates the
 * returned policy against the method ARN, checks the usage-plan key, and either answers with one of the API's
 * gateway responses or passes the authorizer's results on in {@code requestContext}.
 *
 * <p>One difference from AWS: there is no usage-plan registry here, so any non-empty usage key counts as one
 * that belongs to the plan, and nothing is throttled or counted against a quota.
 */
final class RouteGuard {
    static final String REGION = "us-east-1";

    /** The gateway's own answer. */
    record Answer(int status, Map<String, String> headers, String body) {}

    private final Template.Api api;
    private final Template.Auth auth;
    private final Function<APIGatewayCustomAuthorizerEvent, Object> authorizer;

    /** {@code authorizer} calls the route's authorizer function; null when {@code auth} names none. */
    RouteGuard(Template.Api api, Template.Auth auth, Function<APIGatewayCustomAuthorizerEvent, Object> authorizer) {
        if ((auth.authorizerFunction() == null) != (authorizer == null)) throw new IllegalArgumentException("authorizer does not match " + auth);
        this.api = api;
        this.auth = auth;
        this.authorizer = authorizer;
    }

    /**
     * Null when the request may reach the function, with {@code event}'s {@code requestContext.authorizer} and
     * {@code requestContext.identity.apiKey} filled in as API Gateway would; otherwise the gateway's answer.
     */
    Answer check(APIGatewayProxyRequestEvent event) {
        var context = event.getRequestContext();
        Map<String, Object> authorizerContext = null;
        String usageKey = api.keySource() == Template.KeySource.HEADER ? header(event, "x-api-key") : null;
        if (authorizer != null) {
            JsonNode result;
            try {
                result = Json.mapper().valueToTree(authorizer.apply(authorizerEvent(event)));
            } catch (RuntimeException e) {
                // Lambda's error message "Unauthorized" is API Gateway's cue for a 401; any other error is a failure.
                if ("Unauthorized".equals(e.getMessage())) return respond("UNAUTHORIZED", Map.of());
                System.err.println("local api: authorizer " + auth.authorizerFunction() + " failed with " + e.getClass().getName());
                return respond("AUTHORIZER_FAILURE", Map.of());
            }
            String principal = result == null ? "" : result.path("principalId").asText("");
            JsonNode policy = result == null ? null : result.get("policyDocument");
            Map<String, String> returned = result == null ? null : scalars(result.path("context"));
            if (principal.isBlank() || policy == null || !policy.isObject() || returned == null) {
                System.err.println("local api: authorizer " + auth.authorizerFunction() + " returned no principalId, no policyDocument or a non-scalar context value");
                return respond("AUTHORIZER_CONFIGURATION_ERROR", Map.of());
            }
            if (!allows(policy, methodArn(event))) return respond("ACCESS_DENIED", returned);
            authorizerContext = new LinkedHashMap<>(returned);
            authorizerContext.put("principalId", principal);
            if (api.keySource() == Template.KeySource.AUTHORIZER) usageKey = result.path("usageIdentifierKey").asText(null);
        }
        if (auth.apiKeyRequired()) {
            if (usageKey == null || usageKey.isBlank()) return respond("INVALID_API_KEY", Map.of());
            context.getIdentity().setApiKey(usageKey);
        }
        if (authorizerContext != null) context.setAuthorizer(authorizerContext);
        return null;
    }

    /** The REQUEST authorizer event for {@code event}, as API Gateway builds it. */
    static APIGatewayCustomAuthorizerEvent authorizerEvent(APIGatewayProxyRequestEvent event) {
        var ctx = event.getRequestContext();
        var identity = new APIGatewayCustomAuthorizerEvent.Identity(null, ctx.getIdentity().getSourceIp());
        var requestContext = new APIGatewayCustomAuthorizerEvent.RequestContext(ctx.getPath(), ctx.getAccountId(), ctx.getResourceId(),
                ctx.getStage(), ctx.getRequestId(), identity, ctx.getResourcePath(), ctx.getHttpMethod(), ctx.getApiId());
        // The events library's class has no multiValueHeaders or multiValueQueryStringParameters, so the Lambda
        // runtime drops those members of API Gateway's event before the handler sees it; so do we.
        return new APIGatewayCustomAuthorizerEvent(null, "REQUEST", methodArn(event), null, null, event.getResource(), event.getPath(),
                event.getHttpMethod(), event.getHeaders(), event.getQueryStringParameters(), event.getPathParameters(),
                event.getStageVariables(), requestContext);
    }

    static String methodArn(APIGatewayProxyRequestEvent event) {
        var ctx = event.getRequestContext();
        return "arn:aws:execute-api:" + REGION + ":" + ctx.getAccountId() + ":" + ctx.getApiId() + "/" + ctx.getStage() + "/"
                + event.getHttpMethod() + event.getPath();
    }

    /** IAM's rule: an explicit Deny wins; otherwise some Allow must match; otherwise denied. */
    static boolean allows(JsonNode policy, String methodArn) {
        boolean allowed = false;
        JsonNode statements = policy.path("Statement");
        for (JsonNode s : statements.isArray() ? statements : List.of(statements)) {
            if (!matchesAny(s.path("Action"), "execute-api:Invoke") || !matchesAny(s.path("Resource"), methodArn)) continue;
            String effect = s.path("Effect").asText();
            if (effect.equals("Deny")) return false;
            if (effect.equals("Allow")) allowed = true;
        }
        return allowed;
    }

    private static boolean matchesAny(JsonNode patterns, String value) {
        for (JsonNode p : patterns.isArray() ? patterns : List.of(patterns)) {
            if (p.isTextual() && glob(p.asText()).matcher(value).matches()) return true;
        }
        return false;
    }

    /** An IAM wildcard pattern: {@code *} is any run of characters, {@code ?} any one; case-sensitive. */
    private static Pattern glob(String pattern) {
        StringBuilder regex = new StringBuilder();
        for (String part : pattern.split("((?<=[*?])|(?=[*?]))")) {
            regex.append(part.equals("*") ? ".*" : part.equals("?") ? "." : Pattern.quote(part));
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }

    /** The API's gateway response of {@code type}, with {@code $context.authorizer.*} from {@code context}. */
    Answer respond(String type, Map<String, String> context) {
        return render(api.gatewayResponses(), type, context);
    }

    /**
     * A gateway response: the API's own for the type, else its DEFAULT_4XX or DEFAULT_5XX, else API Gateway's
     * built-in one. Like API Gateway, values are substituted into the template as they are, unescaped.
     */
    static Answer render(Map<String, Template.GatewayResponse> responses, String type, Map<String, String> context) {
        Builtin builtin = Builtin.valueOf(type);
        Template.GatewayResponse own = responses.get(type);
        Template.GatewayResponse fallback = responses.get(builtin.status / 100 == 4 ? "DEFAULT_4XX" : "DEFAULT_5XX");
        Template.GatewayResponse chosen = own != null ? own : fallback;
        int status = own != null && own.statusCode() != null ? own.statusCode() : builtin.status;
        String template = chosen != null && chosen.template() != null ? chosen.template() : "{\"message\":$context.error.messageString}";
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.put("Content-Type", "application/json");
        if (chosen != null) headers.putAll(chosen.headers());
        Matcher m = Pattern.compile("\\$context\\.(authorizer\\.([A-Za-z0-9_]+)|error\\.messageString|error\\.message)\\b").matcher(template);
        StringBuilder body = new StringBuilder();
        while (m.find()) {
            String value = m.group(2) != null ? context.getOrDefault(m.group(2), "")
                    : m.group(1).equals("error.messageString") ? (builtin.message == null ? "null" : "\"" + builtin.message + "\"")
                    : builtin.message == null ? "" : builtin.message;
            m.appendReplacement(body, Matcher.quoteReplacement(value));
        }
        m.appendTail(body);
        return new Answer(status, Map.copyOf(headers), body.toString());
    }

    /** API Gateway's own status and error message of the response types the local stack gives. */
    enum Builtin {
        ACCESS_DENIED(403, "User is not authorized to access this resource with an explicit deny"),
        UNAUTHORIZED(401, "Unauthorized"),
        INVALID_API_KEY(403, "Forbidden"),
        AUTHORIZER_FAILURE(500, null),
        AUTHORIZER_CONFIGURATION_ERROR(500, null);

        final int status;
        final String message;

        Builtin(int status, String message) {
            this.status = status;
            this.message = message;
        }
    }

    /** The context's values as strings, as API Gateway passes them on; null if one is an object or array. */
    private static Map<String, String> scalars(JsonNode context) {
        Map<String, String> out = new LinkedHashMap<>();
        if (context.isMissingNode() || context.isNull()) return out;
        if (!context.isObject()) return null;
        for (var e : context.properties()) {
            if (e.getValue().isContainerNode()) return null;
            out.put(e.getKey(), e.getValue().isNull() ? "" : e.getValue().asText());
        }
        return out;
    }

    private static String header(APIGatewayProxyRequestEvent event, String name) {
        if (event.getHeaders() == null) return null;
        List<String> found = new ArrayList<>();
        event.getHeaders().forEach((k, v) -> { if (k.equalsIgnoreCase(name)) found.add(v); });
        return found.isEmpty() ? null : found.getFirst();
    }
}
