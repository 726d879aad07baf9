package dev.intake.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.intake.domain.IntakeException;
import dev.intake.json.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Parses request bodies within the limits of SPEC section 6. */
public final class Bodies {
    public static final int MAX_BODY_BYTES = 100 * 1024;

    private Bodies() {}

    /** A JSON object body, for the management API. */
    public static JsonNode jsonObject(ApiRequest req) {
        String text = text(req);
        if (text.isBlank()) throw new IntakeException.Invalid("empty_body", "The request body is empty; send a JSON object");
        JsonNode node = parse(text);
        if (!node.isObject()) throw new IntakeException.Invalid("invalid_body", "The request body must be a JSON object");
        return node;
    }

    /**
     * A flat submission: a JSON object of names to values, or an urlencoded form. Repeated urlencoded names
     * (checkbox groups) become lists.
     */
    public static Map<String, Object> flatValues(ApiRequest req) {
        String ct = req.contentType();
        String text = text(req);
        if (text.isBlank()) throw new IntakeException.Invalid("empty_body", "The request body is empty");
        if (ct.startsWith("application/x-www-form-urlencoded")) return urlencoded(text);
        if (!ct.isEmpty() && !ct.contains("json")) {
            throw new IntakeException.Invalid("unsupported_content_type",
                    "Send 'application/json' or 'application/x-www-form-urlencoded', not '" + ct + "'");
        }
        JsonNode node = parse(text);
        if (!node.isObject()) throw new IntakeException.Invalid("invalid_body", "The body must be a JSON object of field names to values");
        Map<String, Object> out = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> out.put(e.getKey(), Json.value(e.getValue())));
        return out;
    }

    /**
     * An HTML form post: {@code application/x-www-form-urlencoded} or {@code multipart/form-data}.
     * Repeated names become lists.
     */
    public static Map<String, Object> formValues(ApiRequest req) {
        String ct = req.contentType();
        if (ct.startsWith("multipart/form-data")) {
            byte[] bytes = bytes(req);
            if (bytes.length == 0) throw new IntakeException.Invalid("empty_body", "The request body is empty");
            return Multipart.parse(bytes, req.header("Content-Type"));
        }
        if (!ct.isEmpty() && !ct.startsWith("application/x-www-form-urlencoded")) {
            throw new IntakeException.Invalid("unsupported_content_type",
                    "Post the form as 'application/x-www-form-urlencoded' or 'multipart/form-data', not '" + ct + "'");
        }
        String text = text(req);
        if (text.isBlank()) throw new IntakeException.Invalid("empty_body", "The request body is empty");
        return urlencoded(text);
    }

    /**
     * A backend submission: a JSON object whose {@code data} member holds the values (Customer.io's
     * {@code {"data":{…}}}).
     */
    public static Map<String, Object> dataObject(ApiRequest req) {
        JsonNode body = jsonObject(req);
        JsonNode data = body.get("data");
        if (data == null || data.isNull()) {
            throw new IntakeException.Invalid("missing_data", "Send the form's values in a 'data' object: {\"data\":{\"email\":…}}", List.of("data"));
        }
        if (!data.isObject()) throw new IntakeException.Invalid("invalid_body", "'data' must be an object of field names to values", List.of("data"));
        Map<String, Object> out = new LinkedHashMap<>();
        data.fields().forEachRemaining(e -> out.put(e.getKey(), Json.value(e.getValue())));
        return out;
    }

    public static Map<String, Object> urlencoded(String text) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String pair : text.split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            String k = decode(eq < 0 ? pair : pair.substring(0, eq));
            String v = eq < 0 ? "" : decode(pair.substring(eq + 1));
            if (k.endsWith("[]")) k = k.substring(0, k.length() - 2);
            Object prev = out.get(k);
            if (prev == null) {
                out.put(k, v);
            } else {
                List<Object> list = prev instanceof List<?> l ? new ArrayList<>(l) : new ArrayList<>(List.of(prev));
                list.add(v);
                out.put(k, list);
            }
        }
        return out;
    }

    /**
     * Percent-decodes to bytes, then decodes them as strict UTF-8: {@link java.net.URLDecoder} would
     * silently turn bytes of another charset (a Latin-1 page's {@code %E9}) into U+FFFD.
     */
    private static String decode(String s) {
        if (s.indexOf('%') < 0) return s.replace('+', ' ');
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                int hi = i + 2 < s.length() ? Character.digit(s.charAt(i + 1), 16) : -1;
                int lo = hi < 0 ? -1 : Character.digit(s.charAt(i + 2), 16);
                if (lo < 0) throw new IntakeException.Invalid("invalid_body", "The form body is not valid urlencoded data");
                out.write(hi * 16 + lo);
                i += 2;
            } else if (c == '+') {
                out.write(' ');
            } else {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                if (Character.isHighSurrogate(c) && i + 1 < s.length()) b = s.substring(i, ++i + 1).getBytes(StandardCharsets.UTF_8);
                out.writeBytes(b);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(out.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw new IntakeException.Invalid("invalid_encoding", "The form body is not valid UTF-8 once decoded; send the page as UTF-8");
        }
    }

    /**
     * A tracking call's JSON: gzip-decoded when {@code Content-Encoding: gzip}, at most {@code maxBytes}
     * once decoded (so a small gzip bomb is stopped after {@code maxBytes}), whatever the Content-Type.
     */
    public static JsonNode trackingJson(ApiRequest req, int maxBytes, String limitName) {
        byte[] raw;
        try {
            raw = req.bodyBytes();
        } catch (IllegalArgumentException e) {
            throw new IntakeException.Invalid("invalid_body", "The body is marked base64 but is not");
        }
        byte[] body = raw;
        String encoding = req.header("Content-Encoding");
        if (encoding != null && encoding.trim().equalsIgnoreCase("gzip")) {
            try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(raw))) {
                body = in.readNBytes(maxBytes + 1);
            } catch (IOException e) {
                throw new IntakeException.Invalid("invalid_gzip", "The body says Content-Encoding: gzip but is not valid gzip");
            }
        } else if (encoding != null && !encoding.isBlank() && !encoding.trim().equalsIgnoreCase("identity")) {
            throw new IntakeException.Invalid("unsupported_encoding", "Content-Encoding must be gzip or absent, not '" + encoding.trim() + "'");
        }
        if (body.length > maxBytes) {
            throw new IntakeException.Invalid(limitName, "The body is over " + maxBytes / 1024 + " KB"
                    + (encoding != null ? " once decompressed" : "") + "; the limit is " + maxBytes / 1024 + " KB");
        }
        if (body.length == 0) throw new IntakeException.Invalid("invalid_json", "The body is empty; send a JSON object");
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw new IntakeException.Invalid("invalid_encoding", "The body is not valid UTF-8");
        }
        JsonNode node = parse(text);
        if (!node.isObject()) throw new IntakeException.Invalid("invalid_json", "The body must be a JSON object");
        return node;
    }

    /** The raw body, within {@link #MAX_BODY_BYTES}. */
    static byte[] bytes(ApiRequest req) {
        byte[] bytes;
        try {
            bytes = req.bodyBytes();
        } catch (IllegalArgumentException e) {
            throw new IntakeException.Invalid("invalid_body", "The body is marked base64 but is not");
        }
        if (bytes.length > MAX_BODY_BYTES) {
            throw new IntakeException.TooLarge("The body is " + bytes.length + " bytes; the limit is " + MAX_BODY_BYTES);
        }
        return bytes;
    }

    static String text(ApiRequest req) {
        byte[] bytes = bytes(req);
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IntakeException.Invalid("invalid_encoding", "The body is not valid UTF-8");
        }
    }

    private static JsonNode parse(String text) {
        try {
            JsonNode node = Json.MAPPER.readTree(text);
            if (node == null) throw new IntakeException.Invalid("invalid_json", "The body is not JSON");
            return node;
        } catch (StreamConstraintsException e) {
            throw new IntakeException.Invalid("too_deep", "The JSON is nested more than " + Json.MAX_DEPTH + " levels deep");
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            throw new IntakeException.Invalid("invalid_json", "Malformed JSON"
                    + (loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr()));
        } catch (IOException e) {
            throw new IntakeException.Invalid("invalid_json", "Malformed JSON");
        }
    }
}
