package dev.intake.adapter.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.intake.domain.CaptchaSettings;
import dev.intake.domain.IntakeException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link HttpCaptchaVerifier} against a stub {@code siteverify} endpoint on 127.0.0.1 (CaptchaIT covers the routes). */
class HttpCaptchaVerifierTest {
    private static final CaptchaSettings TURNSTILE = new CaptchaSettings(CaptchaSettings.Provider.TURNSTILE, "s3cr&t");

    private final List<String> forms = new CopyOnWriteArrayList<>();
    private HttpServer server;
    private int status;
    private String answer;

    @BeforeEach
    void startProvider() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/siteverify", exchange -> {
            forms.add(exchange.getRequestHeaders().getFirst("Content-Type") + " "
                    + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
    }

    @AfterEach
    void stopProvider() {
        server.stop(0);
    }

    private HttpCaptchaVerifier verifier() {
        return new HttpCaptchaVerifier("http://127.0.0.1:" + server.getAddress().getPort() + "/siteverify");
    }

    private boolean verify(int status, String answer) {
        this.status = status;
        this.answer = answer;
        return verifier().verify(TURNSTILE, "tok en", "203.0.113.9");
    }

    @Test
    void verify_postsTheSecretTokenAndAddress_urlencoded_andBelievesSuccess() {
        assertTrue(verify(200, "{\"success\":true,\"challenge_ts\":\"2026-11-24T00:00:00Z\",\"hostname\":\"example.com\"}"));
        assertEquals(List.of("application/x-www-form-urlencoded secret=s3cr%26t&response=tok+en&remoteip=203.0.113.9"), forms);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"success\":false,\"error-codes\":[\"invalid-input-response\"]}", "{}", "{\"success\":\"no\"}", "", "   "})
    void verify_whenTheProviderSaysNoOrNothing_isFalse(String answer) {
        assertFalse(verify(200, answer));
    }

    @Test
    void verify_whenTheProviderRefusesTheRequest_isFalse() {
        assertFalse(verify(400, "{\"success\":false,\"error-codes\":[\"missing-input-secret\"]}"));
    }

    @ParameterizedTest
    @ValueSource(ints = {500, 502, 503, 429})
    void verify_whenTheProviderFails_isUnavailable(int status) {
        assertThrows(IntakeException.Unavailable.class, () -> verify(status, "{\"success\":true}"));
    }

    @Test
    void verify_whenTheAnswerIsNotJson_orTooLong_isUnavailable() {
        assertThrows(IntakeException.Unavailable.class, () -> verify(200, "<html>Bad gateway</html>"));
        assertThrows(IntakeException.Unavailable.class, () -> verify(200, "{\"success\":true,\"pad\":\"" + "x".repeat(100_000) + "\"}"));
    }

    @Test
    void verify_whenNothingListens_isUnavailable() {
        server.stop(0);
        assertThrows(IntakeException.Unavailable.class, () -> verify(200, "{\"success\":true}"));
    }
}
