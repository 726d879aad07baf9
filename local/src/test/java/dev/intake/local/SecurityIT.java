package dev.intake.local;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.intake.application.ConsentTokens;
import dev.intake.application.CreateWorkspace;
import dev.intake.domain.ConsentState;
import dev.intake.domain.Credential;
import dev.intake.domain.Ids;
import dev.intake.domain.Person;
import dev.intake.functions.admin.AdminHandler;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Security properties over real HTTP against the local stack, beyond the suites that already cover a part
 * ({@link TenantIsolationIT}, {@link ApiKeysIT}, {@link ActionSubmitIT}, {@link PublicSubmitIT}, {@link RateLimitIT}):
 * revoked keys on every key route, secrets at rest in every table, open redirects, CORS, header injection, what
 * the logs carry, and forged or expired confirmation links. docs/security.md maps each threat to its test.
 */
class SecurityIT {
    private static final Pattern PARAM = Pattern.compile("\\{([^}]+)}");

    static Template template() {
        try {
            return Template.load(Path.of("..", "template.yaml"));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every route of the template behind the key authorizer, as {@code (function, route)}. */
    static List<Map.Entry<Template.Function, Template.Route>> keyRoutes() {
        List<Map.Entry<Template.Function, Template.Route>> out = new ArrayList<>();
        for (Template.Function f : template().functions().values()) {
            for (Template.Route r : f.routes()) if (!r.auth().open()) out.add(Map.entry(f, r));
        }
        assertTrue(out.size() >= 18, "the management routes: " + out.size());
        return out;
    }

    static String fill(String path, String workspaceId) {
        Matcher m = PARAM.matcher(path);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(m.group(1).equals("workspaceId") ? workspaceId : "unknown_" + m.group(1)));
        }
        return m.appendTail(out).toString();
    }

    static String enc(String s) { return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20"); }

    // ---------------------------------------------------------------------------------------------------
    // Revoked keys
    // ---------------------------------------------------------------------------------------------------

    @Test
    void revokedApiKey_isRefusedOnEveryKeyRoute_byTheGatewayAndByTheFunctionItself() throws Exception {
        var admin = new AdminHandler(TestStack.get().services());
        var ws = Fixtures.workspace();
        String revoked = (String) admin.handleRequest(Map.of("command", "create-api-key", "workspaceId", ws.workspaceId()), null).get("apiKey");
        var answer = admin.handleRequest(Map.of("command", "revoke-api-key", "workspaceId", ws.workspaceId(),
                "prefix", Credential.prefixOf(revoked)), null);
        assertEquals(Boolean.TRUE, answer.get("revoked"), answer.toString());

        Map<String, Object> handlers = new HashMap<>();
        for (var e : keyRoutes()) {
            Template.Function f = e.getKey();
            Template.Route route = e.getValue();
            String path = fill(route.path(), ws.workspaceId());
            String body = route.method().equals("POST") || route.method().equals("PATCH") ? "{}" : null;
            // Through the gateway: the authorizer refuses, in either header.
            for (String[] header : List.of(new String[] {"Authorization", "Bearer " + revoked}, new String[] {"x-api-key", revoked})) {
                var res = Http.send(route.method(), path, body, header[0], header[1], "Content-Type", "application/json");
                assertEquals(401, res.statusCode(), route + " " + header[0] + ": " + res.body());
                assertEquals(ApiKeysIT.INVALID, Http.json(res).path("error").path("message").asText(), route + ": " + res.body());
            }
            // A live key of the same workspace gets past both checks, so the 401 above is the key's doing.
            var live = Http.send(route.method(), path, body, "x-api-key", ws.apiKey(), "Content-Type", "application/json");
            assertNotEquals(401, live.statusCode(), route + ": " + live.body());
            // Straight to the function, as a misconfigured gateway or a direct invocation would: still 401.
            Object h = handlers.computeIfAbsent(f.logicalId(), id -> newHandler(f.handlerClass()));
            @SuppressWarnings("unchecked")
            var handler = (RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent>) h;
            var direct = handler.handleRequest(event(route, ws.workspaceId(), body, "x-api-key", revoked), null);
            assertEquals(401, direct.getStatusCode(), route + " direct: " + direct.getBody());
            var bearer = handler.handleRequest(event(route, ws.workspaceId(), body, "Authorization", "Bearer " + revoked), null);
            assertEquals(401, bearer.getStatusCode(), route + " direct: " + bearer.getBody());
        }
    }

    private static Object newHandler(String className) {
        try {
            return Class.forName(className).getConstructor(dev.intake.config.Services.class).newInstance(TestStack.get().services());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The proxy event API Gateway would send for {@code route}, without the authorizer's context. */
    static APIGatewayProxyRequestEvent event(Template.Route route, String workspaceId, String body, String... headers) {
        Map<String, String> params = new LinkedHashMap<>();
        Matcher m = PARAM.matcher(route.path());
        while (m.find()) params.put(m.group(1), m.group(1).equals("workspaceId") ? workspaceId : "unknown_" + m.group(1));
        Map<String, String> h = new LinkedHashMap<>();
        for (int i = 0; i < headers.length; i += 2) h.put(headers[i], headers[i + 1]);
        h.put("Content-Type", "application/json");
        return new APIGatewayProxyRequestEvent().withResource(route.path()).withPath(fill(route.path(), workspaceId))
                .withHttpMethod(route.method()).withHeaders(h).withPathParameters(params).withBody(body)
                .withRequestContext(new APIGatewayProxyRequestEvent.ProxyRequestContext().withResourcePath(route.path())
                        .withIdentity(new APIGatewayProxyRequestEvent.RequestIdentity().withSourceIp("203.0.113.9")));
    }

    // ---------------------------------------------------------------------------------------------------
    // Secrets at rest
    // ---------------------------------------------------------------------------------------------------

    @Test
    void keysAndSecrets_areNotStoredInPlainTextInAnyTable() {
        var stack = TestStack.get();
        var admin = new AdminHandler(stack.services());
        var created = admin.handleRequest(Map.of("command", "create-workspace", "name", "At rest"), null);
        String wsId = (String) created.get("workspaceId");
        String apiKey = (String) created.get("apiKey");
        String trackKey = (String) created.get("trackKey");
        String writeKey = (String) created.get("writeKey");
        String siteId = (String) created.get("siteId");
        String second = (String) admin.handleRequest(Map.of("command", "create-api-key", "workspaceId", wsId), null).get("apiKey");
        String captchaSecret = "captcha_secret_" + UUID.randomUUID().toString().replace("-", "");
        String webhookSecret = "whsec_" + UUID.randomUUID().toString().replace("-", "");

        // Use every key: creating with an Idempotency-Key stores the response; tracking may carry the key in its body.
        var form = Http.send("POST", "/api/workspaces/" + wsId + "/forms", """
                {"name":"Rest","fields":[{"name":"email","type":"email"}],
                 "settings":{"captcha":{"provider":"turnstile","secret":"%s"}}}""".formatted(captchaSecret),
                "Authorization", "Bearer " + apiKey, "Content-Type", "application/json", "Idempotency-Key", UUID.randomUUID().toString());
        assertEquals(201, form.statusCode(), form.body());
        assertFalse(form.body().contains(captchaSecret), "the CAPTCHA secret is never returned: " + form.body());
        String formId = Http.json(form).path("id").asText();
        var campaign = Http.send("POST", "/api/workspaces/" + wsId + "/campaigns",
                "{\"name\":\"Hook\",\"enabled\":false,\"trigger\":{\"type\":\"form_submitted\"},"
                        + "\"actions\":[{\"type\":\"webhook\",\"url\":\"https://hooks.example.com/x\",\"secret\":\"" + webhookSecret + "\"}]}",
                "x-api-key", second, "Content-Type", "application/json", "Idempotency-Key", UUID.randomUUID().toString());
        assertEquals(201, campaign.statusCode(), campaign.body());
        String basicTrack = "Basic " + Base64.getEncoder().encodeToString((siteId + ":" + trackKey).getBytes(StandardCharsets.UTF_8));
        var backend = Http.send("POST", "/api/v1/forms/contact/submit", "{\"data\":{\"email\":\"rest@example.com\"}}",
                "Authorization", basicTrack, "Content-Type", "application/json", "Idempotency-Key", UUID.randomUUID().toString());
        assertEquals(204, backend.statusCode(), backend.body());
        var track = Http.send("POST", "/v1/batch", "{\"writeKey\":\"" + writeKey + "\",\"batch\":[{\"type\":\"identify\",\"userId\":\"rest-1\","
                + "\"traits\":{\"plan\":\"pro\"}},{\"type\":\"track\",\"userId\":\"rest-1\",\"event\":\"Rested\"}]}", "Content-Type", "application/json");
        assertEquals(200, track.statusCode(), track.body());
        var list = Http.send("GET", "/v1/forms/" + formId + "/submissions", null, "Authorization", "Bearer " + apiKey);
        assertEquals(200, list.statusCode(), list.body());

        Map<String, List<String>> where = scanEveryTable(List.of(apiKey, second, trackKey, writeKey, captchaSecret, webhookSecret,
                stack.services().config.signingSecret()));
        for (String secret : List.of(apiKey, second, trackKey, writeKey)) {
            assertEquals(List.of(), where.get(secret), "a key in plain text");
        }
        // The credentials are found by their SHA-256 digest instead.
        assertTrue(stack.services().workspaces.findCredential(Ids.sha256(apiKey)).isPresent());
        assertEquals(List.of(), where.get(stack.services().config.signingSecret()), "the signing secret is not data");
        // Stored recoverably on purpose (the provider and HMAC need them; docs/security.md), and only where they belong.
        assertEquals(List.of(stack.services().config.tables().forms() + " FORM#" + formId), where.get(captchaSecret));
        for (String at : where.get(webhookSecret)) {
            assertTrue(at.equals(stack.services().config.tables().campaigns() + " WS#" + wsId)
                    || at.startsWith(stack.services().config.tables().guards() + " IDEM#campaigns#" + wsId + "#"), at);
        }
        assertTrue(where.get(webhookSecret).contains(stack.services().config.tables().campaigns() + " WS#" + wsId));
    }

    /** For each needle: the {@code "<table> <pk>"} of every item that holds it in any attribute, at any depth. */
    static Map<String, List<String>> scanEveryTable(List<String> needles) {
        var db = TestStack.get().dynamo();
        List<String> tables = db.listTablesPaginator(r -> {}).tableNames().stream().toList();
        assertTrue(tables.size() >= 6, tables.toString());
        Map<String, List<String>> found = new LinkedHashMap<>();
        needles.forEach(n -> found.put(n, new ArrayList<>()));
        for (String table : tables) {
            for (Map<String, AttributeValue> item : db.scanPaginator(r -> r.tableName(table)).items()) {
                StringBuilder text = new StringBuilder();
                item.forEach((k, v) -> flatten(k, v, text));
                String all = text.toString();
                for (String n : needles) if (all.contains(n)) found.get(n).add(table + " " + item.get("pk").s());
            }
        }
        return found;
    }

    private static void flatten(String name, AttributeValue v, StringBuilder out) {
        out.append(name).append('\u0000');
        if (v.s() != null) out.append(v.s());
        if (v.n() != null) out.append(v.n());
        if (v.b() != null) out.append(new String(v.b().asByteArray(), StandardCharsets.UTF_8));
        if (v.hasSs()) v.ss().forEach(s -> out.append(s).append('\u0000'));
        if (v.hasNs()) v.ns().forEach(s -> out.append(s).append('\u0000'));
        if (v.hasL()) v.l().forEach(x -> flatten("", x, out));
        if (v.hasM()) v.m().forEach((k, x) -> flatten(k, x, out));
        out.append('\u0000');
    }

    // ---------------------------------------------------------------------------------------------------
    // Open redirects and header injection
    // ---------------------------------------------------------------------------------------------------

    static final List<String> HOSTILE_SUCCESS_URLS = List.of(
            "//evil.example", "///evil.example", "/\\evil.example", "\\\\evil.example", "\\/evil.example",
            "/%2F%2Fevil.example", "%2F%2Fevil.example", "https:evil.example", "https:/evil.example", "https:\\\\evil.example",
            "javascript:alert(1)", "JaVaScRiPt:alert(1)", "javascript%3Aalert(1)", " javascript:alert(1)", "\tjavascript:alert(1)",
            "data:text/html,<script>alert(1)</script>", "vbscript:msgbox(1)",
            "https://evil.example", "HTTPS://EVIL.EXAMPLE/", "https://ok.example.evil.example/", "https://evil.example/ok.example",
            "https://ok.example@evil.example/", "https://ok.example%40evil.example/", "https://evil.example\\@ok.example/",
            "https://evil.example#@ok.example", "https://evil.example?@ok.example", "https://evil.example%2F@ok.example",
            "https://evil.example%23.ok.example/", "https:%2F%2Fevil.example", "https%3A%2F%2Fevil.example", "http://evil.example:443",
            "https://ok.example\r\nLocation: https://evil.example", "https://evil.example%E3%80%82ok.example",
            "https://\u0435vil.example/", "ftp://ok.example/", "https://", "https:///evil.example");

    @Test
    void actionUrl_hostileSuccessUrls_neverRedirectOffTheAllowedHosts() {
        var ws = Fixtures.workspace();
        String formId = "redirects";
        String thankYou = "thank_you?site_id=" + ws.siteId() + "&form_id=" + formId;
        int i = 0;
        for (String url : HOSTILE_SUCCESS_URLS) {
            // The posting page is on ok.example (so ok.example is an allowed host), and also with no posting page at all.
            for (boolean fromOk : List.of(true, false)) {
                if (i % 10 == 0) ActionSubmitIT.awaitRoomInRateWindow();
                String path = "/forms/submit_action?site_id=" + ws.siteId() + "&form_id=" + formId + "&success_url=" + enc(url);
                var res = fromOk
                        ? ActionSubmitIT.post(path, "email=r" + i + "%40example.com", "Origin", "https://ok.example", "Referer", "https://ok.example/f")
                        : ActionSubmitIT.post(path, "email=r" + i + "%40example.com");
                i++;
                if (res.statusCode() == 429) {
                    // Ten posts a minute per IP and form: move to a fresh form id instead of waiting.
                    formId = "redirects" + i;
                    thankYou = "thank_you?site_id=" + ws.siteId() + "&form_id=" + formId;
                    continue;
                }
                assertEquals(303, res.statusCode(), url + ": " + res.body());
                String location = ActionSubmitIT.location(res);
                ActionSubmitIT.assertNoInjection(res);
                assertTrue(location.equals(thankYou) || location.startsWith("https://ok.example/") || location.equals("https://ok.example"),
                        "'" + url + "' (from ok.example: " + fromOk + ") -> " + location);
                assertSafeLocation(location);
            }
        }
    }

    @Test
    void actionUrl_switchesOtherThanSuccessUrl_andOwnerRedirectUrlsThatAreNotWebUrls_areIgnored() {
        var ws = Fixtures.workspace();
        String formId = Fixtures.createForm(ws, """
                {"name":"Owner redirect","fields":[{"name":"email","type":"email"}],
                 "settings":{"redirectUrl":"javascript:alert(document.cookie)"}}""").path("id").asText();
        String thankYou = "thank_you?site_id=" + ws.siteId() + "&form_id=" + formId;
        // Formspree-style fields in the body or the query do not choose the redirect.
        var res = ActionSubmitIT.post("/forms/submit_action?site_id=" + ws.siteId() + "&form_id=" + formId
                        + "&_next=https%3A%2F%2Fevil.example&redirect=https%3A%2F%2Fevil.example&redirect_url=https%3A%2F%2Fevil.example",
                "email=n%40example.com&_next=https%3A%2F%2Fevil.example&_redirect=https%3A%2F%2Fevil.example&success_url=https%3A%2F%2Fevil.example");
        assertEquals(303, res.statusCode(), res.body());
        assertEquals(thankYou, ActionSubmitIT.location(res), "the owner's javascript: redirectUrl is not followed either");

        // The confirmation link only ever redirects to the form's own web redirectUrl; its query cannot add one.
        var person = "n@example.com";
        String personId = Ids.person(ws.workspaceId(), "email", person);
        String token = TestStack.get().services().consentTokens.issue(ws.workspaceId(), personId, formId, Instant.now());
        var confirm = Http.send("GET", "/api/consent/confirm?token=" + token + "&redirect=https%3A%2F%2Fevil.example&_next=%2F%2Fevil.example", null);
        assertEquals(200, confirm.statusCode(), confirm.body());
        assertTrue(confirm.headers().firstValue("Location").isEmpty(), confirm.headers().map().toString());
        assertFalse(confirm.body().contains("evil.example") || confirm.body().contains("javascript:"), confirm.body());
    }

    @Test
    void headerInjection_throughSuccessUrlOrOrigin_isImpossible() {
        var ws = Fixtures.workspace();
        String formId = "crlf";
        List<String> injected = List.of(
                "https://ok.example/a%0d%0aSet-Cookie:%20pwn=1", "https://ok.example/a%0D%0ALocation:%20https://evil.example",
                "https://ok.example/a%250d%250aSet-Cookie:pwn=1", "https://ok.example/a\u560d\u560aSet-Cookie:pwn=1",
                "https://ok.example/a%E5%98%8D%E5%98%8ASet-Cookie:pwn=1", "https://ok.example/a\rSet-Cookie:pwn=1",
                "https://ok.example/a\nSet-Cookie:pwn=1", "https://ok.example/a\u0085Set-Cookie:pwn=1",
                "https://ok.example/a\u2028Set-Cookie:pwn=1", "https://ok.example/%00Set-Cookie:pwn=1");
        int i = 0;
        for (String url : injected) {
            var res = ActionSubmitIT.post("/forms/submit_action?site_id=" + ws.siteId() + "&form_id=" + formId + "&success_url=" + enc(url),
                    "email=c" + i + "%40example.com", "Origin", "https://ok.example");
            if (++i % 10 == 0) formId = "crlf" + i;
            assertEquals(303, res.statusCode(), url + ": " + res.body());
            assertTrue(res.headers().allValues("Set-Cookie").isEmpty() && res.headers().firstValue("pwn").isEmpty(), res.headers().map().toString());
            res.headers().map().forEach((k, vs) -> vs.forEach(v -> assertFalse(v.contains("\r") || v.contains("\n"), k + ": " + v)));
            String location = ActionSubmitIT.location(res);
            for (char c : location.toCharArray()) assertTrue(c > 0x20 && c < 0x7f, "only visible ASCII in Location: " + location);
            assertTrue(location.startsWith("https://ok.example/") || location.startsWith("thank_you?"), location);
        }
        // The Origin is echoed only when listed, and then verbatim: a listed origin cannot carry a header.
        String listed = Fixtures.createForm(ws, "{\"name\":\"C\",\"fields\":[{\"name\":\"email\",\"type\":\"email\"}],"
                + "\"settings\":{\"allowedOrigins\":[\"https://good.example\"]}}").path("id").asText();
        var pre = Http.send("OPTIONS", "/api/forms/" + listed + "/submit", null, "Origin", "https://good.example%0d%0aSet-Cookie:%20x=1",
                "Access-Control-Request-Method", "POST");
        assertTrue(pre.headers().firstValue("Access-Control-Allow-Origin").isEmpty(), pre.headers().map().toString());
        assertTrue(pre.headers().allValues("Set-Cookie").isEmpty());
    }

    /** A Location a browser resolves to the stack, ok.example, or nowhere else. */
    static void assertSafeLocation(String location) {
        String l = location.toLowerCase(java.util.Locale.ROOT);
        assertFalse(l.startsWith("//") || l.startsWith("/\\") || l.startsWith("\\") || l.contains("evil.example") && !l.startsWith("https://ok.example/"),
                location);
        assertFalse(l.startsWith("javascript:") || l.startsWith("data:") || l.startsWith("vbscript:"), location);
    }

    // ---------------------------------------------------------------------------------------------------
    // CORS
    // ---------------------------------------------------------------------------------------------------

    @Test
    void cors_formWithOrigins_answersOnlyListedOriginsExactly_onPreflightAndRequest_andNeverWithCredentials() {
        var ws = Fixtures.workspace();
        String id = Fixtures.createForm(ws, "{\"name\":\"CORS\",\"fields\":[{\"name\":\"email\",\"type\":\"email\"}],"
                + "\"settings\":{\"allowedOrigins\":[\"https://good.example\",\"http://localhost:8080\"]}}").path("id").asText();
        String open = Fixtures.createForm(ws, "{\"name\":\"Open\",\"fields\":[{\"name\":\"email\",\"type\":\"email\"}]}").path("id").asText();
        int n = 0;
        for (String origin : List.of("https://good.example", "http://localhost:8080")) {
            var pre = preflight(id, origin);
            assertEquals(204, pre.statusCode());
            assertEquals(origin, pre.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
            assertTrue(pre.headers().allValues("Vary").stream().anyMatch(v -> v.contains("Origin")), pre.headers().map().toString());
            var post = submit(id, n++, "Origin", origin);
            assertEquals(201, post.statusCode(), post.body());
            assertEquals(origin, post.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
            assertNoCredentials(pre);
            assertNoCredentials(post);
        }
        List<String> refused = List.of("https://evil.example", "https://good.example.evil.example", "https://evilgood.example",
                "http://good.example", "https://good.example:8443", "https://good.example/", "https://GOOD.example", "null",
                "https://good.example, https://evil.example", "*", "http://localhost:8081", "http://localhost");
        for (String origin : refused) {
            var pre = preflight(id, origin);
            assertTrue(pre.headers().firstValue("Access-Control-Allow-Origin").isEmpty(), origin + ": " + pre.headers().map());
            assertNoCredentials(pre);
            var post = submit(id, n++, "Origin", origin);
            assertEquals(403, post.statusCode(), origin + ": " + post.body());
            assertTrue(post.headers().firstValue("Access-Control-Allow-Origin").isEmpty(), origin + ": " + post.headers().map());
            assertNoCredentials(post);
        }
        assertEquals(2, Fixtures.submissionCount(ws, id), "nothing stored from a refused origin");
        // A form with no list answers any origin with "*", which browsers never combine with credentials.
        var any = submit(open, 0, "Origin", "https://anywhere.example", "Cookie", "session=1");
        assertEquals("*", any.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
        assertNoCredentials(any);
        assertNoCredentials(preflight(open, "https://anywhere.example"));
        // The management API is not for browsers: no CORS answer at all.
        var mgmt = Http.send("GET", "/api/workspaces/" + ws.workspaceId() + "/forms", null, "x-api-key", ws.apiKey(), "Origin", "https://good.example");
        assertEquals(200, mgmt.statusCode());
        assertTrue(mgmt.headers().firstValue("Access-Control-Allow-Origin").isEmpty(), mgmt.headers().map().toString());
    }

    static HttpResponse<String> preflight(String formId, String origin) {
        return Http.send("OPTIONS", "/api/forms/" + formId + "/submit", null, "Origin", origin,
                "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "content-type");
    }

    static HttpResponse<String> submit(String formId, int i, String... headers) {
        String[] all = new String[headers.length + 2];
        all[0] = "Content-Type";
        all[1] = "application/json";
        System.arraycopy(headers, 0, all, 2, headers.length);
        return Http.send("POST", "/api/forms/" + formId + "/submit", "{\"email\":\"cors" + i + "@example.com\"}", all);
    }

    static void assertNoCredentials(HttpResponse<String> res) {
        assertTrue(res.headers().firstValue("Access-Control-Allow-Credentials").isEmpty(), res.headers().map().toString());
        assertTrue(res.headers().allValues("Set-Cookie").isEmpty(), res.headers().map().toString());
    }

    // ---------------------------------------------------------------------------------------------------
    // Confirmation links
    // ---------------------------------------------------------------------------------------------------

    @Test
    void confirmLink_cannotBeForgedMovedToAnotherPersonOrWorkspace_norUsedAfterItExpires() {
        var a = Fixtures.workspace();
        var b = Fixtures.workspace();
        String formA = Fixtures.seedForm(a, true).path("id").asText();
        String formB = Fixtures.seedForm(b, true).path("id").asText();
        for (String email : List.of("ann@example.com", "bob@example.com")) {
            assertEquals(201, Http.send("POST", "/api/forms/" + formA + "/submit", "{\"email\":\"" + email + "\"}",
                    "Content-Type", "application/json").statusCode());
        }
        assertEquals(201, Http.send("POST", "/api/forms/" + formB + "/submit", "{\"email\":\"ann@example.com\"}",
                "Content-Type", "application/json").statusCode());
        String ann = Ids.person(a.workspaceId(), "email", "ann@example.com");
        String bob = Ids.person(a.workspaceId(), "email", "bob@example.com");
        String annInB = Ids.person(b.workspaceId(), "email", "ann@example.com");
        ConsentTokens tokens = TestStack.get().services().consentTokens;
        Instant now = Instant.now();
        String annToken = tokens.issue(a.workspaceId(), ann, formA, now);

        List<String> forged = new ArrayList<>();
        // The payload edited to name another person, another workspace, or a later expiry, with the signature kept.
        String sig = annToken.substring(annToken.indexOf('.'));
        long exp = now.plus(ConsentTokens.VALIDITY).getEpochSecond();
        forged.add(b64("c1|" + a.workspaceId() + "|" + bob + "|" + formA + "|" + exp) + sig);
        forged.add(b64("c1|" + b.workspaceId() + "|" + annInB + "|" + formB + "|" + exp) + sig);
        forged.add(b64("c1|" + a.workspaceId() + "|" + ann + "|" + formA + "|" + (exp + 86400 * 365)) + sig);
        // Signed with another key, unsigned, truncated, or another person's signature on this payload.
        forged.add(new ConsentTokens("another-deployment-secret-0123456789abcdef".getBytes(StandardCharsets.UTF_8))
                .issue(a.workspaceId(), bob, formA, now));
        forged.add(annToken.substring(0, annToken.indexOf('.') + 1));
        forged.add(annToken.substring(0, annToken.indexOf('.')));
        forged.add(annToken.substring(0, annToken.length() - 2));
        String bobToken = tokens.issue(a.workspaceId(), bob, formA, now);
        forged.add(annToken.substring(0, annToken.indexOf('.')) + bobToken.substring(bobToken.indexOf('.')));
        forged.add(ActionSubmitIT.tamper("/api/consent/confirm?token=" + annToken).substring("/api/consent/confirm?token=".length()));
        // Standard base64 in place of base64url: only a forgery when the token has a '-' or '_' to change.
        String standardBase64 = annToken.replace('-', '+').replace('_', '/');
        if (!standardBase64.equals(annToken)) forged.add(standardBase64);
        for (String token : forged) {
            var res = Http.send("GET", "/api/consent/confirm?token=" + enc(token), null);
            assertEquals(400, res.statusCode(), "a forged confirmation token was accepted: " + token + " (the real one: " + annToken + ")");
            String page = ActionSubmitIT.assertHtmlPage(res, 400);
            assertTrue(page.contains("The confirmation link is not valid"), token + ": " + page);
        }
        // Expired: issued more than the validity ago, by the same key (the code's own expiry, no waiting).
        String expired = tokens.issue(a.workspaceId(), ann, formA, now.minus(ConsentTokens.VALIDITY).minusSeconds(1));
        String page = ActionSubmitIT.assertHtmlPage(Http.send("GET", "/api/consent/confirm?token=" + expired, null), 400);
        assertTrue(page.contains("expired"), page);
        // A valid link for a person of another workspace names that workspace; it confirms nobody here.
        String unknownInB = tokens.issue(b.workspaceId(), ann, formB, now);
        var nobody = Http.send("GET", "/api/consent/confirm?token=" + unknownInB, null);
        assertEquals(404, nobody.statusCode(), nobody.body());

        assertEquals(ConsentState.PENDING, person(a.workspaceId(), ann).consent());
        assertEquals(ConsentState.PENDING, person(a.workspaceId(), bob).consent());
        assertEquals(ConsentState.PENDING, person(b.workspaceId(), annInB).consent());
        assertTrue(TestStack.get().services().people.find(b.workspaceId(), ann).isEmpty(), "no person created by a link");

        // The genuine link works, for Ann only.
        var confirmed = Http.send("GET", "/api/consent/confirm?token=" + annToken, null);
        assertEquals(303, confirmed.statusCode(), confirmed.body());
        assertEquals("https://example.com/thank-you", ActionSubmitIT.location(confirmed), "the owner's redirectUrl");
        assertEquals(ConsentState.OPTED_IN, person(a.workspaceId(), ann).consent());
        assertEquals(ConsentState.PENDING, person(a.workspaceId(), bob).consent());
        assertEquals(ConsentState.PENDING, person(b.workspaceId(), annInB).consent());
    }

    static String b64(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    static Person person(String workspaceId, String personId) {
        return TestStack.get().services().people.find(workspaceId, personId).orElseThrow();
    }

    // ---------------------------------------------------------------------------------------------------
    // Logs
    // ---------------------------------------------------------------------------------------------------

    /**
     * Everything written to System.out, System.err and java.util.logging while it is open, at the levels the
     * functions log at when deployed (java.util.logging's default configuration: INFO and above).
     */
    static final class LogCapture implements AutoCloseable {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final PrintStream out = System.out;
        private final PrintStream err = System.err;
        private final java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
        private final Handler handler = new Handler() {
            @Override
            public void publish(LogRecord r) {
                StringBuilder b = new StringBuilder(String.valueOf(r.getMessage()));
                if (r.getParameters() != null) for (Object p : r.getParameters()) b.append(' ').append(p);
                for (Throwable t = r.getThrown(); t != null; t = t.getCause()) b.append(' ').append(t);
                synchronized (bytes) {
                    bytes.writeBytes((b + "\n").getBytes(StandardCharsets.UTF_8));
                }
            }

            @Override public void flush() {}

            @Override public void close() {}
        };

        LogCapture() {
            System.setOut(new PrintStream(tee(out), true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(tee(err), true, StandardCharsets.UTF_8));
            handler.setLevel(java.util.logging.Level.ALL);
            root.addHandler(handler);
        }

        private OutputStream tee(PrintStream original) {
            return new OutputStream() {
                @Override
                public void write(int b) {
                    original.write(b);
                    synchronized (bytes) {
                        bytes.write(b);
                    }
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    original.write(b, off, len);
                    synchronized (bytes) {
                        bytes.write(b, off, len);
                    }
                }
            };
        }

        String text() {
            synchronized (bytes) {
                return bytes.toString(StandardCharsets.UTF_8);
            }
        }

        @Override
        public void close() {
            root.removeHandler(handler);
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void logs_carryNoSubmittedValuesKeysOrSecrets() throws Exception {
        var stack = TestStack.get();
        String m = "mk" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        List<String> markers = new ArrayList<>();
        String logText;
        CreateWorkspace.Secrets ws;
        List<String> secrets = new ArrayList<>();
        try (var logs = new LogCapture(); var receiver = WebhookReceiver.start()) {
            ws = Fixtures.workspace();
            secrets.addAll(List.of(ws.apiKey(), ws.trackKey(), ws.writeKey()));
            String formId = Fixtures.createForm(ws, """
                    {"name":"Logs","fields":[{"name":"email","type":"email","required":true},{"name":"note"}],"doubleOptIn":true}""")
                    .path("id").asText();
            String webhookSecret = "whsec_" + m + "hook";
            secrets.add(webhookSecret);
            // A webhook that fails (500), one that cannot connect, and an e-mail to a value that is no address: each
            // failure is recorded and logged. (A webhook URL with a password is refused when the campaign is created.)
            receiver.respondWith(500);
            int closedPort;
            try (var s = new java.net.ServerSocket(0)) {
                closedPort = s.getLocalPort();
            }
            var campaign = Http.send("POST", "/api/workspaces/" + ws.workspaceId() + "/campaigns", """
                    {"name":"Noisy","trigger":{"type":"form_submitted"},"actions":[
                      {"type":"webhook","url":"%s","secret":"%s"},
                      {"type":"webhook","url":"http://127.0.0.1:%d/hook?token=%s"},
                      {"type":"email","to":"{{data.note}}","subject":"Hi {{data.note}}","text":"{{data.note}}"}]}"""
                    .formatted(receiver.url("/logs"), webhookSecret, closedPort, m + "urltoken"),
                    "x-api-key", ws.apiKey(), "Content-Type", "application/json");
            assertEquals(201, campaign.statusCode(), campaign.body());
            String campaignId = Http.json(campaign).path("id").asText();
            var mailOnly = Http.send("POST", "/api/workspaces/" + ws.workspaceId() + "/campaigns", """
                    {"name":"Mail","trigger":{"type":"form_submitted"},"actions":[
                      {"type":"email","to":"{{data.note}}","subject":"Hi","text":"{{data.note}}"}]}""",
                    "x-api-key", ws.apiKey(), "Content-Type", "application/json");
            assertEquals(201, mailOnly.statusCode(), mailOnly.body());
            String mailCampaignId = Http.json(mailOnly).path("id").asText();

            String email = m + "a@example.com";
            String note = m + "note bad@";
            markers.addAll(List.of(m + "a", m + "note", m + "b", m + "c", m + "d", m + "trait", m + "prop", m + "bad", m + "user", m + "urltoken"));
            var pub = Http.send("POST", "/api/forms/" + formId + "/submit", "{\"email\":\"" + email + "\",\"note\":\"" + note + "\"}",
                    "Content-Type", "application/json", "User-Agent", "ua", "Idempotency-Key", m + "b-key");
            assertEquals(201, pub.statusCode(), pub.body());
            String subId = Http.json(pub).path("submissionId").asText();
            var action = ActionSubmitIT.post("/forms/submit_action?site_id=" + ws.siteId() + "&form_id=" + formId,
                    "email=" + m + "c%40example.com&note=" + m + "b");
            assertEquals(303, action.statusCode(), action.body());
            String basic = "Basic " + Base64.getEncoder().encodeToString((ws.siteId() + ":" + ws.trackKey()).getBytes(StandardCharsets.UTF_8));
            assertEquals(204, Http.send("POST", "/api/v1/forms/" + formId + "/submit", "{\"data\":{\"email\":\"" + m + "d@example.com\"}}",
                    "Authorization", basic, "Content-Type", "application/json").statusCode());
            // Rejected input with values in it.
            assertEquals(400, Http.send("POST", "/api/forms/" + formId + "/submit", "{\"email\":\"" + m + "bad\"}",
                    "Content-Type", "application/json").statusCode());
            assertEquals(400, Http.send("POST", "/api/forms/" + formId + "/submit", "{\"email\":\"x@example.com\",\"" + m + "bad\":[{\"x\":1}]}",
                    "Content-Type", "application/json").statusCode());
            assertEquals(400, Http.send("POST", "/api/forms/" + formId + "/submit", "{\"email\":\"" + m + "bad",
                    "Content-Type", "application/json").statusCode());
            assertEquals(200, Http.send("POST", "/v1/batch", "{\"writeKey\":\"" + ws.writeKey() + "\",\"batch\":[{\"type\":\"identify\",\"userId\":\""
                    + m + "user\",\"traits\":{\"x\":\"" + m + "trait\"}},{\"type\":\"track\",\"userId\":\"" + m + "user\",\"event\":\"E\","
                    + "\"properties\":{\"p\":\"" + m + "prop\"}}]}", "Content-Type", "application/json").statusCode());
            assertEquals(400, Http.send("POST", "/v1/track", "{\"userId\":\"" + m + "user\",\"properties\":{\"p\":\"" + m + "prop\"}}",
                    "Authorization", "Basic " + Base64.getEncoder().encodeToString((ws.writeKey() + ":").getBytes(StandardCharsets.UTF_8)),
                    "Content-Type", "application/json").statusCode());
            // Wrong and right keys on every kind of route.
            assertEquals(401, Http.send("GET", "/v1/forms/" + formId + "/submissions", null, "x-api-key", ws.apiKey() + "x").statusCode());
            assertEquals(401, Http.send("POST", "/v1/track", "{\"userId\":\"u\",\"event\":\"E\",\"writeKey\":\"" + ws.writeKey() + "x\"}",
                    "Content-Type", "application/json").statusCode());
            assertEquals(401, Http.send("POST", "/api/v1/forms/" + formId + "/submit", "{\"data\":{\"email\":\"e@example.com\"}}",
                    "Authorization", "Basic " + Base64.getEncoder().encodeToString((ws.siteId() + ":" + ws.trackKey() + "x")
                            .getBytes(StandardCharsets.UTF_8)), "Content-Type", "application/json").statusCode());
            var listed = Http.send("GET", "/v1/forms/" + formId + "/submissions?limit=1", null, "Authorization", "Bearer " + ws.apiKey());
            assertEquals(200, listed.statusCode());
            String cursor = Http.json(listed).path("next_cursor").asText();
            secrets.add(cursor);
            assertEquals(400, Http.send("GET", "/v1/forms/" + formId + "/submissions?cursor=" + cursor + "x", null, "x-api-key", ws.apiKey()).statusCode());

            // The campaign runs, fails, and is logged; the double opt-in mail carries a link, which is a credential.
            await().atMost(Duration.ofSeconds(30)).until(() -> stack.services().deliveries
                    .find(ws.workspaceId(), campaignId, "evt_" + subId.substring(4)).map(d -> d.lastError() != null).orElse(false));
            var confirmation = ActionSubmitIT.awaitConfirmation(email);
            String link = ActionSubmitIT.confirmPath(confirmation);
            String token = link.substring(link.indexOf("token=") + 6);
            secrets.add(token);
            assertEquals(200, Http.send("GET", link, null).statusCode());
            assertEquals(400, Http.send("GET", ActionSubmitIT.tamper(link), null).statusCode());
            await().atMost(Duration.ofSeconds(30)).until(() -> stack.services().deliveries
                    .find(ws.workspaceId(), mailCampaignId, "evt_" + subId.substring(4)).map(d -> d.lastError() != null).orElse(false));
            await().atMost(Duration.ofSeconds(30)).until(() -> logs.text().contains(campaignId) && logs.text().contains(mailCampaignId));
            logText = logs.text();
        }
        assertTrue(logText.contains("campaign="), "the capture sees the functions' logs:\n" + logText);
        secrets.add(stack.services().config.signingSecret());
        for (String marker : markers) assertFalse(logText.contains(marker), "a submitted value (" + marker + ") in the logs:\n" + logText);
        for (String secret : secrets) assertFalse(logText.contains(secret), "a secret (" + secret + ") in the logs:\n" + logText);
        assertFalse(logText.contains(m), "no trace of the test's values in the logs:\n" + logText);
    }
}
