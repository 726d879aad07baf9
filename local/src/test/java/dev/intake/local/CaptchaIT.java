package dev.intake.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.intake.application.CreateWorkspace;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * CAPTCHA verification over real HTTP: the stack posts each token to the provider's verify URL, which
 * the tests point at {@link CaptchaStub} on loopback.
 */
class CaptchaIT {
    private static JsonNode captchaForm(CreateWorkspace.Secrets ws, String provider) {
        return Fixtures.createForm(ws, """
                {"name":"Protected","fields":[{"name":"email","type":"email","required":true}],
                 "settings":{"captcha":{"provider":"%s","secret":"0x4AAAAAAA-secret"}}}""".formatted(provider));
    }

    private static HttpResponse<String> submit(String formId, String body) {
        return Http.send("POST", "/api/forms/" + formId + "/submit", body, "Content-Type", "application/json");
    }

        @Test
    void publicSubmit_whenTurnstileTokenValid_isAcceptedAndTheProviderGetsSecretTokenAndIp() {
        var ws = Fixtures.workspace();
        String formId = captchaForm(ws, "turnstile").path("id").asText();

        var res = submit(formId, "{\"email\":\"human@example.com\",\"cf-turnstile-response\":\"" + CaptchaStub.PASS + "\"}");

        assertEquals(201, res.statusCode(), res.body());
        Map<String, String> asked = TestStack.captcha().requests.stream()
                .filter(r -> CaptchaStub.PASS.equals(r.get("response"))).reduce((a, b) -> b).orElseThrow();
        assertEquals("0x4AAAAAAA-secret", asked.get("secret"));
        assertEquals("127.0.0.1", asked.get("remoteip"));
        var form = Http.json(Http.send("GET", "/api/workspaces/" + ws.workspaceId() + "/forms/" + formId, null, "x-api-key", ws.apiKey()));
        assertEquals(1, form.path("fields").size(), "the token is not learned as a field");
        assertEquals("turnstile", form.path("settings").path("captcha").path("provider").asText());
        assertTrue(form.path("settings").path("captcha").path("secret").isMissingNode(), "the secret is never returned");
    }

    @Test
    void publicSubmit_whenTokenMissing_is400NamingTheWidgetField() {
        var ws = Fixtures.workspace();
        String formId = captchaForm(ws, "hcaptcha").path("id").asText();

        var res = submit(formId, "{\"email\":\"bot@example.com\"}");

        assertEquals(400, res.statusCode(), res.body());
        assertEquals("captcha_required", Http.json(res).path("error").path("code").asText());
        assertEquals("h-captcha-response", Http.json(res).path("error").path("fields").get(0).asText());
        assertEquals(0, Fixtures.submissionCount(ws, formId));
    }

    @Test
    void publicSubmit_whenProviderRejectsToken_is400AndNothingStored() {
        var ws = Fixtures.workspace();
        String formId = captchaForm(ws, "recaptcha").path("id").asText();

        var res = submit(formId, "{\"email\":\"bot@example.com\",\"g-recaptcha-response\":\"forged\"}");

        assertEquals(400, res.statusCode(), res.body());
        assertEquals("captcha_failed", Http.json(res).path("error").path("code").asText());
        assertEquals(0, Fixtures.submissionCount(ws, formId));
    }

    @Test
    void publicSubmit_whenProviderIsDown_is503WithRetryAfterAndNothingStored() {
        var ws = Fixtures.workspace();
        String formId = captchaForm(ws, "turnstile").path("id").asText();

        var res = submit(formId, "{\"email\":\"human@example.com\",\"cf-turnstile-response\":\"" + CaptchaStub.DOWN + "\"}");

        assertEquals(503, res.statusCode(), res.body());
        assertTrue(res.headers().firstValue("Retry-After").isPresent());
        assertEquals(0, Fixtures.submissionCount(ws, formId));
    }

    @Test
    void actionSubmit_whenTokenValid_redirectsAndWhenForgedShowsAnErrorPage() {
        var ws = Fixtures.workspace();
        String formId = captchaForm(ws, "turnstile").path("id").asText();
        String action = "/forms/submit_action?site_id=" + ws.siteId() + "&form_id=" + formId
                + "&success_url=" + URLEncoder.encode("https://site.example/thanks", StandardCharsets.UTF_8);

        var ok = Http.send("POST", action, "email=human%40example.com&cf-turnstile-response=" + URLEncoder.encode(CaptchaStub.PASS, StandardCharsets.UTF_8),
                "Content-Type", "application/x-www-form-urlencoded", "Origin", "https://site.example");
        var forged = Http.send("POST", action, "email=bot%40example.com&cf-turnstile-response=forged",
                "Content-Type", "application/x-www-form-urlencoded", "Origin", "https://site.example");

        assertEquals(303, ok.statusCode(), ok.body());
        assertEquals("https://site.example/thanks", ok.headers().firstValue("Location").orElseThrow());
        assertEquals(400, forged.statusCode());
        assertTrue(forged.headers().firstValue("Content-Type").orElseThrow().startsWith("text/html"));
        assertTrue(forged.body().contains("CAPTCHA"), forged.body());
        assertEquals(1, Fixtures.submissionCount(ws, formId));
    }

    @Test
    void createForm_whenCaptchaHasNoSecret_is400() {
        var ws = Fixtures.workspace();
        var res = Http.send("POST", "/api/workspaces/" + ws.workspaceId() + "/forms",
                "{\"name\":\"x\",\"settings\":{\"captcha\":{\"provider\":\"turnstile\"}}}",
                "x-api-key", ws.apiKey(), "Content-Type", "application/json");
        assertEquals(400, res.statusCode(), res.body());
        assertEquals("invalid_captcha", Http.json(res).path("error").path("code").asText());
    }
}
