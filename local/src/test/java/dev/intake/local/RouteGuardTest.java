package dev.intake.local;

import static org.junit.jupiter.api.Assertions.*;

import com.amazonaws.services.lambda.runtime.events.APIGatewayCustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.IamPolicyResponseV1;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** API Gateway's part of a guarded route, with stand-in authorizers: events, policies, usage keys, gateway responses. */
class RouteGuardTest {
    private static final String ARN_PREFIX = "arn:aws:execute-api:us-east-1:000000000000:local/local/";
    private static final Map<String, Template.GatewayResponse> RESPONSES = Map.of(
            "ACCESS_DENIED", new Template.GatewayResponse(401, Map.of(), "{\"error\":{\"code\":\"unauthorized\",\"message\":\"$context.authorizer.message\"}}"),
            "INVALID_API_KEY", new Template.GatewayResponse(403, Map.of("X-Why", "no usage key"), "{\"error\":{\"code\":\"forbidden\"}}"));
    private static final Template.Api API = new Template.Api("Api", Template.KeySource.AUTHORIZER,
            new Template.Auth("Guard", true), Map.of("Keys", "Guard"), RESPONSES, List.of());
    private static final Template.Auth GUARDED = new Template.Auth("Guard", true);

    private final List<APIGatewayCustomAuthorizerEvent> seen = new ArrayList<>();

    private static APIGatewayProxyRequestEvent request() {
        var identity = new APIGatewayProxyRequestEvent.RequestIdentity().withSourceIp("127.0.0.1").withUserAgent("test");
        var context = new APIGatewayProxyRequestEvent.ProxyRequestContext().withRequestId("req-1").withStage("local")
                .withResourcePath("/api/workspaces/{workspaceId}/forms").withHttpMethod("GET").withPath("/api/workspaces/ws_1/forms")
                .withIdentity(identity).withAccountId("000000000000").withApiId("local");
        return new APIGatewayProxyRequestEvent().withResource("/api/workspaces/{workspaceId}/forms").withPath("/api/workspaces/ws_1/forms")
                .withHttpMethod("GET").withHeaders(Map.of("Authorization", "Bearer sk_live_x", "X-api-key", "uk_from_header"))
                .withQueryStringParameters(Map.of("page", "1")).withPathParameters(Map.of("workspaceId", "ws_1")).withRequestContext(context);
    }

    private static IamPolicyResponseV1 policy(String effect, String resource, Map<String, Object> context, String usageKey) {
        return new IamPolicyResponseV1("ws_1", new IamPolicyResponseV1.PolicyDocument(IamPolicyResponseV1.VERSION_2012_10_17,
                List.of(new IamPolicyResponseV1.Statement(IamPolicyResponseV1.EXECUTE_API_INVOKE, effect, List.of(resource), null))),
                context, usageKey);
    }

    private RouteGuard guard(Template.Api api, Template.Auth auth, Function<APIGatewayCustomAuthorizerEvent, Object> authorizer) {
        return new RouteGuard(api, auth, authorizer == null ? null : e -> {
            seen.add(e);
            return authorizer.apply(e);
        });
    }

    @Test
    void authorizerEvent_isApiGatewaysRequestEvent() {
        guard(API, GUARDED, e -> policy("Allow", ARN_PREFIX + "*", Map.of(), "uk_1")).check(request());

        var e = seen.getFirst();
        assertEquals("REQUEST", e.getType());
        assertEquals(ARN_PREFIX + "GET/api/workspaces/ws_1/forms", e.getMethodArn());
        assertEquals("/api/workspaces/{workspaceId}/forms", e.getResource());
        assertEquals("/api/workspaces/ws_1/forms", e.getPath());
        assertEquals("GET", e.getHttpMethod());
        assertEquals("Bearer sk_live_x", e.getHeaders().get("Authorization"));
        assertEquals(Map.of("page", "1"), e.getQueryStringParameters());
        assertEquals(Map.of("workspaceId", "ws_1"), e.getPathParameters());
        assertEquals("127.0.0.1", e.getRequestContext().getIdentity().getSourceIp());
        assertNull(e.getRequestContext().getIdentity().getApiKey());
        assertEquals("local", e.getRequestContext().getApiId());
        assertEquals("local", e.getRequestContext().getStage());
        assertEquals("/api/workspaces/{workspaceId}/forms", e.getRequestContext().getResourcePath());
        assertEquals("req-1", e.getRequestContext().getRequestId());
    }

    @Test
    void allow_passesPrincipalContextAndUsageKeyToTheFunction() {
        var event = request();

        var answer = guard(API, GUARDED, e -> policy("Allow", ARN_PREFIX + "*/*", Map.of("workspaceId", "ws_1", "n", 2), "uk_1")).check(event);

        assertNull(answer);
        assertEquals(Map.of("principalId", "ws_1", "workspaceId", "ws_1", "n", "2"), event.getRequestContext().getAuthorizer());
        assertEquals("uk_1", event.getRequestContext().getIdentity().getApiKey(), "the authorizer's key, not x-api-key");
    }

    @Test
    void deny_answersAccessDeniedWithTheAuthorizersMessage() {
        var event = request();

        var answer = guard(API, GUARDED, e -> policy("Deny", ARN_PREFIX + "*", Map.of("message", "Invalid or revoked API key"), null)).check(event);

        assertEquals(401, answer.status());
        assertEquals("{\"error\":{\"code\":\"unauthorized\",\"message\":\"Invalid or revoked API key\"}}", answer.body());
        assertNull(event.getRequestContext().getAuthorizer());
    }

    @Test
    void allowForOtherResourcesOnly_orAnExplicitDeny_isAccessDenied() {
        assertEquals(401, guard(API, GUARDED, e -> policy("Allow", ARN_PREFIX + "POST/*", Map.of(), "uk_1")).check(request()).status());
        assertEquals(401, guard(API, GUARDED, e -> policy("Allow", "arn:aws:execute-api:us-east-1:000000000000:other/*", Map.of(), "uk_1"))
                .check(request()).status());
        var both = new IamPolicyResponseV1("ws_1", new IamPolicyResponseV1.PolicyDocument(IamPolicyResponseV1.VERSION_2012_10_17, List.of(
                IamPolicyResponseV1.allowStatement(ARN_PREFIX + "*"), IamPolicyResponseV1.denyStatement(ARN_PREFIX + "GET/api/*"))), Map.of(), "uk_1");
        var answer = guard(API, GUARDED, e -> both).check(request());
        assertEquals(401, answer.status());
        assertEquals("{\"error\":{\"code\":\"unauthorized\",\"message\":\"\"}}", answer.body(), "no context, so no message");
    }

    @Test
    void thrownUnauthorized_isApiGatewaysUnauthorized_andOtherErrorsAreAFailure() {
        var unauthorized = guard(API, GUARDED, e -> { throw new IllegalStateException("Unauthorized"); }).check(request());
        assertEquals(new RouteGuard.Answer(401, Map.of("Content-Type", "application/json"), "{\"message\":\"Unauthorized\"}"), unauthorized);

        var failed = guard(API, GUARDED, e -> { throw new IllegalStateException("table missing"); }).check(request());
        assertEquals(new RouteGuard.Answer(500, Map.of("Content-Type", "application/json"), "{\"message\":null}"), failed);
    }

    @Test
    void malformedAuthorizerAnswers_areAConfigurationError() {
        assertEquals(500, guard(API, GUARDED, e -> new IamPolicyResponseV1(null, null, Map.of(), "uk")).check(request()).status());
        assertEquals(500, guard(API, GUARDED, e -> policy("Allow", ARN_PREFIX + "*", Map.of("nested", Map.of("a", 1)), "uk")).check(request()).status());
        assertEquals(500, guard(API, GUARDED, e -> Map.of("principalId", "p")).check(request()).status());
    }

    @Test
    void allowWithoutAUsageKey_onARouteThatRequiresOne_isInvalidApiKey() {
        var answer = guard(API, GUARDED, e -> policy("Allow", ARN_PREFIX + "*", Map.of(), null)).check(request());
        assertEquals(new RouteGuard.Answer(403, Map.of("Content-Type", "application/json", "X-Why", "no usage key"), "{\"error\":{\"code\":\"forbidden\"}}"), answer);

        var event = request();
        assertNull(guard(API, new Template.Auth("Guard", false), e -> policy("Allow", ARN_PREFIX + "*", Map.of(), null)).check(event));
        assertNull(event.getRequestContext().getIdentity().getApiKey(), "no key is required, so none is named");
        assertEquals(Map.of("principalId", "ws_1"), event.getRequestContext().getAuthorizer());
    }

    @Test
    void headerKeySource_takesTheUsageKeyFromXApiKey() {
        var headerApi = new Template.Api("Api", Template.KeySource.HEADER, Template.Auth.NONE, Map.of(), Map.of(), java.util.List.of());
        var event = request();
        assertNull(guard(headerApi, new Template.Auth(null, true), null).check(event));
        assertEquals("uk_from_header", event.getRequestContext().getIdentity().getApiKey());

        var without = request().withHeaders(Map.of());
        assertEquals(new RouteGuard.Answer(403, Map.of("Content-Type", "application/json"), "{\"message\":\"Forbidden\"}"),
                guard(headerApi, new Template.Auth(null, true), null).check(without));
        assertEquals(403, guard(API, new Template.Auth(null, true), null).check(request()).status(),
                "with AUTHORIZER as the source and no authorizer, no request has a key");
    }

    @Test
    void policyWildcards_matchLikeIam() {
        var allow = Map.of("Statement", List.of(Map.of("Effect", "Allow", "Action", "execute-api:*", "Resource", ARN_PREFIX + "GET/api/workspaces/?s_1/*")));
        assertTrue(RouteGuard.allows(dev.intake.json.Json.mapper().valueToTree(allow), ARN_PREFIX + "GET/api/workspaces/ws_1/forms"));
        assertFalse(RouteGuard.allows(dev.intake.json.Json.mapper().valueToTree(allow), ARN_PREFIX + "GET/api/workspaces/ws_22/forms"));
        var single = Map.of("Statement", Map.of("Effect", "Allow", "Action", List.of("execute-api:Invoke"), "Resource", "*"));
        assertTrue(RouteGuard.allows(dev.intake.json.Json.mapper().valueToTree(single), ARN_PREFIX + "GET/x"), "one statement, not a list");
        var otherAction = Map.of("Statement", List.of(Map.of("Effect", "Allow", "Action", "execute-api:ManageConnections", "Resource", "*")));
        assertFalse(RouteGuard.allows(dev.intake.json.Json.mapper().valueToTree(otherAction), ARN_PREFIX + "GET/x"));
    }
}
