package dev.intake.local;

import static org.junit.jupiter.api.Assertions.*;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.intake.config.Services;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** template.yaml and the code agree: handlers exist, every function has a sample event, routes are unique. */
class TemplateTest {
    static final Template TEMPLATE = load();

    static Template load() {
        try {
            return Template.load(Path.of("../template.yaml"));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void everyFunctionHandler_isARequestHandlerWithTheLambdaAndServicesConstructors() throws Exception {
        assertFalse(TEMPLATE.functions().isEmpty());
        for (Template.Function f : TEMPLATE.functions().values()) {
            Class<?> type = Class.forName(f.handlerClass());
            assertTrue(RequestHandler.class.isAssignableFrom(type), f.handlerClass());
            assertNotNull(type.getConstructor(), f.handlerClass() + " needs a no-arg constructor for Lambda");
            assertNotNull(type.getConstructor(Services.class), f.handlerClass() + " needs a Services constructor for the local stack");
        }
    }

    @Test
    void routes_areUniqueAndEveryFunctionHasAnEventSource() {
        var seen = new java.util.HashSet<String>();
        for (Template.Function f : TEMPLATE.functions().values()) {
            assertFalse(f.routes().isEmpty() && f.sqsQueues().isEmpty(), f.logicalId() + " has no event source");
            for (Template.Route r : f.routes()) assertTrue(seen.add(r.method() + " " + r.path()), "duplicate route " + r);
            f.sqsQueues().forEach(q -> assertTrue(TEMPLATE.queues().containsKey(q), "unknown queue " + q));
        }
        assertTrue(seen.contains("POST /api/forms/{formId}/submit"));
    }

    @Test
    void tableEnvironmentVariables_nameTablesOfTheTemplate() {
        TEMPLATE.globalEnvironment().forEach((name, value) -> {
            if (name.endsWith("_TABLE")) assertTrue(TEMPLATE.tables().containsKey(value), name + " -> " + value);
        });
    }

    @Test
    void sampleEvents_existForEveryFunction() throws Exception {
        try (var files = Files.list(Path.of("../events"))) {
            assertTrue(files.filter(p -> p.toString().endsWith(".json")).count() >= TEMPLATE.functions().size());
        }
    }

    @Test
    void pathMatching_fillsParametersAndRejectsOtherShapes() {
        var params = new java.util.HashMap<String, String>();
        assertTrue(ApiServer.matches("/api/forms/{formId}/submit", "/api/forms/frm_1/submit", params));
        assertEquals("frm_1", params.get("formId"));
        assertFalse(ApiServer.matches("/api/forms/{formId}/submit", "/api/forms//submit", new java.util.HashMap<>()));
        assertFalse(ApiServer.matches("/api/forms/{formId}/submit", "/api/forms/a/b/submit", new java.util.HashMap<>()));
    }
}
