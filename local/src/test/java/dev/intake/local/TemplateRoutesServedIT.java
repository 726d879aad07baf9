package dev.intake.local;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every API route of {@code template.yaml} reaches its function on the local stack: a request with the demo
 * workspace's API key gets an answer from the handler itself. Only handler answers carry the local stack's
 * {@value IntakeLocal#CAPACITY_HEADER} header; the gateway's own answers (no route, wrong method, a refused
 * key) do not. {@link OpenApiTest} checks that the same routes are the OpenAPI document's.
 */
class TemplateRoutesServedIT {
    private static final Pattern PARAM = Pattern.compile("\\{([^}]+)}");

    @TestFactory
    List<DynamicTest> everyTemplateRoute_isServedByItsFunction() throws Exception {
        Template template = Template.load(Path.of("..", "template.yaml"));
        String apiKey = TestStack.get().demoWorkspace().apiKey();
        List<DynamicTest> tests = new ArrayList<>();
        for (Template.Function f : template.functions().values()) {
            for (Template.Route route : f.routes()) {
                tests.add(DynamicTest.dynamicTest(route.method() + " " + route.path() + " → " + f.logicalId(), () -> {
                    String path = fill(route.path());
                    String body = route.method().equals("POST") || route.method().equals("PATCH") ? "{}" : null;
                    var res = Http.send(route.method(), path, body,
                            "Authorization", "Bearer " + apiKey, "Content-Type", "application/json",
                            "Origin", "https://example.com", "Access-Control-Request-Method", "POST");
                    assertTrue(res.headers().firstValue(IntakeLocal.CAPACITY_HEADER).isPresent(),
                            () -> route.method() + " " + path + " was answered by the gateway, not " + f.logicalId()
                                    + ": " + res.statusCode() + " " + res.body());
                    assertTrue(res.statusCode() < 500, () -> path + ": " + res.statusCode() + " " + res.body());
                }));
            }
        }
        assertFalse(tests.isEmpty());
        return tests;
    }

    /** Fills each path parameter with an id that exists nowhere, in the shape its route expects. */
    private static String fill(String path) {
        Matcher m = PARAM.matcher(path);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String value = name.equals("workspaceId") ? TestStack.get().demoWorkspace().workspaceId() : "unknown_" + name;
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        return m.appendTail(out).toString();
    }
}
