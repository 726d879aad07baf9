package dev.intake.local;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/** The local stack serves docs/openapi.yaml as written and as JSON. */
class OpenApiServedIT {
    @Test
    void openapiJson_parsesAndListsThePublicSubmit() {
        var res = Http.send("GET", "/openapi.json", null);
        assertEquals(200, res.statusCode(), res.body());
        assertEquals("application/json", res.headers().firstValue("Content-Type").orElse(null));
        JsonNode doc = Http.json(res);
        assertEquals("3.0.3", doc.path("openapi").asText());
        assertTrue(doc.path("paths").has("/api/forms/{formId}/submit"), doc.path("paths").toString());
        assertEquals("submitPublicForm", doc.path("paths").path("/api/forms/{formId}/submit").path("post").path("operationId").asText());
    }

    @Test
    void openapiYaml_isServedAsWritten() {
        var res = Http.send("GET", "/openapi.yaml", null);
        assertEquals(200, res.statusCode());
        assertEquals("application/yaml", res.headers().firstValue("Content-Type").orElse(null));
        assertTrue(res.body().startsWith("openapi: 3.0.3"), res.body().substring(0, Math.min(80, res.body().length())));
    }
}
