package dev.intake.http;

import dev.intake.domain.IntakeException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Parses a multipart/form-data body (RFC 7578) of an HTML form post into name -> value(s). */
public final class Multipart {
    /** RFC 2046 section 5.1.1. */
    static final int MAX_BOUNDARY_CHARS = 70;
    static final int MAX_PARTS = 1000;
    /** Per part, counting every header line with its line break and the terminating blank line. */
    static final int MAX_HEADER_BYTES = 8 * 1024;

    private static final String BCHARS_NO_SPACE =
            "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'()+_,-./:=?";
    private static final Set<String> TEXT_CHARSETS = Set.of("utf-8", "utf8", "us-ascii");
    /** Transfer encodings that leave the bytes as they are; anything else would need decoding we do not do. */
    private static final Set<String> IDENTITY_ENCODINGS = Set.of("7bit", "8bit", "binary");
    private static final int MAX_NAME_IN_MESSAGE = 100;

    private Multipart() {}

    /**
     * Parses a {@code multipart/form-data} body as an HTML form sends it.
     *
     * <p>Values come back in order of appearance as {@code String}s; a name that repeats (a checkbox group)
     * maps to a {@code List<String>} of all its values, and a trailing {@code []} is stripped from names, as
     * {@link Bodies#urlencoded} does. Parts of an empty {@code <input type=file>} are skipped. Line breaks may
     * be CRLF or bare LF; a preamble and an epilogue are ignored. The caller enforces the overall body size.
     *
     * @param body the raw body bytes; {@code null} is treated as empty
     * @param contentTypeHeader the request's Content-Type, which must carry the {@code boundary} parameter
     * @return field names to values, in order of first appearance
     * @throws IntakeException.Invalid for every malformed or unsupported input, with code
     *     {@code invalid_body}, {@code unsupported_content_type}, {@code file_upload_not_supported},
     *     {@code invalid_encoding}, {@code unsupported_charset} or {@code too_many_fields}; its message names
     *     fields but never repeats their values
     */
    public static Map<String, Object> parse(byte[] body, String contentTypeHeader) {
        byte[] b = body == null ? new byte[0] : body;
        String boundary = boundary(contentTypeHeader);
        // Led by LF so a single search finds the delimiter after both CRLF and bare-LF line breaks.
        byte[] delimiter = ("\n--" + boundary).getBytes(StandardCharsets.US_ASCII);
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);

        int pos;
        if (Arrays.equals(b, 0, Math.min(b.length, delimiter.length - 1), delimiter, 1, delimiter.length)) {
            pos = delimiter.length - 1;
        } else {
            int at = indexOf(b, delimiter, 0);
            if (at < 0) throw malformed("no boundary delimiter found");
            pos = at + delimiter.length;
        }

        Map<String, Object> out = new LinkedHashMap<>();
        int parts = 0;
        while (true) {
            if (pos + 1 < b.length && b[pos] == '-' && b[pos + 1] == '-') return out;
            while (pos < b.length && (b[pos] == ' ' || b[pos] == '\t')) pos++; // RFC 2046 transport padding
            if (pos < b.length && b[pos] == '\r') pos++;
            if (pos >= b.length) throw malformed("the body ends after a boundary delimiter without the closing '--'");
            if (b[pos] != '\n') throw malformed("a boundary delimiter is not followed by a line break");
            pos++;

            // Counted before any work on the part, so a flood of tiny parts is cut off early.
            if (++parts > MAX_PARTS) {
                throw new IntakeException.Invalid("too_many_fields", "The form has more than " + MAX_PARTS + " parts");
            }
            PartHeaders headers = new PartHeaders();
            pos = readHeaders(b, pos, parts, utf8, headers);

            // Searching from the blank line's LF lets an empty part ("headers CRLF CRLF --boundary") close at
            // once instead of swallowing the next part as its value.
            int contentStart = pos;
            int at = indexOf(b, delimiter, contentStart - 1);
            String name = fieldName(headers, parts);
            if (at < 0) {
                throw malformed("the value of field '" + shown(name) + "' is not followed by a boundary delimiter"
                        + " (truncated body?)");
            }
            int contentEnd = at <= contentStart ? contentStart : (b[at - 1] == '\r' ? at - 1 : at);
            pos = at + delimiter.length;

            if (isFile(headers.disposition.params())) {
                if (isEmptyFileInput(headers.disposition.params()) && contentEnd == contentStart) continue;
                throw new IntakeException.Invalid("file_upload_not_supported",
                        "File uploads are not accepted; field '" + shown(name) + "' carries a file");
            }
            checkCharsetAndEncoding(headers, name, parts);
            add(out, name, decode(utf8, b, contentStart, contentEnd, name));
        }
    }

    private static String boundary(String contentTypeHeader) {
        if (contentTypeHeader == null || contentTypeHeader.isBlank()) {
            throw new IntakeException.Invalid("invalid_body", "A multipart body needs a Content-Type header with a boundary");
        }
        HeaderValue ct = HeaderValue.parse(contentTypeHeader);
        if (ct == null) throw new IntakeException.Invalid("invalid_body", "Malformed Content-Type header");
        if (!ct.value().equalsIgnoreCase("multipart/form-data")) {
            throw new IntakeException.Invalid("unsupported_content_type", "The Content-Type is not multipart/form-data");
        }
        String boundary = ct.params().get("boundary");
        if (boundary == null || boundary.isEmpty()) {
            throw new IntakeException.Invalid("invalid_body", "The Content-Type header has no boundary parameter");
        }
        if (boundary.length() > MAX_BOUNDARY_CHARS) {
            throw new IntakeException.Invalid("invalid_body",
                    "The multipart boundary is longer than " + MAX_BOUNDARY_CHARS + " characters");
        }
        for (int i = 0; i < boundary.length(); i++) {
            char c = boundary.charAt(i);
            boolean space = c == ' ' && i < boundary.length() - 1;
            if (!space && BCHARS_NO_SPACE.indexOf(c) < 0) {
                throw new IntakeException.Invalid("invalid_body", "The multipart boundary contains characters RFC 2046 forbids");
            }
        }
        return boundary;
    }

    /** The headers of one part that matter to a form; others are checked for syntax and otherwise ignored. */
    private static final class PartHeaders {
        HeaderValue disposition;
        String contentType;
        String transferEncoding;
    }

    /** Reads header lines up to and including the blank line; returns the offset of the part's content. */
    private static int readHeaders(byte[] b, int start, int part, CharsetDecoder utf8, PartHeaders into) {
        int limit = Math.min(b.length, start + MAX_HEADER_BYTES);
        List<StringBuilder[]> fields = new ArrayList<>();
        int pos = start;
        while (true) {
            int lf = indexOf(b, (byte) '\n', pos, limit);
            if (lf < 0) {
                if (limit < b.length) throw malformed("the headers of part " + part + " exceed " + MAX_HEADER_BYTES + " bytes");
                throw malformed("the body ends inside the headers of part " + part
                        + " (truncated body, or headers without a blank line?)");
            }
            int end = lf > pos && b[lf - 1] == '\r' ? lf - 1 : lf;
            int lineStart = pos;
            pos = lf + 1;
            if (end == lineStart) break;

            String line;
            try {
                line = utf8.decode(ByteBuffer.wrap(b, lineStart, end - lineStart)).toString();
            } catch (CharacterCodingException e) {
                throw new IntakeException.Invalid("invalid_encoding", "The headers of part " + part + " are not valid UTF-8");
            }
            for (int i = 0; i < line.length(); i++) {
                char c = line.charAt(i);
                if ((c < 0x20 && c != '\t') || c == 0x7f) {
                    throw malformed("a header of part " + part + " contains a control character");
                }
            }
            if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                // RFC 5322 folding: MIME headers may continue on lines that start with whitespace.
                if (fields.isEmpty()) throw malformed("part " + part + " starts with a continuation line");
                fields.get(fields.size() - 1)[1].append(' ').append(line.strip());
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || !isToken(line, 0, colon)) {
                throw malformed("part " + part + " has a header line that is not 'Name: value'"
                        + " (headers without a blank line?)");
            }
            fields.add(new StringBuilder[] {
                    new StringBuilder(line.substring(0, colon)), new StringBuilder(line.substring(colon + 1).strip())});
        }

        for (StringBuilder[] field : fields) {
            String name = field[0].toString().toLowerCase(Locale.ROOT);
            String value = field[1].toString();
            switch (name) {
                case "content-disposition" -> {
                    if (into.disposition != null) throw malformed("part " + part + " has two Content-Disposition headers");
                    into.disposition = HeaderValue.parse(value);
                    if (into.disposition == null) throw malformed("part " + part + " has a malformed Content-Disposition header");
                }
                case "content-type" -> {
                    if (into.contentType != null) throw malformed("part " + part + " has two Content-Type headers");
                    into.contentType = value;
                }
                case "content-transfer-encoding" -> {
                    if (into.transferEncoding != null) throw malformed("part " + part + " has two Content-Transfer-Encoding headers");
                    into.transferEncoding = value;
                }
                default -> { }
            }
        }
        return pos;
    }

    private static String fieldName(PartHeaders headers, int part) {
        if (headers.disposition == null) throw malformed("part " + part + " has no Content-Disposition header");
        if (!headers.disposition.value().equalsIgnoreCase("form-data")) {
            throw malformed("part " + part + " is not form-data");
        }
        // RFC 7578 section 4.2 forbids the RFC 5987 'name*' form, so only 'name' counts.
        String name = headers.disposition.params().get("name");
        if (name == null) throw malformed("part " + part + " has no field name");
        if (name.isEmpty()) throw malformed("part " + part + " has an empty field name");
        return name;
    }

    private static boolean isFile(Map<String, String> params) {
        return params.containsKey("filename") || params.containsKey("filename*");
    }

    private static boolean isEmptyFileInput(Map<String, String> params) {
        return params.getOrDefault("filename", "").isEmpty() && params.getOrDefault("filename*", "").isEmpty();
    }

    private static void checkCharsetAndEncoding(PartHeaders headers, String name, int part) {
        if (headers.transferEncoding != null
                && !IDENTITY_ENCODINGS.contains(headers.transferEncoding.toLowerCase(Locale.ROOT))) {
            throw malformed("field '" + shown(name) + "' uses a Content-Transfer-Encoding; send the value unencoded");
        }
        if (headers.contentType == null) return;
        HeaderValue ct = HeaderValue.parse(headers.contentType);
        if (ct == null) throw malformed("part " + part + " has a malformed Content-Type header");
        String charset = ct.params().get("charset");
        if (charset != null && !TEXT_CHARSETS.contains(charset.toLowerCase(Locale.ROOT))) {
            throw new IntakeException.Invalid("unsupported_charset",
                    "Field '" + shown(name) + "' is declared in a charset other than UTF-8; send UTF-8");
        }
    }

    private static String decode(CharsetDecoder utf8, byte[] b, int from, int to, String name) {
        try {
            return utf8.decode(ByteBuffer.wrap(b, from, to - from)).toString();
        } catch (CharacterCodingException e) {
            throw new IntakeException.Invalid("invalid_encoding", "Field '" + shown(name) + "' is not valid UTF-8");
        }
    }

    @SuppressWarnings("unchecked")
    private static void add(Map<String, Object> out, String rawName, String value) {
        String name = rawName.endsWith("[]") ? rawName.substring(0, rawName.length() - 2) : rawName;
        Object prev = out.get(name);
        if (prev == null) {
            out.put(name, value);
        } else if (prev instanceof List<?> list) {
            // Only this method puts lists in the map, so appending in place is safe and keeps repeats linear.
            ((List<String>) list).add(value);
        } else {
            List<String> list = new ArrayList<>();
            list.add((String) prev);
            list.add(value);
            out.put(name, list);
        }
    }

    /** A header value such as {@code form-data; name="a"}: the leading value and its parameters. */
    private record HeaderValue(String value, Map<String, String> params) {
        /** Returns null when malformed, so each caller can say which header was at fault. */
        static HeaderValue parse(String s) {
            int n = s.length();
            int semi = s.indexOf(';');
            if (semi < 0) semi = n;
            String value = s.substring(0, semi).strip();
            if (!isMediaTypeOrToken(value)) return null;
            Map<String, String> params = new LinkedHashMap<>();
            int i = semi;
            while (i < n) {
                i = skipWhitespace(s, i + 1); // past ';'
                if (i >= n) break;
                if (s.charAt(i) == ';') continue;
                int nameStart = i;
                while (i < n && s.charAt(i) != '=' && s.charAt(i) != ';' && !isWhitespace(s.charAt(i))) i++;
                if (!isToken(s, nameStart, i)) return null;
                String name = s.substring(nameStart, i).toLowerCase(Locale.ROOT);
                i = skipWhitespace(s, i);
                if (i >= n || s.charAt(i) != '=') return null;
                i = skipWhitespace(s, i + 1);
                String paramValue;
                if (i < n && s.charAt(i) == '"') {
                    StringBuilder sb = new StringBuilder();
                    i++;
                    boolean closed = false;
                    while (i < n) {
                        char c = s.charAt(i++);
                        // Only \" and \\ are escapes: browsers send other backslashes literally (e.g. Windows paths).
                        if (c == '\\' && i < n && (s.charAt(i) == '"' || s.charAt(i) == '\\')) {
                            sb.append(s.charAt(i++));
                        } else if (c == '"') {
                            closed = true;
                            break;
                        } else {
                            sb.append(c);
                        }
                    }
                    if (!closed) return null;
                    paramValue = sb.toString();
                } else {
                    int valueStart = i;
                    while (i < n && s.charAt(i) != ';' && !isWhitespace(s.charAt(i))) i++;
                    if (i == valueStart) return null;
                    paramValue = s.substring(valueStart, i);
                }
                i = skipWhitespace(s, i);
                if (i < n && s.charAt(i) != ';') return null;
                if (params.putIfAbsent(name, paramValue) != null) return null; // a repeated name= is ambiguous
            }
            return new HeaderValue(value, params);
        }

        private static boolean isMediaTypeOrToken(String v) {
            int slash = v.indexOf('/');
            if (slash < 0) return isToken(v, 0, v.length());
            return isToken(v, 0, slash) && isToken(v, slash + 1, v.length());
        }

        private static int skipWhitespace(String s, int i) {
            while (i < s.length() && isWhitespace(s.charAt(i))) i++;
            return i;
        }

        private static boolean isWhitespace(char c) {
            return c == ' ' || c == '\t';
        }
    }

    /** RFC 9110 token characters; from..to must be non-empty. */
    private static boolean isToken(String s, int from, int to) {
        if (from >= to) return false;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!ok) return false;
        }
        return true;
    }

    private static int indexOf(byte[] hay, byte[] needle, int from) {
        byte first = needle[0];
        int last = hay.length - needle.length;
        for (int i = Math.max(from, 0); i <= last; i++) {
            if (hay[i] == first && Arrays.equals(hay, i + 1, i + needle.length, needle, 1, needle.length)) return i;
        }
        return -1;
    }

    private static int indexOf(byte[] hay, byte target, int from, int to) {
        for (int i = from; i < to; i++) {
            if (hay[i] == target) return i;
        }
        return -1;
    }

    /** Field names are the caller's own, but a huge one should not balloon an error message. */
    private static String shown(String name) {
        return name.length() <= MAX_NAME_IN_MESSAGE ? name : name.substring(0, MAX_NAME_IN_MESSAGE) + "…";
    }

    private static IntakeException.Invalid malformed(String what) {
        return new IntakeException.Invalid("invalid_body", "Malformed multipart body: " + what);
    }
}
