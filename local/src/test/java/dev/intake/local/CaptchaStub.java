package dev.intake.local;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A CAPTCHA provider's {@code siteverify} endpoint on loopback, speaking the protocol Turnstile, hCaptcha
 * and reCAPTCHA share: it accepts the token {@value #PASS}, answers 500 for {@value #DOWN}, and
 * {@code success:false} for anything else. It records every verification request it gets.
 */
final class CaptchaStub implements AutoCloseable {
    static final String PASS = "XXXX.DUMMY.TOKEN.XXXX";
    static final String DOWN = "provider-down";

    private final HttpServer server;
    final List<Map<String, String>> requests = new CopyOnWriteArrayList<>();

    CaptchaStub() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.createContext("/siteverify", ex -> {
            try (ex) {
                String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                Map<String, String> form = Stream.of(body.split("&")).filter(p -> p.contains("="))
                        .collect(Collectors.toMap(p -> decode(p.substring(0, p.indexOf('='))), p -> decode(p.substring(p.indexOf('=') + 1)), (a, b) -> b));
                requests.add(form);
                String token = form.getOrDefault("response", "");
                int status = token.equals(DOWN) ? 500 : 200;
                byte[] out = (token.equals(PASS) ? "{\"success\":true}" : "{\"success\":false,\"error-codes\":[\"invalid-input-response\"]}")
                        .getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().add("Content-Type", "application/json");
                ex.sendResponseHeaders(status, out.length);
                ex.getResponseBody().write(out);
            }
        });
        server.start();
    }

    String url() { return "http://127.0.0.1:" + server.getAddress().getPort() + "/siteverify"; }

    private static String decode(String s) { return URLDecoder.decode(s, StandardCharsets.UTF_8); }

    @Override
    public void close() { server.stop(0); }
}
