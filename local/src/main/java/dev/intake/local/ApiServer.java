package dev.intake.local;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * API Gateway on loopback: matches each request against the template's routes, turns it into the REST
 * API (payload 1.0) event the deployed stack would send, with the caller's address as
 * {@code requestContext.identity.sourceIp}, runs the route's authorizer and API-key check ({@link RouteGuard}),
 * and calls the function's handler in this JVM.
 */
final class ApiServer implements AutoCloseable {
    /** API Gateway's own limit on a request body. */
    static final int MAX_BODY_BYTES = 10 * 1024 * 1024;
    /** API Gateway's limit on the URL of a regional REST API, in characters. */
    static final int MAX_URL_CHARS = 10240;
    /** API Gateway's limit on the request line and the header values together, in bytes. */
    static final int MAX_HEAD_BYTES = 10240;

    /** A route, its function, what guards it ({@code guard} is null for an open route), and its API. */
    record Binding(Template.Route route, Function<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> handler, RouteGuard guard,
                   Template.Api api) {}

    private final HttpServer server;
    private final ExecutorService pool;
    private volatile List<Binding> bindings = List.of();
    private volatile Map<String, java.util.function.Supplier<byte[]>> staticPages = Map.of();

    /** Binds the port now, so that its number is known (for links) before the routes are ready. */
    ApiServer(int port) throws IOException {
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 256);
        this.pool = Executors.newFixedThreadPool(32);
        server.setExecutor(pool);
        server.createContext("/", this::serve);
    }

    /** {@code pages} are GET-only pages outside the template's routes, rendered on each request. */
    void start(List<Binding> routes, Map<String, java.util.function.Supplier<byte[]>> pages) {
        this.bindings = List.copyOf(routes);
        this.staticPages = Map.copyOf(pages);
        server.start();
    }

    int port() { return server.getAddress().getPort(); }

    private void serve(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getRawPath();
            String method = ex.getRequestMethod().toUpperCase();
            String tooLarge = overGatewayLimits(ex);
            if (tooLarge != null) {
                int status = tooLarge.startsWith("The URL") ? 414 : 431;
                write(ex, status, Map.of("Content-Type", "application/json"), ("{\"error\":{\"code\":\""
                        + (status == 414 ? "uri_too_long" : "headers_too_large") + "\",\"message\":\"" + tooLarge + "\"}}")
                        .getBytes(StandardCharsets.UTF_8));
                return;
            }
            var pageSource = staticPages.get(path);
            if (pageSource != null && method.equals("GET")) {
                byte[] page = pageSource.get();
                String type = path.endsWith(".json") ? "application/json" : path.endsWith(".yaml") ? "application/yaml" : "text/html; charset=utf-8";
                write(ex, 200, Map.of("Content-Type", type), page);
                return;
            }
            Map<String, String> params = new LinkedHashMap<>();
            Binding match = null;
            boolean pathKnown = false;
            java.util.Set<String> allowed = new java.util.TreeSet<>();
            for (Binding b : bindings) {
                params.clear();
                if (matches(b.route().path(), path, params)) {
                    pathKnown = true;
                    allowed.add(b.route().method());
                    if (b.route().method().equals(method)) {
                        match = b;
                        break;
                    }
                }
            }
            if (match == null) {
                int status = pathKnown ? 405 : 404;
                String body = "{\"error\":{\"code\":\"" + (pathKnown ? "method_not_allowed" : "not_found")
                        + "\",\"message\":\"No route for " + method + " " + jsonEscape(path) + "\"}}";
                Map<String, String> headers = pathKnown
                        ? Map.of("Content-Type", "application/json", "Allow", String.join(", ", allowed))
                        : Map.of("Content-Type", "application/json");
                write(ex, status, headers, body.getBytes(StandardCharsets.UTF_8));
                return;
            }
            byte[] body = readBody(ex.getRequestBody());
            if (body == null) {
                write(ex, 413, Map.of("Content-Type", "application/json"),
                        "{\"error\":{\"code\":\"payload_too_large\",\"message\":\"The body is over 10 MB\"}}".getBytes(StandardCharsets.UTF_8));
                return;
            }
            boolean binary = match.api().binaryBody(ex.getRequestHeaders().getFirst("Content-Type"));
            APIGatewayProxyRequestEvent event = event(ex, match.route(), params, body, binary);
            RouteGuard.Answer refused = match.guard() == null ? null : match.guard().check(event);
            if (refused != null) {
                write(ex, refused.status(), refused.headers(), refused.body().getBytes(StandardCharsets.UTF_8));
                return;
            }
            APIGatewayProxyResponseEvent res = match.handler().apply(event);
            Map<String, String> headers = res.getHeaders() == null ? Map.of() : res.getHeaders();
            byte[] out = res.getBody() == null ? new byte[0]
                    : Boolean.TRUE.equals(res.getIsBase64Encoded()) ? Base64.getDecoder().decode(res.getBody())
                    : res.getBody().getBytes(StandardCharsets.UTF_8);
            write(ex, res.getStatusCode(), headers, out);
        } catch (RuntimeException e) {
            System.err.println("local api: " + e.getClass().getName() + " while serving " + ex.getRequestURI().getRawPath());
            write(ex, 502, Map.of("Content-Type", "application/json"),
                    "{\"message\":\"Internal server error\"}".getBytes(StandardCharsets.UTF_8));
        }
    }

    /**
     * API Gateway refuses a request whose URL is over 10,240 characters, or whose request line and header values
     * are over 10,240 bytes together, before any function runs. Null when the request is within both limits.
     */
    static String overGatewayLimits(HttpExchange ex) {
        String uri = ex.getRequestURI().toString();
        if (uri.length() > MAX_URL_CHARS) {
            return "The URL is " + uri.length() + " characters long; the limit is " + MAX_URL_CHARS;
        }
        long size = ex.getRequestMethod().length() + 1 + uri.length() + " HTTP/1.1".length();
        for (var e : ex.getRequestHeaders().entrySet()) {
            for (String v : e.getValue()) size += v.getBytes(StandardCharsets.UTF_8).length;
        }
        if (size > MAX_HEAD_BYTES) {
            return "The request line and headers are " + size + " bytes; the limit is " + MAX_HEAD_BYTES;
        }
        return null;
    }

    /**
     * The proxy event of a request. The body is base64-encoded when the API lists its Content-Type as binary (as
     * API Gateway does), and also when it is gzip or not UTF-8, which a deployed API would corrupt as text.
     */
    private static APIGatewayProxyRequestEvent event(HttpExchange ex, Template.Route route, Map<String, String> params, byte[] body,
                                                     boolean binary) {
        Map<String, String> headers = new LinkedHashMap<>();
        Map<String, List<String>> multiHeaders = new LinkedHashMap<>();
        ex.getRequestHeaders().forEach((k, v) -> {
            headers.put(k, v.get(v.size() - 1));
            multiHeaders.put(k, List.copyOf(v));
        });
        Map<String, String> query = new LinkedHashMap<>();
        Map<String, List<String>> multiQuery = new LinkedHashMap<>();
        String raw = ex.getRequestURI().getRawQuery();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                if (pair.isEmpty()) continue;
                int eq = pair.indexOf('=');
                String k = decode(eq < 0 ? pair : pair.substring(0, eq));
                String v = eq < 0 ? "" : decode(pair.substring(eq + 1));
                query.put(k, v);
                multiQuery.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
            }
        }
        String sourceIp = ex.getRemoteAddress().getAddress().getHostAddress();
        // identity.apiKey is the usage-plan key, which only a guarded route has (RouteGuard sets it).
        var identity = new APIGatewayProxyRequestEvent.RequestIdentity().withSourceIp(sourceIp)
                .withUserAgent(headers.get("User-Agent"));
        var context = new APIGatewayProxyRequestEvent.ProxyRequestContext()
                .withRequestId(UUID.randomUUID().toString()).withStage("local").withResourcePath(route.path())
                .withHttpMethod(route.method()).withPath(ex.getRequestURI().getRawPath()).withIdentity(identity)
                .withAccountId("000000000000").withApiId("local");
        var event = new APIGatewayProxyRequestEvent()
                .withResource(route.path()).withPath(ex.getRequestURI().getRawPath()).withHttpMethod(route.method())
                .withHeaders(headers).withMultiValueHeaders(multiHeaders)
                .withQueryStringParameters(query.isEmpty() ? null : query)
                .withMultiValueQueryStringParameters(multiQuery.isEmpty() ? null : multiQuery)
                .withPathParameters(params.isEmpty() ? null : new HashMap<>(params))
                .withRequestContext(context);
        if (body.length > 0) {
            String text = utf8(body);
            if (binary || text == null || "gzip".equalsIgnoreCase(headers.getOrDefault("Content-Encoding", ""))) {
                event.withBody(Base64.getEncoder().encodeToString(body)).withIsBase64Encoded(true);
            } else {
                event.withBody(text).withIsBase64Encoded(false);
            }
        } else {
            event.withIsBase64Encoded(false);
        }
        return event;
    }

    /** Matches {@code /a/{x}/b} against a raw path, filling in decoded path parameters. */
    static boolean matches(String template, String path, Map<String, String> params) {
        // API Gateway's REST APIs treat /a/b/ as /a/b (Segment's client posts to /v1/import/).
        if (path.length() > 1 && path.endsWith("/")) path = path.substring(0, path.length() - 1);
        String[] t = template.split("/", -1);
        String[] p = path.split("/", -1);
        if (t.length != p.length) return false;
        for (int i = 0; i < t.length; i++) {
            if (t[i].startsWith("{") && t[i].endsWith("}")) {
                if (p[i].isEmpty()) return false;
                params.put(t[i].substring(1, t[i].length() - 1), decode(p[i]));
            } else if (!t[i].equals(p[i])) {
                return false;
            }
        }
        return true;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static byte[] readBody(InputStream in) throws IOException {
        byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
        return body.length > MAX_BODY_BYTES ? null : body;
    }

    private static void write(HttpExchange ex, int status, Map<String, String> headers, byte[] body) throws IOException {
        headers.forEach((k, v) -> ex.getResponseHeaders().add(k, v));
        boolean noBody = body.length == 0 || status == 204 || status == 304 || ex.getRequestMethod().equalsIgnoreCase("HEAD");
        ex.sendResponseHeaders(status, noBody ? -1 : body.length);
        if (!noBody) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static String jsonEscape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
