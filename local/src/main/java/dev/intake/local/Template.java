package dev.intake.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The parts of {@code template.yaml} the local stack runs: functions with their API routes, SQS sources and
 * DynamoDB stream sources, DynamoDB tables and SQS queues, and the REST APIs' authorizers, API-key
 * requirements and gateway responses. Intrinsic functions ({@code !Ref X}, {@code !GetAtt X.Arn}) are read as
 * the logical id they name, which is also each resource's local name. Stream and auth settings the local
 * stack cannot honour are rejected here rather than run differently.
 */
public record Template(Map<String, Function> functions, Map<String, JsonNode> tables, Map<String, JsonNode> queues,
                       Map<String, String> globalEnvironment, Map<String, Api> apis) {

    /**
     * A route of a function: {@code method} is upper case, {@code path} an API Gateway resource template,
     * {@code api} the logical id of its REST API, {@code auth} what API Gateway checks before calling the function.
     */
    public record Route(String method, String path, String api, Auth auth) {}

    /**
     * What API Gateway checks before a route's function runs: the logical id of the function of its Lambda
     * REQUEST authorizer (null for none), and whether the request must name a usage-plan API key.
     */
    public record Auth(String authorizerFunction, boolean apiKeyRequired) {
        public static final Auth NONE = new Auth(null, false);

        public boolean open() { return authorizerFunction == null && !apiKeyRequired; }
    }

    /** Where API Gateway takes a request's usage-plan API key from ({@code ApiKeySourceType}). */
    public enum KeySource { HEADER, AUTHORIZER }

    /**
     * An {@code AWS::Serverless::Api}. {@code defaultAuth} applies to its routes unless an event's {@code Auth}
     * overrides it; {@code authorizers} maps each authorizer's name to its function's logical id.
     */
    public record Api(String logicalId, KeySource keySource, Auth defaultAuth, Map<String, String> authorizers,
                      Map<String, GatewayResponse> gatewayResponses, List<String> binaryMediaTypes) {
        public Api {
            binaryMediaTypes = List.copyOf(binaryMediaTypes);
        }

        /**
         * Whether API Gateway hands a request body with this {@code Content-Type} to the function base64-encoded:
         * when the type matches one of {@code BinaryMediaTypes} ({@code * / *}, {@code type/*} or exact; SAM's
         * {@code ~1} stands for {@code /}). A request without a Content-Type matches only {@code * / *}.
         */
        public boolean binaryBody(String contentType) {
            String type = contentType == null ? null : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
            for (String t : binaryMediaTypes) {
                if (t.equals("*/*")) return true;
                if (type == null) continue;
                if (t.endsWith("/*") ? type.startsWith(t.substring(0, t.length() - 1)) : type.equals(t)) return true;
            }
            return false;
        }
    }

    /**
     * A gateway response of an API: its status (null for the type's own), static headers, and its
     * {@code application/json} template (null for API Gateway's default body).
     */
    public record GatewayResponse(Integer statusCode, Map<String, String> headers, String template) {}

    /** The API SAM makes for {@code Api} events that name no {@code RestApiId}. */
    static final String IMPLICIT_API = "ServerlessRestApi";

    /** API Gateway's gateway response types. */
    static final List<String> RESPONSE_TYPES = List.of("ACCESS_DENIED", "API_CONFIGURATION_ERROR", "AUTHORIZER_CONFIGURATION_ERROR",
            "AUTHORIZER_FAILURE", "BAD_REQUEST_PARAMETERS", "BAD_REQUEST_BODY", "DEFAULT_4XX", "DEFAULT_5XX", "EXPIRED_TOKEN",
            "INTEGRATION_FAILURE", "INTEGRATION_TIMEOUT", "INVALID_API_KEY", "INVALID_SIGNATURE", "MISSING_AUTHENTICATION_TOKEN",
            "QUOTA_EXCEEDED", "REQUEST_TOO_LARGE", "RESOURCE_NOT_FOUND", "THROTTLED", "UNAUTHORIZED", "UNSUPPORTED_MEDIA_TYPE",
            "WAF_FILTERED");

    /** The variables a gateway response template may use here: the authorizer's context and the error message. */
    private static final java.util.regex.Pattern TEMPLATE_VARIABLE =
            java.util.regex.Pattern.compile("\\$(context\\.authorizer\\.[A-Za-z0-9_]+|context\\.error\\.messageString|context\\.error\\.message)\\b");

    /** A function; {@code codeUri} is its {@code CodeUri} (its module's directory, such as {@code functions/submit}). */
    public record Function(String logicalId, String handlerClass, List<Route> routes, List<String> sqsQueues,
                           List<StreamSource> streams, Map<String, String> environment, String codeUri) {}

    /**
     * A {@code Type: DynamoDB} event source. {@code table} is the logical id of the table whose stream it
     * reads; {@code startingPosition} is {@code TRIM_HORIZON} or {@code LATEST}; {@code filters} are the
     * {@code FilterCriteria} patterns, each a map from a top-level record field (such as {@code eventName})
     * to the exact values it may have. A record passes if any filter matches it; with no filters, all pass.
     */
    public record StreamSource(String table, String startingPosition, int batchSize, List<Map<String, List<String>>> filters) {
        public StreamSource {
            filters = filters.stream().map(Map::copyOf).toList();
        }
    }

    /** The record fields a filter may name: the string fields at the top of a stream record. */
    static final List<String> FILTERABLE_FIELDS =
            List.of("eventName", "eventID", "eventVersion", "eventSource", "awsRegion", "eventSourceARN");

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    /** Filter patterns: strict, so that a pattern Lambda would refuse is not read some other way. */
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    public static Template load(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return parse(in);
        }
    }

    public static Template parse(InputStream in) throws IOException {
        JsonNode root = YAML.readTree(in);
        Map<String, String> globalEnv = strings(root.path("Globals").path("Function").path("Environment").path("Variables"));
        Map<String, Function> functions = new LinkedHashMap<>();
        Map<String, JsonNode> tables = new LinkedHashMap<>();
        Map<String, JsonNode> queues = new LinkedHashMap<>();
        Map<String, Api> apis = new LinkedHashMap<>();
        JsonNode globalApi = root.path("Globals").path("Api");
        for (String setting : List.of("Auth", "GatewayResponses", "ApiKeySourceType")) {
            if (globalApi.has(setting)) throw invalid("Globals.Api", setting + " is not emulated; set it on the AWS::Serverless::Api");
        }
        apis.put(IMPLICIT_API, new Api(IMPLICIT_API, KeySource.HEADER, Auth.NONE, Map.of(), Map.of(), List.of()));
        root.path("Resources").fields().forEachRemaining(e -> {
            if (e.getValue().path("Type").asText().equals("AWS::Serverless::Api")) apis.put(e.getKey(), api(e.getKey(), e.getValue().path("Properties")));
        });
        root.path("Resources").fields().forEachRemaining(e -> {
            String id = e.getKey();
            JsonNode props = e.getValue().path("Properties");
            switch (e.getValue().path("Type").asText()) {
                case "AWS::Serverless::Function" -> functions.put(id, function(id, props, globalEnv, apis));
                case "AWS::DynamoDB::Table" -> tables.put(id, props);
                case "AWS::SQS::Queue" -> queues.put(id, props);
                default -> { }
            }
        });
        for (Function f : functions.values()) {
            for (StreamSource s : f.streams()) {
                JsonNode table = tables.get(s.table());
                if (table == null) throw invalid(f.logicalId(), "its stream source names no table of the template: " + s.table());
                if (table.path("StreamSpecification").path("StreamViewType").asText("").isEmpty()) {
                    throw invalid(f.logicalId(), "table " + s.table() + " has no StreamSpecification.StreamViewType");
                }
            }
        }
        for (Api api : apis.values()) {
            api.authorizers().forEach((name, function) -> {
                if (!functions.containsKey(function)) {
                    throw invalid(api.logicalId(), "authorizer " + name + " names no AWS::Serverless::Function of the template: " + function);
                }
            });
        }
        return new Template(functions, tables, queues, globalEnv, apis);
    }

    private static Function function(String id, JsonNode props, Map<String, String> globalEnv, Map<String, Api> apis) {
        String handler = props.path("Handler").asText();
        int sep = handler.indexOf("::");
        List<Route> routes = new ArrayList<>();
        List<String> queues = new ArrayList<>();
        List<StreamSource> streams = new ArrayList<>();
        props.path("Events").forEach(ev -> {
            JsonNode p = ev.path("Properties");
            switch (ev.path("Type").asText()) {
                case "Api" -> routes.add(route(id, p, apis));
                case "SQS" -> queues.add(logicalId(p.path("Queue").asText()));
                case "DynamoDB" -> streams.add(streamSource(id, p));
                default -> { }
            }
        });
        Map<String, String> env = new LinkedHashMap<>(globalEnv);
        env.putAll(strings(props.path("Environment").path("Variables")));
        return new Function(id, sep < 0 ? handler : handler.substring(0, sep), routes, queues, streams, env, props.path("CodeUri").asText(null));
    }

    private static Route route(String function, JsonNode p, Map<String, Api> apis) {
        String method = p.path("Method").asText().toUpperCase(Locale.ROOT);
        String path = p.path("Path").asText();
        String apiId = p.has("RestApiId") ? reference(p.get("RestApiId")) : IMPLICIT_API;
        Api api = apis.get(apiId);
        if (api == null) throw invalid(function, method + " " + path + ": RestApiId names no AWS::Serverless::Api of the template: " + p.get("RestApiId"));
        JsonNode auth = p.path("Auth");
        only(function, method + " " + path + " Auth", auth, "Authorizer", "ApiKeyRequired");
        String authorizer = api.defaultAuth().authorizerFunction();
        if (auth.has("Authorizer")) {
            String name = auth.get("Authorizer").asText();
            authorizer = name.equals("NONE") ? null : api.authorizers().get(name);
            if (!name.equals("NONE") && authorizer == null) {
                throw invalid(function, method + " " + path + ": authorizer '" + name + "' is not one of " + api.logicalId() + "'s " + api.authorizers().keySet());
            }
        }
        boolean keyRequired = auth.has("ApiKeyRequired") ? bool(function, auth.get("ApiKeyRequired"), "ApiKeyRequired") : api.defaultAuth().apiKeyRequired();
        return new Route(method, path, apiId, new Auth(authorizer, keyRequired));
    }

    /**
     * An {@code AWS::Serverless::Api}'s auth settings. Emulated: Lambda REQUEST authorizers without caching
     * or identity sources ({@code Identity: {ReauthorizeEvery: 0}}), a default authorizer, API keys from a
     * header or from the authorizer, and gateway responses with static headers and an {@code application/json}
     * template that uses only {@code $context.authorizer.*} and {@code $context.error.message(String)}.
     */
    static Api api(String id, JsonNode props) {
        String source = props.path("ApiKeySourceType").asText("HEADER");
        if (!source.equals("HEADER") && !source.equals("AUTHORIZER")) throw invalid(id, "ApiKeySourceType must be HEADER or AUTHORIZER, not " + source);
        JsonNode auth = props.path("Auth");
        // Both CORS flags only shape the OPTIONS methods SAM generates for Cors, which the local stack does not serve.
        only(id, "Auth", auth, "DefaultAuthorizer", "ApiKeyRequired", "Authorizers", "AddDefaultAuthorizerToCorsPreflight",
                "AddApiKeyRequiredToCorsPreflight");
        Map<String, String> authorizers = new LinkedHashMap<>();
        for (var a : auth.path("Authorizers").properties()) authorizers.put(a.getKey(), authorizer(id, a.getKey(), a.getValue()));
        String defaultAuthorizer = null;
        if (auth.has("DefaultAuthorizer") && !auth.get("DefaultAuthorizer").asText().equals("NONE")) {
            String name = auth.get("DefaultAuthorizer").asText();
            defaultAuthorizer = authorizers.get(name);
            if (defaultAuthorizer == null) throw invalid(id, "DefaultAuthorizer '" + name + "' is not one of Auth.Authorizers " + authorizers.keySet());
        }
        boolean keyRequired = auth.has("ApiKeyRequired") && bool(id, auth.get("ApiKeyRequired"), "Auth.ApiKeyRequired");
        Map<String, GatewayResponse> responses = new LinkedHashMap<>();
        for (var r : props.path("GatewayResponses").properties()) responses.put(r.getKey(), gatewayResponse(id, r.getKey(), r.getValue()));
        List<String> binary = new ArrayList<>();
        for (JsonNode t : props.path("BinaryMediaTypes")) binary.add(t.asText().replace("~1", "/").toLowerCase(Locale.ROOT));
        return new Api(id, KeySource.valueOf(source), new Auth(defaultAuthorizer, keyRequired), Map.copyOf(authorizers),
                Map.copyOf(responses), binary);
    }

    /** A Lambda REQUEST authorizer that is never cached; its function's logical id. */
    private static String authorizer(String api, String name, JsonNode a) {
        String where = "authorizer " + name;
        only(api, where, a, "FunctionArn", "FunctionPayloadType", "Identity", "FunctionInvokeRole");
        if (!a.path("FunctionPayloadType").asText("TOKEN").equals("REQUEST")) {
            throw invalid(api, where + ": only FunctionPayloadType REQUEST is emulated (SAM's default is TOKEN)");
        }
        JsonNode identity = a.path("Identity");
        only(api, where + " Identity", identity, "ReauthorizeEvery");
        if (!identity.has("ReauthorizeEvery") || identity.get("ReauthorizeEvery").asInt(-1) != 0) {
            throw invalid(api, where + ": results are never cached here, so Identity.ReauthorizeEvery must be 0 (SAM's default is 300)");
        }
        JsonNode arn = a.path("FunctionArn");
        String function = getAttTarget(arn, "Arn");
        if (function == null) function = getAttTarget(arn.has("Ref") ? arn.get("Ref") : arn, "Alias");
        if (function == null) throw invalid(api, where + ": FunctionArn must be !GetAtt <Function>.Arn or !Ref <Function>.Alias, not " + arn);
        return function;
    }

    private static GatewayResponse gatewayResponse(String api, String type, JsonNode r) {
        String where = "GatewayResponses." + type;
        if (!RESPONSE_TYPES.contains(type)) throw invalid(api, where + ": not a gateway response type " + RESPONSE_TYPES);
        only(api, where, r, "StatusCode", "ResponseTemplates", "ResponseParameters");
        Integer status = null;
        if (r.has("StatusCode")) {
            status = r.get("StatusCode").asInt(-1);
            if (status < 100 || status > 599) throw invalid(api, where + ": StatusCode must be an HTTP status, not " + r.get("StatusCode"));
        }
        JsonNode params = r.path("ResponseParameters");
        only(api, where + ".ResponseParameters", params, "Headers");
        Map<String, String> headers = new LinkedHashMap<>();
        for (var h : params.path("Headers").properties()) {
            String v = h.getValue().asText();
            if (v.length() < 2 || !v.startsWith("'") || !v.endsWith("'")) {
                throw invalid(api, where + ": header " + h.getKey() + " must be a static value in single quotes; mapped values are not emulated");
            }
            headers.put(h.getKey(), v.substring(1, v.length() - 1));
        }
        JsonNode templates = r.path("ResponseTemplates");
        only(api, where + ".ResponseTemplates", templates, "application/json");
        String template = templates.has("application/json") ? templates.get("application/json").asText() : null;
        if (template != null && template.replaceAll(TEMPLATE_VARIABLE.pattern(), "").contains("$")) {
            throw invalid(api, where + ": only $context.authorizer.<key> and $context.error.message(String) are emulated in templates: " + template);
        }
        return new GatewayResponse(status, Map.copyOf(headers), template);
    }

    /** Refuses any setting of {@code node} but {@code allowed}: an unknown one would be silently not emulated. */
    private static void only(String resource, String where, JsonNode node, String... allowed) {
        if (node.isMissingNode() || node.isNull()) return;
        if (!node.isObject()) throw invalid(resource, where + " must be a mapping, not " + node);
        for (var field : node.properties()) {
            if (!List.of(allowed).contains(field.getKey())) throw invalid(resource, where + "." + field.getKey() + " is not emulated by the local stack");
        }
    }

    private static boolean bool(String resource, JsonNode v, String name) {
        if (v.isBoolean()) return v.asBoolean();
        if (v.isTextual() && (v.asText().equals("true") || v.asText().equals("false"))) return Boolean.parseBoolean(v.asText());
        throw invalid(resource, name + " must be true or false, not " + v);
    }

    /** The logical id in {@code !Ref X} or {@code {"Ref": "X"}}, else null. */
    private static String reference(JsonNode ref) {
        if (ref.isTextual()) return ref.asText();
        return ref.has("Ref") && ref.get("Ref").isTextual() ? ref.get("Ref").asText() : null;
    }

    /**
     * A DynamoDB event source. The local poller retries a failing batch forever, honours
     * {@code ReportBatchItemFailures} and reads each shard in order, so settings that ask for anything else
     * are refused.
     */
    static StreamSource streamSource(String function, JsonNode p) {
        String table = getAttTarget(p.path("Stream"), "StreamArn");
        if (table == null) throw invalid(function, "Stream must be !GetAtt <Table>.StreamArn, not " + p.path("Stream"));
        String start = p.path("StartingPosition").asText("");
        if (!start.equals("TRIM_HORIZON") && !start.equals("LATEST")) {
            throw invalid(function, "StartingPosition must be TRIM_HORIZON or LATEST, not '" + start + "'");
        }
        int batchSize = p.path("BatchSize").asInt(100);
        if (batchSize < 1 || batchSize > 10_000) throw invalid(function, "BatchSize must be 1..10000, not " + batchSize);
        if (p.path("MaximumRetryAttempts").asInt(-1) != -1) throw invalid(function, "only MaximumRetryAttempts -1 (retry until success) is emulated");
        if (p.path("MaximumRecordAgeInSeconds").asInt(-1) != -1) throw invalid(function, "only MaximumRecordAgeInSeconds -1 is emulated");
        if (p.path("BisectBatchOnFunctionError").asBoolean(false)) throw invalid(function, "BisectBatchOnFunctionError is not emulated");
        if (p.has("TumblingWindowInSeconds")) throw invalid(function, "TumblingWindowInSeconds is not emulated");
        if (!p.path("Enabled").asBoolean(true)) throw invalid(function, "a disabled stream source is not emulated");
        boolean reportsFailures = false;
        for (JsonNode t : p.path("FunctionResponseTypes")) reportsFailures |= t.asText().equals("ReportBatchItemFailures");
        if (!reportsFailures) {
            // Without it Lambda ignores the response; the poller always reads it.
            throw invalid(function, "FunctionResponseTypes must include ReportBatchItemFailures");
        }
        List<Map<String, List<String>>> filters = new ArrayList<>();
        for (JsonNode f : p.path("FilterCriteria").path("Filters")) filters.add(pattern(function, f.path("Pattern")));
        return new StreamSource(table, start, batchSize, filters);
    }

    /**
     * A filter pattern of the one shape that is emulated: top-level record fields, each with a list of
     * exact string values ({@code {"eventName":["INSERT","MODIFY"]}}). Anything else (nested fields such as
     * {@code dynamodb.NewImage}, prefix, numeric, exists or anything-but matching) is refused.
     */
    static Map<String, List<String>> pattern(String function, JsonNode node) {
        JsonNode pattern;
        try {
            pattern = node.isTextual() ? JSON.readTree(node.asText()) : node;
        } catch (IOException e) {
            throw invalid(function, "filter pattern is not JSON: " + node.asText());
        }
        if (pattern == null || !pattern.isObject() || pattern.isEmpty()) throw invalid(function, "filter pattern must be a non-empty JSON object: " + node);
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (var field : pattern.properties()) {
            if (!FILTERABLE_FIELDS.contains(field.getKey())) {
                throw invalid(function, "filter on '" + field.getKey() + "' is not emulated; use one of " + FILTERABLE_FIELDS);
            }
            JsonNode values = field.getValue();
            if (!values.isArray() || values.isEmpty()) throw invalid(function, "filter on '" + field.getKey() + "' must list exact values");
            List<String> allowed = new ArrayList<>();
            for (JsonNode v : values) {
                if (!v.isTextual()) throw invalid(function, "filter on '" + field.getKey() + "' uses " + v + "; only exact string values are emulated");
                allowed.add(v.asText());
            }
            out.put(field.getKey(), List.copyOf(allowed));
        }
        return out;
    }

    /**
     * The logical id in {@code !GetAtt X.attribute}, {@code !GetAtt [X, attribute]} or
     * {@code {"Fn::GetAtt": ...}}, if it names {@code attribute}; else null.
     */
    static String getAttTarget(JsonNode ref, String attribute) {
        if (ref.has("Fn::GetAtt")) return getAttTarget(ref.get("Fn::GetAtt"), attribute);
        if (ref.isArray() && ref.size() == 2) {
            return ref.get(1).asText().equals(attribute) ? ref.get(0).asText() : null;
        }
        if (ref.isTextual()) {
            String text = ref.asText();
            return text.endsWith("." + attribute) ? logicalId(text) : null;
        }
        return null;
    }

    private static IllegalArgumentException invalid(String resource, String message) {
        return new IllegalArgumentException("template.yaml, " + resource + ": " + message);
    }

    /** {@code EventsQueue.Arn} (from {@code !GetAtt}) names {@code EventsQueue}. */
    static String logicalId(String reference) {
        int dot = reference.indexOf('.');
        return dot < 0 ? reference : reference.substring(0, dot);
    }

    private static Map<String, String> strings(JsonNode node) {
        Map<String, String> out = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }
}
