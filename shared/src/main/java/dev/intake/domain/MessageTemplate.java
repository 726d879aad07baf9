package dev.intake.domain;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code {{ path.to.value }}} substitution for e-mail subjects, bodies and recipients.
 *
 * <p>Deliberately tiny: a placeholder names a dotted path into nested maps, and nothing else is evaluated
 * (no loops, conditionals, filters or code), so a template written through the API cannot do more than
 * read the values it is given.
 */
public final class MessageTemplate {
    /** Renders never grow past this, whatever the template and values. */
    public static final int MAX_OUTPUT = 100_000;

    /** The roots a placeholder may start with; the caller's context carries these keys. */
    public static final List<String> ROOTS = List.of("person", "data", "event", "form", "campaign");

    private static final Pattern PATH_CHARS = Pattern.compile("[A-Za-z0-9_.-]+");
    /** Enough to show what is wrong without flooding an API error for a huge broken template. */
    private static final int MAX_PROBLEMS = 20;

    private MessageTemplate() {}

    /**
     * Replaces each {@code {{ path }}} with the value at that dotted path of {@code context}.
     *
     * <p>Missing values, maps and {@code null} render as "", lists as their elements joined by ", ",
     * integral numbers without a fraction ({@code 2.0} as "2"). With {@code html}, every substituted value is
     * HTML-escaped; the template's own text is not. An unclosed {@code {{} stays as written. The output is cut
     * at {@link #MAX_OUTPUT} characters. A null template renders as "".
     */
    public static String render(String template, Map<String, ?> context, boolean html) {
        if (template == null) return "";
        StringBuilder out = new StringBuilder(Math.min(template.length() + 64, MAX_OUTPUT));
        int i = 0;
        while (i < template.length() && out.length() < MAX_OUTPUT) {
            int open = template.indexOf("{{", i);
            int close = open < 0 ? -1 : template.indexOf("}}", open + 2);
            if (close < 0) {
                out.append(template, i, template.length());
                break;
            }
            out.append(template, i, open);
            String value = format(lookup(context, template.substring(open + 2, close).strip()));
            out.append(html ? escapeHtml(value) : value);
            i = close + 2;
        }
        return truncate(out);
    }

    /**
     * Like {@link #render} without escaping, then every control character (CR and LF included) becomes a
     * space, so that a value such as {@code "x\r\nBcc: …"} cannot add a header line.
     */
    public static String renderHeader(String template, Map<String, ?> context) {
        String rendered = render(template, context, false);
        StringBuilder out = new StringBuilder(rendered.length());
        for (int i = 0; i < rendered.length(); i++) {
            char c = rendered.charAt(i);
            // U+2028/2029 are line breaks to some mail clients although not ISO controls.
            out.append(Character.isISOControl(c) || c == '\u2028' || c == '\u2029' ? ' ' : c);
        }
        return out.toString();
    }

    /**
     * Syntax problems for an API caller, empty when the template is fine; each names the placeholder, as in
     * {@code {{foo.bar}}: unknown variable 'foo'; use person, data, event, form or campaign}.
     */
    public static List<String> problems(String template) {
        if (template == null) return List.of();
        Set<String> problems = new LinkedHashSet<>();
        int i = 0;
        while (i < template.length() && problems.size() < MAX_PROBLEMS) {
            int open = template.indexOf("{{", i);
            if (open < 0) break;
            int close = template.indexOf("}}", open + 2);
            if (close < 0) {
                // Renders literally, but it is almost always a typo such as {{person.email}.
                problems.add("unclosed '{{' at character " + (open + 1) + "; close it with '}}'");
                break;
            }
            String path = template.substring(open + 2, close).strip();
            String problem = pathProblem(path);
            if (problem != null) problems.add("{{" + path + "}}: " + problem);
            i = close + 2;
        }
        return List.copyOf(problems);
    }

    private static String pathProblem(String path) {
        if (path.isEmpty()) return "empty variable; name a value such as person.email";
        if (path.contains("{{")) return "'{{' inside a variable; close the previous one with '}}'";
        if (!PATH_CHARS.matcher(path).matches()) {
            return "invalid characters; a variable is a dotted path of letters, digits, '_' and '-'";
        }
        String[] segments = path.split("\\.", -1);
        for (String s : segments) {
            if (s.isEmpty()) return "empty path segment; write names separated by single dots";
        }
        if (!ROOTS.contains(segments[0])) {
            return "unknown variable '" + segments[0] + "'; use person, data, event, form or campaign";
        }
        if (segments.length == 1) return "'" + path + "' alone renders nothing; name a value such as " + path + ".id";
        return null;
    }

    private static Object lookup(Map<String, ?> context, String path) {
        if (context == null || path.isEmpty() || !PATH_CHARS.matcher(path).matches()) return null;
        Object current = context;
        for (String segment : path.split("\\.", -1)) {
            if (!(current instanceof Map<?, ?> map)) return null;
            current = map.get(segment);
        }
        return current;
    }

    private static String format(Object value) {
        if (value == null || value instanceof Map<?, ?>) return "";
        if (value instanceof String s) return s;
        if (value instanceof Collection<?> list) {
            List<String> parts = new ArrayList<>(list.size());
            for (Object element : list) {
                String s = format(element);
                if (!s.isEmpty()) parts.add(s);
            }
            return String.join(", ", parts);
        }
        if (value instanceof BigDecimal d) return plain(d);
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            return Double.isFinite(d) ? plain(BigDecimal.valueOf(d)) : String.valueOf(d);
        }
        if (value instanceof BigInteger || value instanceof Number) return value.toString();
        return String.valueOf(value);
    }

    /** Integral values lose their fraction and exponent; others keep the digits they were given. */
    private static String plain(BigDecimal d) {
        if (d.signum() == 0) return "0";
        BigDecimal stripped = d.stripTrailingZeros();
        return stripped.scale() <= 0 ? stripped.toPlainString() : d.toPlainString();
    }

    /** Escapes the five characters that matter in HTML text and in quoted attribute values. */
    public static String escapeHtml(String s) {
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    private static String truncate(StringBuilder out) {
        if (out.length() <= MAX_OUTPUT) return out.toString();
        int end = MAX_OUTPUT;
        // Never leave half a surrogate pair, which would not encode as UTF-8.
        if (Character.isHighSurrogate(out.charAt(end - 1))) end--;
        return out.substring(0, end);
    }
}
