package dev.intake.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.intake.application.CreateWorkspace;

/** Workspaces and forms created through the real API. */
final class Fixtures {
    static final String SEED_003_FORM = """
            {"name":"Newsletter Signup",
             "fields":[
               {"name":"email","type":"email","label":"Email Address","required":true},
               {"name":"firstName","type":"text","label":"First Name","required":false},
               {"name":"interests","type":"select","label":"Interests","options":["tech","marketing","design"]}],
             "settings":{"redirectUrl":"https://example.com/thank-you","successMessage":"Thanks for signing up!"},
             "doubleOptIn":%s}""";

    static final String SEED_003_SUBMIT = """
            {"email":"jane@example.com","firstName":"Jane","interests":"marketing"}""";

    private Fixtures() {}

    /** A fresh workspace with its own keys. */
    static CreateWorkspace.Secrets workspace() {
        return TestStack.get().services().createWorkspace.create("Test", new CreateWorkspace.Secrets(null, null, null, null, null));
    }

    static JsonNode createForm(CreateWorkspace.Secrets ws, String body) {
        var res = Http.send("POST", "/api/workspaces/" + ws.workspaceId() + "/forms", body,
                "Authorization", "Bearer " + ws.apiKey(), "Content-Type", "application/json");
        assertEquals(201, res.statusCode(), res.body());
        return Http.json(res);
    }

    static JsonNode seedForm(CreateWorkspace.Secrets ws, boolean doubleOptIn) {
        return createForm(ws, SEED_003_FORM.formatted(doubleOptIn));
    }

    /** The form's {@code _count.submissions}, through the management API. */
    static long submissionCount(CreateWorkspace.Secrets ws, String formId) {
        var res = Http.send("GET", "/api/workspaces/" + ws.workspaceId() + "/forms/"
                + java.net.URLEncoder.encode(formId, java.nio.charset.StandardCharsets.UTF_8), null, "x-api-key", ws.apiKey());
        assertEquals(200, res.statusCode(), res.body());
        JsonNode count = Http.json(res).path("_count").path("submissions");
        org.junit.jupiter.api.Assertions.assertTrue(count.isNumber(), () -> "no _count.submissions in " + res.body());
        return count.asLong();
    }

    /** The ids of every submission stored under {@code formKey}, read straight from the table. */
    static java.util.List<String> storedSubmissionIds(String formKey) {
        var stack = TestStack.get();
        return stack.dynamo().query(r -> r.tableName(stack.services().config.tables().submissions())
                        .keyConditionExpression("pk = :p").consistentRead(true)
                        .expressionAttributeValues(java.util.Map.of(":p",
                                software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(formKey))))
                .items().stream().map(i -> i.get("sk").s()).toList();
    }
}
