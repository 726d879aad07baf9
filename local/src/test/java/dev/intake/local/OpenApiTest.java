package dev.intake.local;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/openapi.yaml and template.yaml describe the same routes, and every operation is documented fully. */
class OpenApiTest {
    private static final Set<String> HTTP_METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");

    static final JsonNode DOC = load();
    static final Map<String, JsonNode> OPERATIONS = operations(DOC);

    /** The routes that take no credentials, and so declare {@code security: []}. */
    private static final Set<String> PUBLIC = Set.of(
            "POST /api/forms/{formId}/submit",
            "OPTIONS /api/forms/{formId}/submit",
            "POST /forms/submit_action",
            "GET /forms/thank_you",
            "GET /api/consent/confirm");

    /**
     * Routes that cannot answer 4xx: the CORS preflight answers 204 even for an unknown form (so the browser
     * can read the POST's 404), and the thank-you page falls back to its default message.
     */
    private static final Set<String> NEVER_4XX = Set.of("OPTIONS /api/forms/{formId}/submit", "GET /forms/thank_you");

    static JsonNode load() {
        try {
            return new ObjectMapper(new YAMLFactory()).readTree(Path.of("../docs/openapi.yaml").toFile());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** "METHOD /path" to the operation object, in document order. */
    static Map<String, JsonNode> operations(JsonNode doc) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        doc.path("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(op -> {
            if (HTTP_METHODS.contains(op.getKey())) out.put(op.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey(), op.getValue());
        }));
        return out;
    }

    @Test
    void everyTemplateRoute_isDocumented_andViceVersa() {
        Set<String> template = new TreeSet<>();
        TemplateTest.TEMPLATE.functions().values().forEach(f -> f.routes().forEach(r -> template.add(r.method() + " " + r.path())));
        Set<String> documented = new TreeSet<>(OPERATIONS.keySet());

        Set<String> undocumented = new TreeSet<>(template);
        undocumented.removeAll(documented);
        Set<String> notInTemplate = new TreeSet<>(documented);
        notInTemplate.removeAll(template);

        List<String> problems = new ArrayList<>();
        if (!undocumented.isEmpty()) problems.add("template.yaml routes missing from docs/openapi.yaml: " + undocumented);
        if (!notInTemplate.isEmpty()) problems.add("docs/openapi.yaml operations missing from template.yaml: " + notInTemplate);
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    @Test
    void everyOperation_hasAUniqueOperationIdASuccessAndAClientError() {
        assertFalse(OPERATIONS.isEmpty());
        Set<String> ids = new TreeSet<>();
        List<String> problems = new ArrayList<>();
        OPERATIONS.forEach((route, op) -> {
            String id = op.path("operationId").asText("");
            if (id.isBlank()) problems.add(route + ": no operationId");
            else if (!ids.add(id)) problems.add(route + ": duplicate operationId " + id);
            if (op.path("summary").asText("").isBlank()) problems.add(route + ": no summary");

            List<String> statuses = new ArrayList<>();
            op.path("responses").fieldNames().forEachRemaining(statuses::add);
            if (statuses.stream().noneMatch(s -> s.startsWith("2") || s.startsWith("3"))) problems.add(route + ": no 2xx or 3xx response");
            boolean clientError = statuses.stream().anyMatch(s -> s.startsWith("4"));
            if (!clientError && !NEVER_4XX.contains(route)) problems.add(route + ": no 4xx response");
            if (clientError && NEVER_4XX.contains(route)) problems.add(route + ": documents a 4xx, so take it out of NEVER_4XX");
        });
        assertTrue(OPERATIONS.keySet().containsAll(NEVER_4XX), "NEVER_4XX names routes the document lacks: " + NEVER_4XX);
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    @Test
    void everyOperation_exceptThePublicOnes_declaresSecurity() {
        Set<String> schemes = new TreeSet<>();
        DOC.path("components").path("securitySchemes").fieldNames().forEachRemaining(schemes::add);
        assertEquals(Set.of("apiKey", "apiKeyHeader", "site", "writeKey"), schemes);

        List<String> problems = new ArrayList<>();
        OPERATIONS.forEach((route, op) -> {
            JsonNode security = op.has("security") ? op.get("security") : DOC.path("security");
            if (PUBLIC.contains(route)) {
                if (!security.isArray() || !security.isEmpty()) problems.add(route + ": a public route must declare 'security: []'");
                return;
            }
            if (!security.isArray() || security.isEmpty()) {
                problems.add(route + ": declares no security");
                return;
            }
            security.forEach(requirement -> requirement.fieldNames().forEachRemaining(name -> {
                if (!schemes.contains(name)) problems.add(route + ": unknown security scheme " + name);
            }));
        });
        assertTrue(OPERATIONS.keySet().containsAll(PUBLIC), "PUBLIC names routes the document lacks: " + PUBLIC);
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    @Test
    void everyPathParameter_isDeclared_andEveryReferenceResolves() {
        List<String> problems = new ArrayList<>();
        Pattern param = Pattern.compile("\\{([^}]+)}");
        DOC.path("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(op -> {
            if (!HTTP_METHODS.contains(op.getKey())) return;
            Set<String> declared = new TreeSet<>();
            for (JsonNode list : List.of(path.getValue().path("parameters"), op.getValue().path("parameters"))) {
                list.forEach(p -> {
                    JsonNode resolved = p.has("$ref") ? resolve(p.get("$ref").asText()) : p;
                    if (resolved != null && resolved.path("in").asText().equals("path")) declared.add(resolved.path("name").asText());
                });
            }
            Set<String> inPath = new TreeSet<>();
            Matcher m = param.matcher(path.getKey());
            while (m.find()) inPath.add(m.group(1));
            if (!declared.equals(inPath)) {
                problems.add(op.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey() + ": path parameters " + declared + ", path has " + inPath);
            }
        }));
        collectRefs(DOC, problems);
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    private static void collectRefs(JsonNode node, List<String> problems) {
        if (node.isObject()) {
            JsonNode ref = node.get("$ref");
            if (ref != null && ref.isTextual() && resolve(ref.asText()) == null) problems.add("unresolved $ref " + ref.asText());
            node.forEach(child -> collectRefs(child, problems));
        } else if (node.isArray()) {
            node.forEach(child -> collectRefs(child, problems));
        }
    }

    /** A local reference ({@code #/components/…}), or null when it names nothing. */
    private static JsonNode resolve(String ref) {
        if (!ref.startsWith("#/")) return null;
        JsonNode n = DOC.at(ref.substring(1));
        return n.isMissingNode() ? null : n;
    }
}
