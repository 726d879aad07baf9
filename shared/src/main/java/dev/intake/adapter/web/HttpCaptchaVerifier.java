package dev.intake.adapter.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.intake.application.port.CaptchaVerifier;
import dev.intake.domain.CaptchaSettings;
import dev.intake.domain.IntakeException;
import dev.intake.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Verifies CAPTCHA tokens with the provider's {@code siteverify} endpoint. Turnstile, hCaptcha and
 * reCAPTCHA share one protocol: an urlencoded POST of {@code secret}, {@code response} and
 * {@code remoteip}, answered with JSON {@code {"success": true|false, …}}. {@code verifyUrlOverride}
 * replaces every provider's URL (tests point it at a local stub).
 *
 * <p>It posts with {@link Posts} ({@link HttpURLConnection}, which the AWS SDK's HTTP client has already loaded), and reads
 * the answer with Jackson's streaming parser, so a form's first CAPTCHA check loads neither
 * {@code java.net.http} nor Jackson's {@code ObjectMapper} (docs/decisions.md, "Cold start without SnapStart").
 */
public final class HttpCaptchaVerifier implements CaptchaVerifier {
    private static final java.time.Duration TIMEOUT = java.time.Duration.ofSeconds(5);
    /** More than any provider's answer; a longer one is not JSON this verifier can use. */
    private static final int MAX_ANSWER_BYTES = 64 * 1024;

    private final String verifyUrlOverride;

    public HttpCaptchaVerifier(String verifyUrlOverride) {
        this.verifyUrlOverride = verifyUrlOverride;
    }

    @Override
    public boolean verify(CaptchaSettings captcha, String token, String remoteIp) {
        String url = verifyUrlOverride != null ? verifyUrlOverride : captcha.provider().defaultVerifyUrl();
        byte[] form = ("secret=" + enc(captcha.secret()) + "&response=" + enc(token)
                + (remoteIp == null ? "" : "&remoteip=" + enc(remoteIp))).getBytes(StandardCharsets.UTF_8);
        try {
            HttpURLConnection connection = Posts.open(URI.create(url), null, TIMEOUT, TIMEOUT, form.length);
            connection.setRequestProperty("Content-Type", "application/x-www-form-urlencoded");
            connection.setRequestProperty("Accept", "application/json");
            try (OutputStream out = connection.getOutputStream()) {
                out.write(form);
            }
            int status = connection.getResponseCode();
            if (status >= 500 || status == 429) throw unavailable();
            String answer;
            try (InputStream in = status >= 400 ? connection.getErrorStream() : connection.getInputStream()) {
                answer = in == null ? "" : new String(in.readNBytes(MAX_ANSWER_BYTES), StandardCharsets.UTF_8);
            }
            if (answer.isBlank()) return false;
            JsonNode body = Json.readTree(answer);
            return body.path("success").asBoolean(false);
        } catch (IOException | IllegalArgumentException e) {
            throw unavailable();
        }
    }

    private static IntakeException.Unavailable unavailable() {
        return new IntakeException.Unavailable("The CAPTCHA provider could not be reached; try again", 2);
    }

    private static String enc(String s) { return URLEncoder.encode(s == null ? "" : s, StandardCharsets.UTF_8); }
}
