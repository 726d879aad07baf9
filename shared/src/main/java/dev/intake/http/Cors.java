package dev.intake.http;

import dev.intake.domain.FormSettings;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CORS for the public submit route. A form with no allowed origins accepts any origin; a form that lists
 * origins gets CORS headers only for those, so other browsers' pages cannot read the answer.
 */
public final class Cors {
    private Cors() {}

    public static Map<String, String> headers(ApiRequest req, FormSettings settings) {
        Map<String, String> h = new LinkedHashMap<>();
        String origin = req.header("Origin");
        if (settings != null && !settings.allowedOrigins().isEmpty()) {
            if (origin != null && settings.allowsOrigin(origin)) {
                h.put("Access-Control-Allow-Origin", origin);
                h.put("Vary", "Origin");
            }
        } else {
            h.put("Access-Control-Allow-Origin", "*");
        }
        if (!h.isEmpty()) {
            h.put("Access-Control-Allow-Methods", "POST, OPTIONS");
            h.put("Access-Control-Allow-Headers", "Content-Type, Idempotency-Key");
            h.put("Access-Control-Max-Age", "600");
        }
        return h;
    }
}
