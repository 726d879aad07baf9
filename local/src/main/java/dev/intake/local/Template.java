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
 * DynamoDB stream sources, DynamoDB tables and SQS queues. Intrinsic functions ({@code !Ref X},
 * {@code !GetAtt X.Arn}) are read as the logical id they name, which is also each resource's local name.
 * Stream settings the local poller cannot honour are rejected here rather than run differently.
 */
public record Template(Map<String, Function> functions, Map<String, JsonNode> tables, Map<String, JsonNode> queues,
                       Map<String, String> globalEnvironment) {

    /** A route of a function: {@code method} is upper case, {@code path} an API Gateway resource template. */
    public record Route(String method, String path) {}

    public record Function(String logicalId, String handlerClass, List<Route> routes, List<String> sqsQueues,
                           List<StreamSource> streams, Map<String, String> environment) {}

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
        root.path("Resources").fields().forEachRemaining(e -> {
            String id = e.getKey();
            JsonNode props = e.getValue().path("Properties");
            switch (e.getValue().path("Type").asText()) {
                case "AWS::Serverless::Function" -> functions.put(id, function(id, props, globalEnv));
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
        return new Template(functions, tables, queues, globalEnv);
    }

    private static Function function(String id, JsonNode props, Map<String, String> globalEnv) {
        String handler = props.path("Handler").asText();
        int sep = handler.indexOf("::");
        List<Route> routes = new ArrayList<>();
        List<String> queues = new ArrayList<>();
        List<StreamSource> streams = new ArrayList<>();
        props.path("Events").forEach(ev -> {
            JsonNode p = ev.path("Properties");
            switch (ev.path("Type").asText()) {
                case "Api" -> routes.add(new Route(p.path("Method").asText().toUpperCase(Locale.ROOT), p.path("Path").asText()));
                case "SQS" -> queues.add(logicalId(p.path("Queue").asText()));
                case "DynamoDB" -> streams.add(streamSource(id, p));
                default -> { }
            }
        });
        Map<String, String> env = new LinkedHashMap<>(globalEnv);
        env.putAll(strings(props.path("Environment").path("Variables")));
        return new Function(id, sep < 0 ? handler : handler.substring(0, sep), routes, queues, streams, env);
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

    private static IllegalArgumentException invalid(String function, String message) {
        return new IllegalArgumentException("template.yaml, " + function + ": " + message);
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
