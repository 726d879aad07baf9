package dev.intake.domain;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One e-mail to one recipient, ready for a {@code Mailer}.
 *
 * <p>The constructor is the last line of defence against header injection: {@code from}, {@code to},
 * {@code subject} and header values may hold no CR, LF or other control character, {@code from} and
 * {@code to} are one address each ({@code a@example.com} or {@code Name <a@example.com>}), and
 * {@code headers} cannot replace the headers that name recipients or shape the MIME structure.
 * Violations throw {@link IllegalArgumentException} with a message that names the field but not its value.
 *
 * @param from    sender, one address, optionally with a display name
 * @param to      recipient, one address, optionally with a display name
 * @param subject subject line; null is taken as ""
 * @param text    plain-text body, or null for an HTML-only message
 * @param html    HTML body, or null for a text-only message
 * @param headers extra headers such as {@code Intake-Delivery-Id}; null is taken as none
 */
public record OutgoingMail(String from, String to, String subject, String text, String html,
                           Map<String, String> headers) {

    /** Set by the mailer from the other fields, or recipients that bypass {@code to}. */
    private static final Set<String> RESERVED_HEADERS = Set.of("from", "to", "cc", "bcc", "subject", "sender",
            "content-type", "content-transfer-encoding", "mime-version");
    /** RFC 5322 field name: printable ASCII except ':'. */
    private static final Pattern HEADER_NAME = Pattern.compile("[!-9;-~]{1,76}");
    /** Local part and domain: no spaces, brackets, quotes or list separators; anything subtler is the mailer's job. */
    private static final Pattern ADDR = Pattern.compile("[^\\s@<>(),;:\\\\\"\\[\\]]{1,64}@[^\\s@<>(),;:\\\\\"\\[\\]]{1,255}");
    private static final Pattern QUOTED_NAME = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");
    private static final Pattern PLAIN_NAME = Pattern.compile("[^\"<>@,;:\\\\\\[\\]()]*");

    public OutgoingMail {
        requireAddress("from", from);
        requireAddress("to", to);
        subject = subject == null ? "" : subject;
        requireNoControl("subject", subject);
        if (text == null && html == null) throw new IllegalArgumentException("mail needs a text or an html body");
        Map<String, String> copy = new LinkedHashMap<>();
        if (headers != null) {
            headers.forEach((name, value) -> {
                if (name == null || !HEADER_NAME.matcher(name).matches()) {
                    throw new IllegalArgumentException("invalid header name");
                }
                if (RESERVED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                    throw new IllegalArgumentException("header " + name + " cannot be set through headers");
                }
                if (value == null) throw new IllegalArgumentException("header " + name + " has no value");
                requireNoControl("header " + name, value);
                copy.put(name, value);
            });
        }
        headers = Collections.unmodifiableMap(copy);
    }

    /** A text-only message without extra headers. */
    public static OutgoingMail ofText(String from, String to, String subject, String text) {
        return new OutgoingMail(from, to, subject, text, null, Map.of());
    }

    /** Leaves the bodies out: they hold personal data and do not belong in logs or assertion messages. */
    @Override
    public String toString() {
        return "OutgoingMail[from=" + from + ", to=" + to + ", subject=" + subject
                + ", text=" + (text == null ? "none" : text.length() + " chars")
                + ", html=" + (html == null ? "none" : html.length() + " chars") + ", headers=" + headers + "]";
    }

    private static void requireAddress(String field, String value) {
        if (value == null || value.isBlank()) throw new IllegalArgumentException(field + " is required");
        requireNoControl(field, value);
        if (value.length() > 998) throw new IllegalArgumentException(field + " is too long");
        String v = value.strip();
        String addr = v;
        if (v.endsWith(">")) {
            int lt = v.lastIndexOf('<');
            String name = lt < 0 ? "" : v.substring(0, lt).strip();
            if (lt < 0 || !(QUOTED_NAME.matcher(name).matches() || PLAIN_NAME.matcher(name).matches())) {
                throw new IllegalArgumentException(field + " must be one address, such as Name <a@example.com>");
            }
            addr = v.substring(lt + 1, v.length() - 1);
        }
        if (!ADDR.matcher(addr).matches()) {
            throw new IllegalArgumentException(field + " must be one e-mail address, such as a@example.com");
        }
    }

    private static void requireNoControl(String field, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                throw new IllegalArgumentException(field + " contains a line break or control character");
            }
        }
    }
}
