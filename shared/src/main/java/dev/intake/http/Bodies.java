package dev.intake.http;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
        String ct = req.contentType();
        if (!ct.isEmpty() && !ct.contains("json")) {
            throw new IntakeException.Invalid("unsupported_content_type", "Send the body as 'application/json', not '" + ct + "'");
        }
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
        Map<String, Object> out = parse(text, Bodies::members);
        if (out == null) throw new IntakeException.Invalid("invalid_body", "The body must be a JSON object of field names to values");
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
            Map<String, Object> values = Multipart.parse(bytes, req.header("Content-Type"));
            values.forEach((k, v) -> {
                checkText(k, null);
                if (v instanceof String str) checkText(str, k);
                else if (v instanceof List<?> l) l.forEach(x -> checkText(String.valueOf(x), k));
            });
            return values;
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
            checkText(k, null);
            checkText(v, k);
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
        String text = utf8(body);
        if (text == null) throw new IntakeException.Invalid("invalid_encoding", "The body is not valid UTF-8");
        JsonNode node = parse(text);
        if (!node.isObject()) throw new IntakeException.Invalid("invalid_json", "The body must be a JSON object");
        return node;
    }

    /** The raw body, within {@link #MAX_BODY_BYTES}. */
    static byte[] bytes(ApiRequest req) {
        String encoding = req.header("Content-Encoding");
        if (encoding != null && !encoding.isBlank() && !encoding.trim().equalsIgnoreCase("identity")) {
            throw new IntakeException.Invalid("unsupported_encoding", "This route takes no Content-Encoding (only the tracking calls take gzip);"
                    + " send the body uncompressed, not as '" + encoding.trim() + "'");
        }
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
        String text = utf8(bytes(req));
        if (text == null) throw new IntakeException.Invalid("invalid_encoding", "The body is not valid UTF-8");
        return text;
    }

    /** {@code bytes} decoded as strict UTF-8, or null when they are not valid UTF-8. */
    private static String utf8(byte[] bytes) {
        // new String replaces every malformed sequence with U+FFFD, so a result without one is the strict decoding;
        // only a body holding U+FFFD (as sent, or in place of bad bytes) pays for the strict decoder's second look.
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (text.indexOf('\uFFFD') < 0) return text;
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** The node factory the shared mapper builds its trees with (its default). */
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** Whether the parser takes control characters unescaped in strings (it does not: they are malformed JSON). */
    private static final boolean RAW_CONTROL_CHARACTERS = Json.factory().isEnabled(JsonReadFeature.ALLOW_UNESCAPED_CONTROL_CHARS.mappedFeature());

    /** A parser with the shared mapper's limits, where a key that appears twice in one object is an error rather than "last one wins". */
    private static JsonParser strictParser(String text) throws IOException {
        JsonParser p = Json.factory().createParser(text);
        p.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION.mappedFeature());
        return p;
    }

    /** Longest key repeated in an error message. */
    private static final int MAX_KEY_IN_MESSAGE = 100;

    /**
     * Text a caller sends may hold tab, line feed and carriage return, but no other C0 control character
     * (NUL and friends are never meant, and break logs, CSV exports and e-mail headers downstream), and no
     * unpaired UTF-16 surrogate (a JSON escape such as backslash-u-D800), which has no UTF-8 form and cannot
     * be stored as sent. {@code key} names where the text was found (null: it is a key itself).
     */
    static void checkText(String s, String key) {
        IntakeException.Invalid bad = badText(s, key);
        if (bad != null) throw bad;
    }

    /** What {@link #checkText} throws for {@code s}, or null when {@code s} is fine. */
    private static IntakeException.Invalid badText(String s, String key) {
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < Character.MIN_SURROGATE) continue; // nearly every character: one test
            if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
                return new IntakeException.Invalid("invalid_characters", (key == null ? "A key" : "The value of '" + shown(key) + "'")
                        + " contains the control character " + String.format("U+%04X", (int) c)
                        + "; only tab, line feed and carriage return are allowed");
            }
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else {
                    return new IntakeException.Invalid("invalid_characters", (key == null ? "A key" : "The value of '" + shown(key) + "'")
                            + " contains an unpaired surrogate " + String.format("U+%04X", (int) c) + ", which is not a Unicode character");
                }
            }
        }
        return null;
    }

    /** A caller's key as it may appear in a message: shortened, and without control characters. */
    private static String shown(String key) {
        String k = key.length() <= MAX_KEY_IN_MESSAGE ? key : key.substring(0, MAX_KEY_IN_MESSAGE) + "…";
        StringBuilder b = new StringBuilder(k.length());
        k.codePoints().forEach(cp -> b.appendCodePoint(Character.isISOControl(cp) || Character.isSurrogate((char) cp) && cp < 0x10000 ? '?' : cp));
        return b.toString();
    }

    /**
     * Whether a key or string of {@code json} could hold a character {@link #checkText} refuses. The text was
     * decoded from UTF-8, so each surrogate in it is half of a pair, and the parser refuses control characters
     * that stand as they are in a string: either can only come from an escape, such as backslash-u-0000 or
     * backslash-u-D800. So only an escape other than the harmless {@code \" \\ \/ \n \r \t} says yes (a browser's
     * JSON.stringify writes none for ordinary text), as does a parser set to take unescaped control characters.
     */
    static boolean mayHoldBadText(String json) {
        if (RAW_CONTROL_CHARACTERS) return true;
        for (int i = json.indexOf('\\'); i >= 0; i = json.indexOf('\\', i + 2)) {
            if (i + 1 == json.length()) return true;
            switch (json.charAt(i + 1)) {
                case '"', '\\', '/', 'n', 'r', 't' -> { }
                default -> {
                    return true;
                }
            }
        }
        return false;
    }

    /** What a body's JSON becomes, read from a parser at the JSON's first token. */
    @FunctionalInterface
    private interface Shape<T> {
        T read(Reader r) throws IOException;
    }

    /** Any JSON value, as a tree. */
    private static JsonNode parse(String text) {
        return parse(text, r -> r.node(null));
    }

    /**
     * An object's members as submission values (see {@link Json#value}), in order; null when the JSON is another
     * value (which is still read through, so that it is checked like any body).
     */
    private static Map<String, Object> members(Reader r) throws IOException {
        if (r.p.currentToken() != JsonToken.START_OBJECT) {
            r.node(null);
            return null;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (String name = r.name(); name != null; name = r.name()) {
            // Strings, the usual value, straight from the parser; anything else as a node, which Json.value unwraps.
            out.put(name, r.p.nextToken() == JsonToken.VALUE_STRING ? r.string(name) : Json.value(r.node(name)));
        }
        return out;
    }

    /**
     * Reads {@code text} as JSON in one pass, as {@code shape} says: a key that appears twice in one object, nesting
     * deeper than {@link Json#MAX_DEPTH} and malformed JSON stop the parser, and every key and string is checked
     * with {@link #checkText} as it is read (unless {@link #mayHoldBadText} rules out a bad one). A bad key or
     * string is only reported once the whole text has parsed, so that a body that is also malformed, deep or has a
     * key twice further on is refused for that, as it was when the strings were checked in a tree after parsing.
     * {@code text} is decoded UTF-8.
     */
    private static <T> T parse(String text, Shape<T> shape) {
        try (JsonParser p = strictParser(text)) {
            if (p.nextToken() == null) throw new IntakeException.Invalid("invalid_json", "The body is empty or blank; send a JSON object");
            Reader r = new Reader(p, mayHoldBadText(text));
            T value = shape.read(r);
            JsonToken trailing = p.nextToken();
            if (trailing != null) {
                // What ObjectReader.readTree throws for it (DeserializationFeature.FAIL_ON_TRAILING_TOKENS).
                throw MismatchedInputException.from(p, JsonNode.class, "Trailing token (of type " + trailing + ") found after value");
            }
            if (r.bad != null) throw r.bad;
            return value;
        } catch (StreamConstraintsException e) {
            throw new IntakeException.Invalid("too_deep", "The JSON is nested more than " + Json.MAX_DEPTH + " levels deep");
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            String m = e.getOriginalMessage();
            if (m != null && m.startsWith("Duplicate field '")) {
                String key = m.substring(m.indexOf('\'') + 1, Math.max(m.indexOf('\'') + 1, m.lastIndexOf('\'')));
                throw new IntakeException.Invalid("duplicate_key", "The JSON has the key '" + shown(key) + "' twice"
                        + (loc == null ? "" : " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")") + "; send each key once");
            }
            throw new IntakeException.Invalid("invalid_json", "Malformed JSON"
                    + (loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr()));
        } catch (IOException e) {
            throw new IntakeException.Invalid("invalid_json", "Malformed JSON");
        }
    }

    /**
     * Builds values as its parser reads them, checking each key and string on the way, and keeps the first bad
     * one (in document order) for {@link #parse(String, Shape)} to throw at the end. Trees are built as the shared
     * mapper's {@code readTree} builds them (Jackson's JsonNodeDeserializer with {@link Json#mapper()}'s features:
     * ints as int, long or BigInteger nodes, other numbers as BigDecimal nodes as written, nulls kept).
     */
    private static final class Reader {
        final JsonParser p;
        /** Whether keys and strings are checked (false: none can be bad). */
        private final boolean check;
        /** The first bad key or string. */
        IntakeException.Invalid bad;

        Reader(JsonParser p, boolean check) {
            this.p = p;
            this.check = check;
        }

        /** The next key of the object being read, checked; null at the object's end. */
        String name() throws IOException {
            String name = p.nextFieldName();
            if (check && name != null && bad == null) bad = badText(name, null);
            return name;
        }

        /**
         * The string at the current token, checked. {@code key} is the outermost key the string is under (null: none),
         * which an error message names.
         */
        String string(String key) throws IOException {
            String s = p.getText();
            if (check && bad == null) bad = badText(s, key);
            return s;
        }

        /** The value that starts at the current token; {@code key} as for {@link #string}. */
        JsonNode node(String key) throws IOException {
            JsonToken t = p.currentToken();
            if (t == null) throw new JsonParseException(p, "Unexpected end of input");
            return switch (t) {
                case START_OBJECT -> {
                    ObjectNode o = NODES.objectNode();
                    for (String name = name(); name != null; name = name()) {
                        p.nextToken();
                        o.set(name, node(key == null ? name : key));
                    }
                    yield o;
                }
                case START_ARRAY -> {
                    ArrayNode a = NODES.arrayNode();
                    while (p.nextToken() != JsonToken.END_ARRAY) a.add(node(key));
                    yield a;
                }
                case VALUE_STRING -> NODES.textNode(string(key));
                default -> Json.scalarNode(p);
            };
        }
    }
}
