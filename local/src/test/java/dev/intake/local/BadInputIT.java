package dev.intake.local;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.intake.application.CreateWorkspace;
import dev.intake.domain.Form;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Bad input on every route of template.yaml, over real HTTP (SPEC section 6): malformed, truncated, empty and
 * non-object JSON, wrong and missing Content-Types, invalid UTF-8, control characters, deep nesting, too many
 * fields, values of the wrong type, oversized bodies and headers, odd ids and cursors, bad limits, unknown
 * routes and methods. Each case must answer its 4xx with a message that names the problem (JSON for JSON
 * callers, an escaped HTML page for browser form posts), and never leak internals. Afterwards nothing that
 * was rejected may be stored: every rejected body carries {@link #MARKER}, and every table is scanned for it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BadInputIT {
    /** In every rejected body, id or query: the stored-data scan looks for it. */
    static final String MARKER = "zqbad" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);

    /** What an answer must never contain: stack traces, exception and package names. */
    static final List<String> LEAKS = List.of("Exception", "at dev.", "java.", "com.fasterxml", "software.amazon");

    static final int KB = 1024;

    static CreateWorkspace.Secrets ws;
    static CreateWorkspace.Secrets other;
    static String otherFormId;
    static String campaignId;
    static String cursorFormId;
    static String cursor;
    static String foreignCursor;
    /** Forms that bad requests were aimed at: each must still have no submission at the end. */
    static final List<String> targetForms = Collections.synchronizedList(new ArrayList<>());

    @BeforeAll
    static void setUp() {
        ws = Fixtures.workspace();
        other = Fixtures.workspace();
        otherFormId = Fixtures.seedForm(other, false).path("id").asText();
        var campaign = Http.send("POST", "/api/workspaces/" + ws.workspaceId() + "/campaigns",
                "{\"name\":\"Bad input\",\"trigger\":{\"type\":\"form_submitted\"},\"actions\":[{\"type\":\"webhook\",\"url\":\"http://127.0.0.1:9/hook\"}]}",
                "x-api-key", ws.apiKey(), "Content-Type", "application/json");
        assertEquals(201, campaign.statusCode(), campaign.body());
        campaignId = Http.json(campaign).path("id").asText();
        cursorFormId = Fixtures.seedForm(ws, false).path("id").asText();
        cursor = firstCursor(ws, cursorFormId);
        foreignCursor = firstCursor(other, otherFormId);
    }

    /** Two submissions, then the next_cursor of a page of one. */
    private static String firstCursor(CreateWorkspace.Secrets w, String formId) {
        for (int i = 0; i < 2; i++) {
            var res = Http.send("POST", "/v1/forms/" + formId + "/submissions", "{\"data\":{\"email\":\"cursor" + i + "@example.com\"}}",
                    "x-api-key", w.apiKey(), "Content-Type", "application/json");
            assertEquals(201, res.statusCode(), res.body());
        }
        var page = Http.send("GET", "/v1/forms/" + formId + "/submissions?limit=1", null, "x-api-key", w.apiKey());
        assertEquals(200, page.statusCode(), page.body());
        String c = Http.json(page).path("next_cursor").asText(null);
        assertNotNull(c, page.body());
        return c;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Cases

    /** How a route authenticates: its headers are added to every case of the route. */
    enum Auth { NONE, API_KEY, SITE, WRITE_KEY }

    /** A JSON-body route. {@code kind} decides the limits and messages that apply. */
    record Route(String name, String method, String path, Auth auth, Kind kind) {}

    enum Kind { SUBMISSION, MANAGEMENT, TRACK, BATCH }

    /**
     * One bad request. {@code path} and header values may hold {@code {ws}}, {@code {form}} (a fresh form of the
     * workspace, created for the case), {@code {otherForm}}, {@code {campaign}}, {@code {cursorForm}},
     * {@code {cursor}}, {@code {foreignCursor}} and {@code {site}}. {@code expect} must occur (ignoring case) in
     * the error's code or message, or in the HTML page.
     */
    record Case(String name, String method, String path, Auth auth, List<String> headers, byte[] body, int status,
                String expect, boolean html) {
        @Override
        public String toString() { return name; }
    }

    static final List<Route> JSON_ROUTES = List.of(
            new Route("public submit", "POST", "/api/forms/{form}/submit", Auth.NONE, Kind.SUBMISSION),
            new Route("backend submit", "POST", "/api/v1/forms/{form}/submit", Auth.SITE, Kind.SUBMISSION),
            new Route("submissions create", "POST", "/v1/forms/{form}/submissions", Auth.API_KEY, Kind.SUBMISSION),
            new Route("forms create", "POST", "/api/workspaces/{ws}/forms", Auth.API_KEY, Kind.MANAGEMENT),
            new Route("forms patch", "PATCH", "/api/workspaces/{ws}/forms/{form}", Auth.API_KEY, Kind.MANAGEMENT),
            new Route("campaigns create", "POST", "/api/workspaces/{ws}/campaigns", Auth.API_KEY, Kind.MANAGEMENT),
            new Route("campaigns patch", "PATCH", "/api/workspaces/{ws}/campaigns/{campaign}", Auth.API_KEY, Kind.MANAGEMENT),
            new Route("identify", "POST", "/v1/identify", Auth.WRITE_KEY, Kind.TRACK),
            new Route("track", "POST", "/v1/track", Auth.WRITE_KEY, Kind.TRACK),
            new Route("page", "POST", "/v1/page", Auth.WRITE_KEY, Kind.TRACK),
            new Route("screen", "POST", "/v1/screen", Auth.WRITE_KEY, Kind.TRACK),
            new Route("group", "POST", "/v1/group", Auth.WRITE_KEY, Kind.TRACK),
            new Route("alias", "POST", "/v1/alias", Auth.WRITE_KEY, Kind.TRACK),
            new Route("batch", "POST", "/v1/batch", Auth.WRITE_KEY, Kind.BATCH),
            new Route("import", "POST", "/v1/import", Auth.WRITE_KEY, Kind.BATCH));

    static final String JSON = "application/json";

    static Stream<Case> cases() {
        List<Case> all = new ArrayList<>();
        for (Route r : JSON_ROUTES) all.addAll(jsonCases(r));
        all.addAll(routeSpecificCases());
        all.addAll(actionCases());
        all.addAll(consentCases());
        all.addAll(idCases());
        all.addAll(listingCases());
        all.addAll(routingCases());
        all.addAll(headerCases());
        return all.stream();
    }

    /** The generic cases every JSON-body route must refuse. */
    static List<Case> jsonCases(Route r) {
        List<Case> c = new ArrayList<>();
        boolean track = r.kind() == Kind.TRACK || r.kind() == Kind.BATCH;
        String obj = "{\"" + MARKER + "\":\"" + MARKER + "\"}";
        c.add(json(r, "truncated JSON", JSON, "{\"email\":\"" + MARKER + "@example.com\",", 400, "malformed json"));
        c.add(json(r, "malformed JSON", JSON, "{email: '" + MARKER + "'}", 400, "malformed json"));
        c.add(json(r, "not JSON at all", JSON, MARKER + " is not JSON", 400, "malformed json"));
        c.add(json(r, "trailing garbage", JSON, obj + " " + MARKER, 400, "malformed json"));
        c.add(json(r, "empty body", JSON, "", 400, "empty"));
        c.add(json(r, "blank body", JSON, "   \n", 400, "empty"));
        c.add(json(r, "JSON array", JSON, "[\"" + MARKER + "\"]", 400, "object"));
        c.add(json(r, "JSON string", JSON, "\"" + MARKER + "\"", 400, "object"));
        c.add(json(r, "JSON number", JSON, "42", 400, "object"));
        c.add(json(r, "JSON true", JSON, "true", 400, "object"));
        c.add(json(r, "JSON null", JSON, "null", 400, "object"));
        c.add(json(r, "duplicate key", JSON, "{\"" + MARKER + "\":\"a\",\"" + MARKER + "\":\"b\"}", 400, "twice"));
        c.add(bytes(r, "invalid UTF-8 bytes", JSON, concat("{\"email\":\"" + MARKER, new byte[] {(byte) 0xff, (byte) 0xfe, (byte) 0xc3}, "\"}"),
                400, "utf-8"));
        c.add(bytes(r, "overlong UTF-8 encoding", JSON, concat("{\"email\":\"" + MARKER, new byte[] {(byte) 0xc0, (byte) 0xaf}, "\"}"),
                400, "utf-8"));
        c.add(json(r, "NUL in a value", JSON, "{\"email\":\"" + MARKER + "\\u0000@example.com\"}", 400, "control character U+0000"));
        c.add(json(r, "escape character in a key", JSON, "{\"" + MARKER + "\\u001b[31m\":\"x\"}", 400, "control character U+001B"));
        c.add(json(r, "unpaired surrogate", JSON, "{\"email\":\"" + MARKER + "\\ud800\"}", 400, "surrogate"));
        c.add(bytes(r, "raw control character in a string", JSON, concat("{\"email\":\"" + MARKER, new byte[] {1}, "\"}"), 400, "malformed json"));
        c.add(json(r, "10,000 levels of arrays", JSON, "{\"" + MARKER + "\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}", 400, "nested"));
        c.add(json(r, "10,000 levels of objects", JSON, "{\"a\":".repeat(10_000) + "\"" + MARKER + "\"" + "}".repeat(10_000),
                track && r.kind() == Kind.TRACK ? 400 : 400, r.kind() == Kind.TRACK ? "32 kb" : "nested"));
        c.add(json(r, "no Content-Type, urlencoded body", null, "email=" + MARKER + "%40example.com&name=x", 400, "malformed json"));
        c.add(json(r, "XML as application/xml", "application/xml", "<email>" + MARKER + "</email>", 400,
                track ? "malformed json" : "content"));
        if (!track) {
            c.add(json(r, "JSON as text/plain", "text/plain", obj, 400, "content"));
            c.add(json(r, "JSON as multipart/form-data", "multipart/form-data; boundary=x", obj, 400,
                    r.kind() == Kind.SUBMISSION ? "content" : "content"));
            c.add(json(r, "JSON as text/html with a script", "text/html; x=<script>" + MARKER, obj, 400, "content"));
        }
        // Over the limits: 100 KB per body (a submission or a management call), 32 KB per tracking message, 500 KB per batch.
        switch (r.kind()) {
            case SUBMISSION, MANAGEMENT -> {
                c.add(json(r, "body over 100 KB", JSON, bigObject(150 * KB), 413, "limit is 102400"));
                c.add(bytes(r, "body of 10 MB", JSON, padded(10 * KB * KB), 413, "limit is 102400"));
            }
            case TRACK -> {
                c.add(json(r, "message over 32 KB", JSON, bigObject(40 * KB), 400, "32 kb"));
                c.add(bytes(r, "body of 10 MB", JSON, padded(10 * KB * KB), 400, "32 kb"));
            }
            case BATCH -> {
                c.add(json(r, "batch over 500 KB", JSON, bigObject(600 * KB), 400, "500 kb"));
                c.add(bytes(r, "body of 10 MB", JSON, padded(10 * KB * KB), 400, "500 kb"));
            }
        }
        c.add(bytes(r, "body over API Gateway's 10 MB", JSON, padded(10 * KB * KB + 1), 413, "10 mb"));
        c.add(bytes(r, "gzip that is not gzip", JSON, ("{\"x\":\"" + MARKER + "\"}").getBytes(StandardCharsets.UTF_8), 400,
                track ? "gzip" : "content-encoding", "Content-Encoding", "gzip"));
        return c;
    }

    /** Values that do not fit their type, too many fields, long strings: per route, since each has its own shape. */
    static List<Case> routeSpecificCases() {
        List<Case> c = new ArrayList<>();
        Route pub = JSON_ROUTES.get(0), backend = JSON_ROUTES.get(1), api = JSON_ROUTES.get(2);
        Route formsCreate = JSON_ROUTES.get(3), formsPatch = JSON_ROUTES.get(4);
        Route cmpCreate = JSON_ROUTES.get(5), cmpPatch = JSON_ROUTES.get(6);
        for (Route r : List.of(pub, backend, api)) {
            boolean wrapped = r != pub;
            java.util.function.UnaryOperator<String> data = s -> wrapped ? "{\"data\":" + s + "}" : s;
            c.add(json(r, "201 fields", JSON, data.apply(manyFields(201)), 400, "at most 200 fields"));
            c.add(json(r, "value over 10 KB", JSON, data.apply("{\"email\":\"a@example.com\",\"firstName\":\"" + MARKER + "x".repeat(10 * KB) + "\"}"),
                    413, "longer than 10240 bytes"));
            c.add(json(r, "object as a value", JSON, data.apply("{\"email\":{\"" + MARKER + "\":true}}"), 400, "must be a string, a number"));
            c.add(json(r, "list holding an object", JSON, data.apply("{\"email\":\"a@example.com\",\"firstName\":[\"" + MARKER + "\",{}]}"), 400,
                    "only hold strings"));
            c.add(json(r, "number over DynamoDB's range", JSON, data.apply("{\"email\":\"" + MARKER + "@example.com\",\"firstName\":1e999999}"),
                    400, "38 digits"));
            c.add(json(r, "number of 60 digits", JSON, data.apply("{\"email\":\"" + MARKER + "@example.com\",\"firstName\":" + "9".repeat(60) + "}"),
                    400, "38 digits"));
            c.add(json(r, "boolean as an email", JSON, data.apply("{\"email\":true,\"firstName\":\"" + MARKER + "\"}"), 400, "email"));
            c.add(json(r, "unknown field id", JSON, data.apply("{\"email\":\"" + MARKER + "@example.com\",\"fld_ZZZZZZZZ\":\"x\"}"), 400, "fld_ZZZZZZZZ"));
        }
        for (Route r : List.of(backend, api)) {
            c.add(json(r, "data is a string", JSON, "{\"data\":\"" + MARKER + "\"}", 400, "'data' must be an object"));
            c.add(json(r, "data is an array", JSON, "{\"data\":[\"" + MARKER + "\"]}", 400, "'data' must be an object"));
            c.add(json(r, "data is missing", JSON, "{\"" + MARKER + "\":{}}", 400, "'data'"));
        }
        for (Route r : List.of(formsCreate, formsPatch)) {
            c.add(json(r, "name is a number", JSON, "{\"name\":12,\"" + MARKER + "\":1}", 400, "'name' must be a string"));
            c.add(json(r, "name of 10 KB", JSON, "{\"name\":\"" + MARKER + "x".repeat(10 * KB) + "\"}", 400, "longer than 200"));
            c.add(json(r, "doubleOptIn is an object", JSON, "{\"name\":\"" + MARKER + "\",\"doubleOptIn\":{\"a\":true}}", 400, "true or false"));
            c.add(json(r, "fields is a string", JSON, "{\"name\":\"" + MARKER + "\",\"fields\":\"email\"}", 400, "'fields' must be an array"));
            c.add(json(r, "field is a number", JSON, "{\"name\":\"" + MARKER + "\",\"fields\":[1]}", 400, "must be an object"));
            c.add(json(r, "required is a string", JSON, "{\"name\":\"" + MARKER + "\",\"fields\":[{\"name\":\"a\",\"required\":\"yes\"}]}", 400,
                    "true or false"));
            c.add(json(r, "201 fields", JSON, "{\"name\":\"" + MARKER + "\",\"fields\":[" + String.join(",",
                    java.util.stream.IntStream.range(0, 201).mapToObj(i -> "{\"name\":\"f" + i + "\"}").toList()) + "]}", 400, "at most 200 fields"));
            c.add(json(r, "settings is an array", JSON, "{\"name\":\"" + MARKER + "\",\"settings\":[]}", 400, "'settings' must be an object"));
            c.add(json(r, "unknown setting", JSON, "{\"name\":\"" + MARKER + "\",\"settings\":{\"allowedOrigin\":[\"x\"]}}", 400, "allowedOrigin"));
        }
        for (Route r : List.of(cmpCreate, cmpPatch)) {
            c.add(json(r, "name is a number", JSON, "{\"name\":12}", 400, "'name' must be a string"));
            c.add(json(r, "unknown member", JSON, "{\"name\":\"x\",\"" + MARKER + "\":1}", 400, "unknown member"));
            c.add(json(r, "name of 10 KB", JSON, "{\"name\":\"" + MARKER + "x".repeat(10 * KB) + "\"}", 400, "longer than 200"));
            c.add(json(r, "trigger is a string", JSON, "{\"name\":\"" + MARKER + "\",\"trigger\":\"form_submitted\"}", 400, "'trigger'"));
            c.add(json(r, "actions is an object", JSON, "{\"name\":\"" + MARKER + "\",\"actions\":{}}", 400, "'actions'"));
            c.add(json(r, "enabled is a string", JSON, "{\"name\":\"" + MARKER + "\",\"enabled\":\"yes\"}", 400, "true or false"));
        }
        c.add(json(cmpCreate, "webhook url is a number", JSON, "{\"name\":\"" + MARKER + "\",\"trigger\":{\"type\":\"form_submitted\"},"
                + "\"actions\":[{\"type\":\"webhook\",\"url\":42}]}", 400, "url"));
        // Tracking calls
        Route identify = JSON_ROUTES.get(7), track = JSON_ROUTES.get(8), group = JSON_ROUTES.get(11), alias = JSON_ROUTES.get(12);
        Route batch = JSON_ROUTES.get(13);
        c.add(json(track, "userId is an object", JSON, "{\"userId\":{\"" + MARKER + "\":1},\"event\":\"e\"}", 400, "userId must be a string or a number"));
        c.add(json(track, "userId is a boolean", JSON, "{\"userId\":true,\"event\":\"" + MARKER + "\"}", 400, "userId must be a string or a number"));
        c.add(json(track, "userId is a huge number", JSON, "{\"userId\":1e999999,\"event\":\"" + MARKER + "\"}", 400, "userId"));
        c.add(json(track, "event is an object", JSON, "{\"userId\":\"" + MARKER + "\",\"event\":{\"a\":1}}", 400, "event must be a string"));
        c.add(json(track, "no event", JSON, "{\"userId\":\"" + MARKER + "\"}", 400, "track needs event"));
        c.add(json(track, "properties is a string", JSON, "{\"userId\":\"" + MARKER + "\",\"event\":\"e\",\"properties\":\"x\"}", 400,
                "properties must be an object"));
        c.add(json(track, "timestamp is not a date", JSON, "{\"userId\":\"u\",\"event\":\"e\",\"timestamp\":\"" + MARKER + "\"}", 400, "timestamp"));
        c.add(json(track, "property over DynamoDB's range", JSON, "{\"userId\":\"" + MARKER + "\",\"event\":\"e\",\"properties\":{\"n\":1e99999}}",
                400, "38 digits"));
        c.add(json(identify, "userId of 2 KB", JSON, "{\"userId\":\"" + MARKER + "x".repeat(2 * KB) + "\"}", 400, "longer than 1024 bytes"));
        c.add(json(identify, "neither userId nor anonymousId", JSON, "{\"traits\":{\"email\":\"" + MARKER + "@example.com\"}}", 400,
                "userId or anonymousId"));
        c.add(json(identify, "traits is an array", JSON, "{\"userId\":\"" + MARKER + "\",\"traits\":[1]}", 400, "traits must be an object"));
        c.add(json(group, "no groupId", JSON, "{\"userId\":\"" + MARKER + "\"}", 400, "groupId"));
        c.add(json(alias, "no previousId", JSON, "{\"userId\":\"" + MARKER + "\"}", 400, "previousId"));
        c.add(json(batch, "batch is a string", JSON, "{\"batch\":\"" + MARKER + "\"}", 400, "'batch'"));
        c.add(json(batch, "batch holds a number", JSON, "{\"batch\":[1],\"context\":{\"m\":\"" + MARKER + "\"}}", 400, "batch[0] is not an object"));
        c.add(json(batch, "2,501 messages", JSON, "{\"batch\":[" + String.join(",", Collections.nCopies(2501,
                "{\"type\":\"track\",\"userId\":\"" + MARKER + "\",\"event\":\"e\"}")) + "]}", 400, "2500"));
        c.add(json(batch, "one bad message among good ones", JSON, "{\"batch\":[{\"type\":\"track\",\"userId\":\"" + MARKER
                + "\",\"event\":\"e\"},{\"type\":\"track\",\"userId\":\"" + MARKER + "\"}]}", 400, "batch[1]"));
        c.add(json(batch, "unknown message type", JSON, "{\"batch\":[{\"type\":\"" + MARKER + "\",\"userId\":\"u\"}]}", 400, "type"));
        return c;
    }

    /** The action URL: an HTML form post, answered with escaped HTML pages. */
    static List<Case> actionCases() {
        String action = "/forms/submit_action?site_id={site}&form_id={form}&success_url=https%3A%2F%2Fexample.com%2Fthanks";
        String form = "application/x-www-form-urlencoded";
        List<Case> c = new ArrayList<>();
        c.add(html("action: empty body", action, form, "", 400, "empty"));
        c.add(html("action: JSON body", action, JSON, "{\"email\":\"" + MARKER + "@example.com\"}", 400, "not &#39;application/json&#39;"));
        c.add(html("action: Content-Type with a script", action, "text/<script>alert('" + MARKER + "')</script>", "email=a%40example.com", 400,
                "&lt;script&gt;alert(&#39;" + MARKER));
        c.add(html("action: no Content-Type, JSON body", action, null, "{\"" + MARKER + "\":\"\"}", 400, "missing required"));
        c.add(htmlBytes("action: invalid UTF-8 bytes", action, form, concat("email=" + MARKER, new byte[] {(byte) 0xff, (byte) 0xfe}, ""), 400, "utf-8"));
        c.add(html("action: percent-encoded invalid UTF-8", action, form, "email=" + MARKER + "%FF%FE", 400, "utf-8"));
        c.add(html("action: bad percent escape", action, form, "email=" + MARKER + "%ZZ", 400, "urlencoded"));
        c.add(html("action: NUL in a value", action, form, "email=" + MARKER + "%00%40example.com", 400, "control character U+0000"));
        c.add(html("action: control character in a name", action, form, MARKER + "%07=x", 400, "control character U+0007"));
        c.add(html("action: 201 fields", action, form, urlencodedFields(201), 400, "at most 200 fields"));
        c.add(html("action: value over 10 KB", action, form, "email=a%40example.com&note=" + MARKER + "x".repeat(10 * KB), 413,
                "longer than 10240 bytes"));
        c.add(html("action: body over 100 KB", action, form, "email=a%40example.com&note=" + MARKER + "x".repeat(150 * KB), 413, "limit is 102400"));
        c.add(htmlBytes("action: body of 10 MB", action, form, padded(10 * KB * KB), 413, "limit is 102400"));
        c.add(new Case("action: body over API Gateway's 10 MB", "POST", action, Auth.NONE, List.of("Content-Type", form),
                padded(10 * KB * KB + 1), 413, "10 mb", false));
        c.add(html("action: multipart without a boundary", action, "multipart/form-data", "email=" + MARKER, 400, "boundary"));
        c.add(html("action: multipart that is not", action, "multipart/form-data; boundary=zz", "email=" + MARKER, 400, "boundary"));
        c.add(html("action: multipart with a file", action, "multipart/form-data; boundary=zz",
                "--zz\r\nContent-Disposition: form-data; name=\"f\"; filename=\"" + MARKER + ".txt\"\r\nContent-Type: text/plain\r\n\r\nhello\r\n--zz--\r\n",
                400, "file"));
        c.add(html("action: multipart NUL in a value", action, "multipart/form-data; boundary=zz",
                "--zz\r\nContent-Disposition: form-data; name=\"email\"\r\n\r\n" + MARKER + "\u0000\r\n--zz--\r\n", 400, "control character"));
        c.add(html("action: no site_id", "/forms/submit_action?form_id=" + MARKER, form, "email=a%40example.com", 4, "site", true));
        c.add(html("action: unknown site with a script", "/forms/submit_action?site_id=%3Cscript%3E" + MARKER + "&form_id=x", form,
                "email=a%40example.com", 404, "site not found"));
        c.add(html("action: form_id with path traversal", "/forms/submit_action?site_id={site}&form_id=..%2F..%2F" + MARKER, form,
                "email=a%40example.com", 400, "form_id"));
        c.add(html("action: form_id %2e%2e%2f", "/forms/submit_action?site_id={site}&form_id=%2e%2e%2f" + MARKER, form,
                "email=a%40example.com", 400, "form_id"));
        c.add(html("action: form_id with a script", "/forms/submit_action?site_id={site}&form_id=%3Cscript%3E" + MARKER, form,
                "email=a%40example.com", 400, "form_id"));
        c.add(html("action: form_id of 5 KB", "/forms/submit_action?site_id={site}&form_id=" + MARKER + "x".repeat(5 * KB), form,
                "email=a%40example.com", 400, "form_id"));
        c.add(html("action: form_id in unicode", "/forms/submit_action?site_id={site}&form_id=%F0%9F%98%80" + MARKER, form,
                "email=a%40example.com", 400, "form_id"));
        c.add(html("action: form_id with NUL", "/forms/submit_action?site_id={site}&form_id=" + MARKER + "%00", form,
                "email=a%40example.com", 400, "form_id"));
        c.add(html("action: invalid email with a script", action, form, "email=%3Cscript%3E" + MARKER, 400, "not a valid email"));
        c.add(new Case("action: wrong method", "GET", action, Auth.NONE, List.of(), null, 405, "no route for get", false));
        return c;
    }

    static List<Case> consentCases() {
        List<Case> c = new ArrayList<>();
        c.add(html("confirm: no token", "GET", "/api/consent/confirm", null, null, 400, "link"));
        c.add(html("confirm: empty token", "GET", "/api/consent/confirm?token=", null, null, 400, "link"));
        c.add(html("confirm: garbage token", "GET", "/api/consent/confirm?token=" + MARKER, null, null, 400, "link"));
        c.add(html("confirm: token with a script", "GET", "/api/consent/confirm?token=%3Cscript%3E" + MARKER, null, null, 400, "link"));
        c.add(html("confirm: token of 5 KB", "GET", "/api/consent/confirm?token=" + MARKER + "A".repeat(5 * KB), null, null, 400, "link"));
        c.add(html("confirm: tampered base64 token", "GET", "/api/consent/confirm?token="
                + Base64.getUrlEncoder().withoutPadding().encodeToString((MARKER + ".ws_x.per_x.frm_x.99999999999").getBytes(StandardCharsets.UTF_8))
                + ".AAAA", null, null, 400, "link"));
        c.add(html("confirm: invalid UTF-8 token", "GET", "/api/consent/confirm?token=%FF%FE" + MARKER, null, null, 400, "link"));
        return c;
    }

    /** Bad, odd and overlong ids in paths, on every route with ids. */
    static List<Case> idCases() {
        Map<String, String> ids = new LinkedHashMap<>();
        ids.put("encoded path traversal", "..%2F..%2F" + MARKER);
        ids.put("percent-encoded dots", "%2e%2e%2f" + MARKER);
        ids.put("double-encoded traversal", "%252e%252e%252f" + MARKER);
        ids.put("unicode", "%F0%9F%98%80" + MARKER + "%E2%80%AE");
        ids.put("invalid UTF-8", "%FF%FE" + MARKER);
        ids.put("NUL", MARKER + "%00");
        ids.put("script", "%3Cscript%3E" + MARKER);
        ids.put("2 KB", MARKER + "x".repeat(2 * KB));
        ids.put("prefix only", "frm_");
        ids.put("quote and backslash", MARKER + "%22%5C");
        List<Case> c = new ArrayList<>();
        for (var e : ids.entrySet()) {
            String id = e.getValue(), n = " id: " + e.getKey();
            c.add(api("forms get" + n, "GET", "/api/workspaces/{ws}/forms/" + id, null, 404, "not found"));
            c.add(api("forms patch" + n, "PATCH", "/api/workspaces/{ws}/forms/" + id, "{\"name\":\"" + MARKER + "\"}", 404, "not found"));
            c.add(api("forms delete" + n, "DELETE", "/api/workspaces/{ws}/forms/" + id, null, 404, "not found"));
            c.add(api("forms list workspace" + n, "GET", "/api/workspaces/" + id + "/forms", null, 404, "not found"));
            c.add(api("submissions list form" + n, "GET", "/v1/forms/" + id + "/submissions", null, 404, "not found"));
            c.add(api("submissions create form" + n, "POST", "/v1/forms/" + id + "/submissions",
                    "{\"data\":{\"email\":\"" + MARKER + "@example.com\"}}", 404, "not found"));
            c.add(api("submission get" + n, "GET", "/v1/forms/{cursorForm}/submissions/" + id, null, 404, "not found"));
            c.add(api("submission delete" + n, "DELETE", "/v1/forms/{cursorForm}/submissions/" + id, null, 404, "not found"));
            c.add(api("person delete" + n, "DELETE", "/api/workspaces/{ws}/people/" + id, null, 404, "not found"));
            c.add(api("campaign get" + n, "GET", "/api/workspaces/{ws}/campaigns/" + id, null, 404, "not found"));
            c.add(api("campaign patch" + n, "PATCH", "/api/workspaces/{ws}/campaigns/" + id, "{\"name\":\"" + MARKER + "\"}", 404, "not found"));
            c.add(api("campaign delete" + n, "DELETE", "/api/workspaces/{ws}/campaigns/" + id, null, 404, "not found"));
            c.add(api("deliveries" + n, "GET", "/api/workspaces/{ws}/campaigns/" + id + "/deliveries", null, 404, "not found"));
            c.add(api("delivery retry" + n, "POST", "/api/workspaces/{ws}/campaigns/{campaign}/deliveries/" + id + "/retry", null, 404, "not found"));
            c.add(new Case("public submit" + n, "POST", "/api/forms/" + id + "/submit", Auth.NONE, List.of("Content-Type", JSON),
                    utf8("{\"email\":\"" + MARKER + "@example.com\"}"), 404, "not found", false));
            // A caller's id that is not one (400), or one no form has: too long, or a generated id of no form (404).
            boolean none = e.getKey().equals("2 KB") || e.getKey().equals("prefix only");
            c.add(new Case("backend submit" + n, "POST", "/api/v1/forms/" + id + "/submit", Auth.SITE, List.of("Content-Type", JSON),
                    utf8("{\"data\":{\"email\":\"" + MARKER + "@example.com\"}}"), none ? 404 : 400, none ? "not found" : "form_id", false));
        }
        c.add(api("forms get: 10 KB id (API Gateway's URL limit)", "GET", "/api/workspaces/{ws}/forms/" + MARKER + "x".repeat(10 * KB), null, 414,
                "url"));
        c.add(api("forms get: another workspace's form", "GET", "/api/workspaces/{ws}/forms/{otherForm}", null, 404, "not found"));
        c.add(api("forms delete: another workspace's form", "DELETE", "/api/workspaces/{ws}/forms/{otherForm}", null, 404, "not found"));
        c.add(api("submissions create: another workspace's form", "POST", "/v1/forms/{otherForm}/submissions",
                "{\"data\":{\"email\":\"" + MARKER + "@example.com\"}}", 404, "not found"));
        c.add(api("forms list: another workspace", "GET", "/api/workspaces/" + "{otherWs}" + "/forms", null, 404, "not found"));
        c.add(api("people: both email and id", "GET", "/api/workspaces/{ws}/people?email=" + MARKER + "%40example.com&id=" + MARKER, null, 400,
                "email"));
        c.add(api("people: neither email nor id", "GET", "/api/workspaces/{ws}/people?" + MARKER + "=1", null, 400, "email"));
        c.add(api("people: id of 2 KB", "GET", "/api/workspaces/{ws}/people?id=" + MARKER + "x".repeat(2 * KB), null, 404, "not found"));
        c.add(api("people: email of 2 KB", "GET", "/api/workspaces/{ws}/people?email=" + MARKER + "x".repeat(2 * KB), null, 404, "not found"));
        c.add(api("people: id with NUL", "GET", "/api/workspaces/{ws}/people?id=" + MARKER + "%00", null, 404, "not found"));
        return c;
    }

    /** limit, page, cursors and dates of the listings. */
    static List<Case> listingCases() {
        List<Case> c = new ArrayList<>();
        Map<String, String> listings = Map.of(
                "forms list", "/api/workspaces/{ws}/forms",
                "submissions list", "/v1/forms/{cursorForm}/submissions",
                "deliveries", "/api/workspaces/{ws}/campaigns/{campaign}/deliveries");
        for (var l : new java.util.TreeMap<>(listings).entrySet()) {
            for (String limit : List.of("-1", "0", "101", "2147483648", "99999999999999999999", "abc", "1.5", "", "1e2", "%00", "%EF%BC%91", MARKER)) {
                c.add(api(l.getKey() + ": limit=" + limit, "GET", l.getValue() + "?limit=" + limit, null, 400, "limit"));
            }
        }
        for (String page : List.of("-1", "0", "abc", "99999999999999999999")) {
            c.add(api("forms list: page=" + page, "GET", "/api/workspaces/{ws}/forms?page=" + page, null, 400, "page"));
        }
        String sub = "/v1/forms/{cursorForm}/submissions?cursor=";
        String dlv = "/api/workspaces/{ws}/campaigns/{campaign}/deliveries?cursor=";
        for (String base : List.of(sub, dlv)) {
            String n = base == sub ? "submissions list" : "deliveries";
            c.add(api(n + ": garbage cursor", "GET", base + MARKER, null, 400, "cursor"));
            c.add(api(n + ": cursor of 3 KB", "GET", base + MARKER + "A".repeat(3 * KB), null, 400, "cursor"));
            c.add(api(n + ": cursor with NUL", "GET", base + MARKER + "%00", null, 400, "cursor"));
            c.add(api(n + ": cursor of base64 JSON", "GET", base + "cur_" + Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(("{\"id\":\"sub_" + MARKER + "\",\"form\":\"x\"}").getBytes(StandardCharsets.UTF_8)), null, 400, "cursor"));
            c.add(api(n + ": cursor with path traversal", "GET", base + "..%2F..%2F" + MARKER, null, 400, "cursor"));
        }
        c.add(api("submissions list: tampered cursor", "GET", sub + "{tamperedCursor}", null, 400, "cursor"));
        c.add(api("submissions list: truncated cursor", "GET", sub + "{truncatedCursor}", null, 400, "cursor"));
        c.add(api("submissions list: another workspace's cursor", "GET", sub + "{foreignCursor}", null, 400, "cursor"));
        c.add(api("submissions list: cursor under another filter", "GET", sub + "{cursor}&created_after=2020-01-01T00:00:00Z", null, 400, "cursor"));
        c.add(api("deliveries: a submissions cursor", "GET", dlv + "{cursor}", null, 400, "cursor"));
        for (String date : List.of(MARKER, "2025-13-01", "2025-01-01T00:00:00", "%00", "99999-01-01T00:00:00Z")) {
            c.add(api("submissions list: created_after=" + date, "GET", "/v1/forms/{cursorForm}/submissions?created_after=" + date, null, 400,
                    "created_after"));
            c.add(api("submissions list: created_before=" + date, "GET", "/v1/forms/{cursorForm}/submissions?created_before=" + date, null, 400,
                    "created_before"));
        }
        return c;
    }

    /** Unknown routes and unsupported methods. */
    static List<Case> routingCases() {
        List<Case> c = new ArrayList<>();
        for (String path : List.of("/" + MARKER, "/api", "/api/workspaces", "/v1/" + MARKER, "/api/workspaces/{ws}/" + MARKER,
                "/api/workspaces/{ws}/forms/{cursorForm}/" + MARKER, "/..%2F..%2Fetc%2Fpasswd", "/api/workspaces/{ws}/forms/../../../" + MARKER,
                "/v1/forms//submissions", "/api/forms//submit")) {
            c.add(api("unknown route GET " + path, "GET", path, null, 404, "no route"));
            c.add(api("unknown route POST " + path, "POST", path, "{\"x\":\"" + MARKER + "\"}", 404, "no route"));
        }
        List<String[]> methods = List.of(
                new String[] {"PUT", "/api/workspaces/{ws}/forms"}, new String[] {"DELETE", "/api/workspaces/{ws}/forms"},
                new String[] {"POST", "/api/workspaces/{ws}/forms/{cursorForm}"}, new String[] {"PUT", "/api/workspaces/{ws}/forms/{cursorForm}"},
                new String[] {"PUT", "/v1/forms/{cursorForm}/submissions"}, new String[] {"POST", "/v1/forms/{cursorForm}/submissions/sub_x"},
                new String[] {"POST", "/api/workspaces/{ws}/people"}, new String[] {"GET", "/api/workspaces/{ws}/people/per_x"},
                new String[] {"PUT", "/api/workspaces/{ws}/campaigns"}, new String[] {"POST", "/api/workspaces/{ws}/campaigns/{campaign}"},
                new String[] {"DELETE", "/api/workspaces/{ws}/campaigns/{campaign}/deliveries"},
                new String[] {"GET", "/api/workspaces/{ws}/campaigns/{campaign}/deliveries/dlv_x/retry"},
                new String[] {"GET", "/v1/track"}, new String[] {"PUT", "/v1/identify"}, new String[] {"GET", "/v1/batch"},
                new String[] {"GET", "/api/forms/{cursorForm}/submit"}, new String[] {"DELETE", "/api/forms/{cursorForm}/submit"},
                new String[] {"GET", "/api/v1/forms/x/submit"}, new String[] {"PUT", "/forms/submit_action"},
                new String[] {"POST", "/forms/thank_you"}, new String[] {"POST", "/api/consent/confirm"},
                new String[] {"TRACE", "/api/workspaces/{ws}/forms"}, new String[] {"FOO", "/v1/track"},
                new String[] {"OPTIONS", "/api/workspaces/{ws}/forms"});
        for (String[] m : methods) c.add(api("method " + m[0] + " " + m[1], m[0], m[1], null, 405, "no route for " + m[0].toLowerCase(Locale.ROOT)));
        return c;
    }

    /** Oversized headers: API Gateway refuses over 10,240 bytes of request line and headers before any function runs. */
    static List<Case> headerCases() {
        List<Case> c = new ArrayList<>();
        String big = MARKER + "h".repeat(64 * KB);
        c.add(new Case("64 KB header on a management route", "GET", "/api/workspaces/{ws}/forms", Auth.API_KEY, List.of("X-Big", big), null, 431,
                "headers", false));
        c.add(new Case("64 KB header on the public submit", "POST", "/api/forms/{form}/submit", Auth.NONE, List.of("Content-Type", JSON, "X-Big", big),
                utf8("{\"email\":\"" + MARKER + "@example.com\"}"), 431, "headers", false));
        c.add(new Case("64 KB header on the action URL", "POST", "/forms/submit_action?site_id={site}&form_id={form}", Auth.NONE,
                List.of("Content-Type", "application/x-www-form-urlencoded", "X-Big", big), utf8("email=" + MARKER + "%40example.com"), 431, "headers", false));
        c.add(new Case("64 KB header on a tracking call", "POST", "/v1/track", Auth.WRITE_KEY, List.of("Content-Type", JSON, "X-Big", big),
                utf8("{\"userId\":\"" + MARKER + "\",\"event\":\"e\"}"), 431, "headers", false));
        c.add(new Case("64 KB API key", "GET", "/api/workspaces/{ws}/forms", Auth.NONE, List.of("x-api-key", "sk_" + big), null, 431, "headers", false));
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 100; i++) many.addAll(List.of("X-H" + i, MARKER + "v".repeat(150)));
        c.add(new Case("100 headers of 160 bytes", "GET", "/api/workspaces/{ws}/forms", Auth.API_KEY, many, null, 431, "headers", false));
        c.add(new Case("12 KB Idempotency-Key", "POST", "/api/forms/{form}/submit", Auth.NONE,
                List.of("Content-Type", JSON, "Idempotency-Key", MARKER + "k".repeat(12 * KB)), utf8("{\"email\":\"" + MARKER + "@example.com\"}"),
                431, "headers", false));
        c.add(new Case("Idempotency-Key of 300 characters", "POST", "/api/forms/{form}/submit", Auth.NONE,
                List.of("Content-Type", JSON, "Idempotency-Key", MARKER + "k".repeat(300)), utf8("{\"email\":\"" + MARKER + "@example.com\"}"),
                400, "idempotency-key", false));
        c.add(new Case("Basic header that is not base64", "POST", "/v1/track", Auth.NONE, List.of("Authorization", "Basic %%%" + MARKER),
                utf8("{\"userId\":\"" + MARKER + "\",\"event\":\"e\"}"), 401, "write key", false));
        c.add(new Case("Bearer key of 5 KB", "GET", "/api/workspaces/{ws}/forms", Auth.NONE, List.of("Authorization", "Bearer sk_" + MARKER + "k".repeat(5 * KB)),
                null, 401, "api key", false));
        c.add(new Case("Basic site credentials of 5 KB", "POST", "/api/v1/forms/{form}/submit", Auth.NONE,
                List.of("Authorization", "Basic " + Base64.getEncoder().encodeToString((MARKER + ":" + "p".repeat(3 * KB)).getBytes(StandardCharsets.UTF_8)),
                        "Content-Type", JSON), utf8("{\"data\":{\"email\":\"" + MARKER + "@example.com\"}}"), 401, "", false));
        return c;
    }

    // ---------------------------------------------------------------------------------------------------------
    // The test

    @Order(1)
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void badInput_isRefusedWith4xxThatNamesTheProblem(Case c) {
        HttpResponse<String> res = send(c);
        String body = res.body() == null ? "" : res.body();
        String where = c.name() + " -> " + res.statusCode() + " " + abbreviate(body);
        assertTrue(res.statusCode() >= 400 && res.statusCode() < 500, "not a 4xx: " + where);
        if (c.status() >= 100) assertEquals(c.status(), res.statusCode(), where);
        for (String leak : LEAKS) assertFalse(body.contains(leak), "leaks '" + leak + "': " + where);
        String type = res.headers().firstValue("Content-Type").orElse("");
        if (c.html()) {
            assertTrue(type.startsWith("text/html"), "not an HTML page: " + type + " " + where);
            assertTrue(body.startsWith("<!doctype html>"), where);
            assertFalse(body.toLowerCase(Locale.ROOT).contains("<script"), "reflects markup unescaped: " + where);
            assertTrue(body.toLowerCase(Locale.ROOT).contains(c.expect().toLowerCase(Locale.ROOT)), "does not say '" + c.expect() + "': " + where);
        } else if (!c.method().equals("HEAD")) {
            assertTrue(type.startsWith("application/json"), "not JSON: " + type + " " + where);
            JsonNode error = Http.json(res).path("error");
            String code = error.path("code").asText(""), message = error.path("message").asText("");
            assertFalse(code.isBlank(), "no error code: " + where);
            assertFalse(message.isBlank(), "no error message: " + where);
            assertTrue((code + " " + message).toLowerCase(Locale.ROOT).contains(c.expect().toLowerCase(Locale.ROOT)),
                    "does not say '" + c.expect() + "': " + where);
        }
    }

    @Order(2)
    @Test
    void thankYouPage_withOddQuery_neverReflectsIt() {
        var res = Http.send("GET", "/forms/thank_you?site_id=%3Cscript%3E" + MARKER + "&form_id=%FF%00%3Cb%3E", null);
        assertEquals(200, res.statusCode(), res.body());
        assertFalse(res.body().contains(MARKER), res.body());
        assertFalse(res.body().toLowerCase(Locale.ROOT).contains("<script"), res.body());
    }

    @Order(3)
    @Test
    void preflight_withOddIds_answers204() {
        for (String id : List.of("..%2F..%2F" + MARKER, "%FF%00", MARKER + "x".repeat(2 * KB))) {
            var res = Http.send("OPTIONS", "/api/forms/" + id + "/submit", null, "Origin", "https://example.com",
                    "Access-Control-Request-Method", "POST");
            assertEquals(204, res.statusCode(), res.body());
        }
    }

    /** After every case: the forms they aimed at have no submissions, and no table holds the marker. */
    @Order(4)
    @Test
    void afterwards_nothingFromTheRejectedRequestsWasStored() {
        assertFalse(targetForms.isEmpty(), "the cases ran first");
        for (String formId : List.copyOf(targetForms)) {
            assertEquals(0, Fixtures.submissionCount(ws, formId), formId);
            assertEquals(List.of(), Fixtures.storedSubmissionIds(Form.key(ws.workspaceId(), formId)), formId);
            var list = Http.send("GET", "/v1/forms/" + formId + "/submissions", null, "x-api-key", ws.apiKey());
            assertEquals(200, list.statusCode(), list.body());
            assertEquals(0, Http.json(list).path("data").size(), list.body());
        }
        var db = TestStack.get().dynamo();
        List<String> found = new ArrayList<>();
        int items = 0;
        for (String table : db.listTablesPaginator().tableNames()) {
            for (var page : db.scanPaginator(r -> r.tableName(table))) {
                for (var item : page.items()) {
                    items++;
                    if (contains(AttributeValue.fromM(item), MARKER)) found.add(table + ": " + abbreviate(item.toString()));
                }
            }
        }
        assertTrue(items > 0, "the scan read nothing");
        assertEquals(List.of(), found, "rejected input was stored");
    }

    // ---------------------------------------------------------------------------------------------------------
    // Helpers

    private static HttpResponse<String> send(Case c) {
        String form = null;
        if (c.path().contains("{form}")) {
            form = Fixtures.seedForm(ws, false).path("id").asText();
            targetForms.add(form);
        }
        String path = fill(c.path(), form);
        List<String> headers = new ArrayList<>();
        switch (c.auth()) {
            case API_KEY -> headers.addAll(List.of("x-api-key", ws.apiKey()));
            case SITE -> headers.addAll(List.of("Authorization", basic(ws.siteId(), ws.trackKey())));
            case WRITE_KEY -> headers.addAll(List.of("Authorization", basic(ws.writeKey(), "")));
            case NONE -> { }
        }
        for (int i = 0; i < c.headers().size(); i += 2) {
            headers.add(c.headers().get(i));
            headers.add(fill(c.headers().get(i + 1), form));
        }
        return Http.sendBytes(c.method(), path, c.body(), headers.toArray(String[]::new));
    }

    private static String fill(String s, String form) {
        String tampered = cursor.substring(0, cursor.length() - 3) + (cursor.charAt(cursor.length() - 3) == 'A' ? 'B' : 'A') + cursor.substring(cursor.length() - 2);
        return s.replace("{ws}", ws.workspaceId()).replace("{otherWs}", other.workspaceId()).replace("{site}", ws.siteId())
                .replace("{form}", form == null ? "" : form).replace("{otherForm}", otherFormId).replace("{campaign}", campaignId)
                .replace("{cursorForm}", cursorFormId).replace("{cursor}", cursor).replace("{foreignCursor}", foreignCursor)
                .replace("{tamperedCursor}", tampered).replace("{truncatedCursor}", cursor.substring(0, cursor.length() / 2));
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static Case json(Route r, String what, String contentType, String body, int status, String expect) {
        return bytes(r, what, contentType, utf8(body), status, expect);
    }

    private static Case bytes(Route r, String what, String contentType, byte[] body, int status, String expect, String... extra) {
        List<String> headers = new ArrayList<>();
        if (contentType != null) headers.addAll(List.of("Content-Type", contentType));
        headers.addAll(List.of(extra));
        return new Case(r.name() + ": " + what, r.method(), r.path(), r.auth(), headers, body, status, expect, false);
    }

    private static Case html(String name, String path, String contentType, String body, int status, String expect) {
        return htmlBytes(name, path, contentType, utf8(body), status, expect);
    }

    private static Case html(String name, String path, String contentType, String body, int status, String expect, boolean any4xx) {
        Case c = html(name, path, contentType, body, status, expect);
        return any4xx ? new Case(c.name(), c.method(), c.path(), c.auth(), c.headers(), c.body(), 0, c.expect(), true) : c;
    }

    private static Case html(String name, String method, String path, String contentType, String body, int status, String expect) {
        Case c = html(name, path, contentType, body == null ? "" : body, status, expect);
        return new Case(c.name(), method, c.path(), c.auth(), c.headers(), body == null ? null : c.body(), status, expect, true);
    }

    private static Case htmlBytes(String name, String path, String contentType, byte[] body, int status, String expect) {
        List<String> headers = contentType == null ? List.of() : List.of("Content-Type", contentType);
        return new Case(name, "POST", path, Auth.NONE, headers, body, status, expect, true);
    }

    private static Case api(String name, String method, String path, String body, int status, String expect) {
        List<String> headers = body == null ? List.of() : List.of("Content-Type", JSON);
        return new Case(name, method, path, Auth.API_KEY, headers, body == null ? null : utf8(body), status, expect, false);
    }

    private static byte[] utf8(String s) { return s.getBytes(StandardCharsets.UTF_8); }

    private static byte[] concat(String head, byte[] middle, String tail) {
        byte[] h = utf8(head), t = utf8(tail);
        byte[] out = new byte[h.length + middle.length + t.length];
        System.arraycopy(h, 0, out, 0, h.length);
        System.arraycopy(middle, 0, out, h.length, middle.length);
        System.arraycopy(t, 0, out, h.length + middle.length, t.length);
        return out;
    }

    /** A JSON object of about {@code bytes} bytes, made of fields of 1 KB. */
    private static String bigObject(int bytes) {
        StringBuilder b = new StringBuilder("{\"email\":\"" + MARKER + "@example.com\"");
        for (int i = 0; b.length() < bytes; i++) b.append(",\"f").append(i).append("\":\"").append(MARKER).append("x".repeat(KB)).append('"');
        return b.append('}').toString();
    }

    /** Exactly {@code bytes} bytes: a JSON object with one long string. */
    private static byte[] padded(int bytes) {
        String head = "{\"" + MARKER + "\":\"", tail = "\"}";
        byte[] out = new byte[bytes];
        java.util.Arrays.fill(out, (byte) 'x');
        System.arraycopy(utf8(head), 0, out, 0, head.length());
        System.arraycopy(utf8(tail), 0, out, bytes - tail.length(), tail.length());
        return out;
    }

    private static String manyFields(int n) {
        StringBuilder b = new StringBuilder("{\"email\":\"" + MARKER + "@example.com\"");
        for (int i = 1; i < n; i++) b.append(",\"f").append(i).append("\":\"v\"");
        return b.append('}').toString();
    }

    private static String urlencodedFields(int n) {
        StringBuilder b = new StringBuilder("email=" + MARKER + "%40example.com");
        for (int i = 1; i < n; i++) b.append("&f").append(i).append("=v");
        return b.toString();
    }

    private static boolean contains(AttributeValue v, String needle) {
        if (v == null) return false;
        if (v.s() != null && v.s().contains(needle)) return true;
        if (v.n() != null && v.n().contains(needle)) return true;
        if (v.b() != null && new String(v.b().asByteArray(), StandardCharsets.ISO_8859_1).contains(needle)) return true;
        if (v.hasSs() && v.ss().stream().anyMatch(s -> s.contains(needle))) return true;
        if (v.hasL() && v.l().stream().anyMatch(x -> contains(x, needle))) return true;
        if (v.hasM() && v.m().entrySet().stream().anyMatch(e -> e.getKey().contains(needle) || contains(e.getValue(), needle))) return true;
        return false;
    }

    private static String abbreviate(String s) {
        return s.length() <= 400 ? s : s.substring(0, 400) + "… (" + s.length() + " chars)";
    }

    static String enc(String s) { return URLEncoder.encode(s, StandardCharsets.UTF_8); }
}
