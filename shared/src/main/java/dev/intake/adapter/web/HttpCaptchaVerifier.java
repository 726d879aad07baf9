package dev.intake.adapter.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.intake.application.port.CaptchaVerifier;
import dev.intake.domain.CaptchaSettings;
import dev.intake.domain.IntakeException;
import dev.intake.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Verifies CAPTCHA tokens with the provider's {@code siteverify} endpoint. Turnstile, hCaptcha and
 * reCAPTCHA share one protocol: an urlencoded POST of {@code secret}, {@code response} and
 * {@code remoteip}, answered with JSON {@code {"success": true|false, …}}. {@code verifyUrlOverride}
 * replaces every provider's URL (tests point it at a local stub).
 */
public final class HttpCaptchaVerifier implements CaptchaVerifier {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final String verifyUrlOverride;
    private volatile HttpClient client;

    public HttpCaptchaVerifier(String verifyUrlOverride) {
        this.verifyUrlOverride = verifyUrlOverride;
    }

    @Override
    public boolean verify(CaptchaSettings captcha, String token, String remoteIp) {
        String url = verifyUrlOverride != null ? verifyUrlOverride : captcha.provider().defaultVerifyUrl();
        String form = "secret=" + enc(captcha.secret()) + "&response=" + enc(token)
                + (remoteIp == null ? "" : "&remoteip=" + enc(remoteIp));
        HttpRequest req = HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build();
        try {
            HttpResponse<String> res = client().send(req, HttpResponse.BodyHandlers.ofString());
            if (res.statusCode() >= 500 || res.statusCode() == 429) throw unavailable();
            JsonNode body = Json.mapper().readTree(res.body());
            return body != null && body.path("success").asBoolean(false);
        } catch (IOException e) {
            throw unavailable();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable();
        }
    }

    private HttpClient client() {
        HttpClient c = client;
        if (c == null) {
            synchronized (this) {
                if (client == null) client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
                c = client;
            }
        }
        return c;
    }

    private static IntakeException.Unavailable unavailable() {
        return new IntakeException.Unavailable("The CAPTCHA provider could not be reached; try again", 2);
    }

    private static String enc(String s) { return URLEncoder.encode(s == null ? "" : s, StandardCharsets.UTF_8); }
}
