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
 * The parts of {@code template.yaml} the local stack runs: functions with their API routes and SQS
 * sources, DynamoDB tables and SQS queues. Intrinsic functions ({@code !Ref X}, {@code !GetAtt X.Arn})
 * are read as the logical id they name, which is also each resource's local name.
 */
public record Template(Map<String, Function> functions, Map<String, JsonNode> tables, Map<String, JsonNode> queues,
                       Map<String, String> globalEnvironment) {

    /** A route of a function: {@code method} is upper case, {@code path} an API Gateway resource template. */
    public record Route(String method, String path) {}

    public record Function(String logicalId, String handlerClass, List<Route> routes, List<String> sqsQueues,
                           Map<String, String> environment) {}

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

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
        return new Template(functions, tables, queues, globalEnv);
    }

    private static Function function(String id, JsonNode props, Map<String, String> globalEnv) {
        String handler = props.path("Handler").asText();
        int sep = handler.indexOf("::");
        List<Route> routes = new ArrayList<>();
        List<String> queues = new ArrayList<>();
        props.path("Events").forEach(ev -> {
            JsonNode p = ev.path("Properties");
            switch (ev.path("Type").asText()) {
                case "Api" -> routes.add(new Route(p.path("Method").asText().toUpperCase(Locale.ROOT), p.path("Path").asText()));
                case "SQS" -> queues.add(logicalId(p.path("Queue").asText()));
                default -> { }
            }
        });
        Map<String, String> env = new LinkedHashMap<>(globalEnv);
        env.putAll(strings(props.path("Environment").path("Variables")));
        return new Function(id, sep < 0 ? handler : handler.substring(0, sep), routes, queues, env);
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
