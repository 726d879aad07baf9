package dev.intake.local;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.store.FolderException;
import com.icegreen.greenmail.store.StoredMessage;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.intake.adapter.mail.SmtpMailer;
import dev.intake.json.Json;
import jakarta.mail.Address;
import jakarta.mail.Header;
import jakarta.mail.Message.RecipientType;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.intake.domain.MessageTemplate.escapeHtml;

/**
 * The local stack's outgoing mail server: GreenMail SMTP on 127.0.0.1, without authentication, accepting any
 * sender and recipient and delivering nothing onwards. The stack points its {@link SmtpMailer} here, and
 * {@link #html()} and {@link #json()} show what was caught.
 */
public final class LocalMailbox implements AutoCloseable {

    /**
     * One caught message. {@code text} or {@code html} is null when the message has no such part;
     * {@code headers} holds every header, decoded, with repeated ones joined by ", ".
     */
    public record Message(String id, Instant receivedAt, String from, String to, String subject, String text,
                          String html, Map<String, String> headers) {}

    private static final Pattern URL = Pattern.compile("https?://[^\\s<>\"'`]+", Pattern.CASE_INSENSITIVE);
    /** RFC 5322 specials: a display name holding one is shown quoted. */
    private static final Pattern NAME_SPECIALS = Pattern.compile("[()<>@,;:\\\\\".\\[\\]]");
    private static final Set<String> LINKABLE_HOSTS = Set.of("127.0.0.1", "localhost");

    private final GreenMail greenMail;

    private LocalMailbox(GreenMail greenMail) {
        this.greenMail = greenMail;
    }

    /** Starts the server on a free loopback port. */
    public static LocalMailbox start() {
        // GreenMail logs "Created user login … with password …" at INFO for every new recipient: noise here.
        System.getProperties().putIfAbsent("org.slf4j.simpleLogger.log.com.icegreen.greenmail", "warn");
        GreenMail greenMail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP))
                // Any login succeeds, so a stack configured with SMTP credentials still delivers here.
                .withConfiguration(GreenMailConfiguration.aConfig().withDisabledAuthentication());
        greenMail.start();
        return new LocalMailbox(greenMail);
    }

    /** The SMTP port on 127.0.0.1. */
    public int port() {
        return greenMail.getSmtp().getPort();
    }

    /** Settings for a {@link SmtpMailer} that sends here: plain SMTP, no login. */
    public SmtpMailer.SmtpSettings settings() {
        return new SmtpMailer.SmtpSettings("127.0.0.1", port(), null, null, "none", null, null);
    }

    /** Waits until at least {@code count} messages have arrived in total; false when {@code timeout} passes first. */
    public boolean await(int count, Duration timeout) {
        return greenMail.waitForIncomingEmail(timeout.toMillis(), count);
    }

    /** The caught messages, newest first. A message to several recipients is listed once. */
    public List<Message> messages() {
        List<StoredMessage> stored = new ArrayList<>(greenMail.getManagers().getImapHostManager().getAllMessages());
        // Stored oldest first per mailbox; reversing first keeps later arrivals ahead within the same millisecond.
        Collections.reverse(stored);
        Map<String, Message> byId = new LinkedHashMap<>();
        for (StoredMessage s : stored) {
            Message m = parse(s);
            byId.putIfAbsent(m.id(), m);
        }
        List<Message> out = new ArrayList<>(byId.values());
        out.sort(Comparator.comparing(Message::receivedAt).reversed());
        return out;
    }

    /** Forgets every caught message. */
    public void clear() {
        try {
            greenMail.purgeEmailFromAllMailboxes();
        } catch (FolderException e) {
            throw new IllegalStateException("could not clear the local mailbox", e);
        }
    }

    /**
     * A self-contained page listing the caught messages. Everything from a message is escaped; HTML bodies are
     * shown in a sandboxed iframe (no scripts, forms or same-origin access), and only links to 127.0.0.1 or
     * localhost in text bodies are clickable, since those are the stack's own confirmation links.
     */
    public String html() {
        List<Message> messages = messages();
        StringBuilder b = new StringBuilder(4096);
        b.append("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<title>Local mailbox · Intake</title><style>")
                .append("body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:62rem;padding:0 1rem}")
                .append("article{border:1px solid #ccc;border-radius:6px;padding:1rem;margin:1rem 0}")
                .append("h2{margin:0 0 .5rem;font-size:1.1rem}")
                .append("dl{display:grid;grid-template-columns:max-content 1fr;gap:.15rem 1rem;margin:0 0 .75rem}")
                .append("dt{color:#666}dd{margin:0;overflow-wrap:anywhere}")
                .append("pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#f6f6f6;padding:.75rem;margin:.5rem 0}")
                .append("iframe{width:100%;height:22rem;border:1px solid #ddd;background:#fff}")
                .append("</style></head><body>\n<h1>Local mailbox</h1>\n<p>")
                .append(messages.size()).append(messages.size() == 1 ? " message" : " messages")
                .append(" caught by the local SMTP server on 127.0.0.1:").append(port())
                .append("; nothing leaves this machine. <a href=\"mailbox.json\">JSON</a></p>\n");
        if (messages.isEmpty()) b.append("<p>No mail yet.</p>\n");
        for (Message m : messages) {
            b.append("<article id=\"").append(escapeHtml("msg-" + m.id())).append("\">\n<h2>")
                    .append(m.subject() == null || m.subject().isEmpty() ? "(no subject)" : escapeHtml(m.subject()))
                    .append("</h2>\n<dl><dt>From</dt><dd>").append(escapeHtml(nullToEmpty(m.from())))
                    .append("</dd><dt>To</dt><dd>").append(escapeHtml(nullToEmpty(m.to())))
                    .append("</dd><dt>Received</dt><dd><time datetime=\"").append(m.receivedAt()).append("\">")
                    .append(m.receivedAt()).append("</time></dd></dl>\n");
            if (m.text() != null) b.append("<pre>").append(linkify(m.text())).append("</pre>\n");
            if (m.html() != null) {
                // srcdoc is an attribute: escaping it yields the original markup as a separate, sandboxed document.
                b.append("<iframe sandbox title=\"HTML body\" srcdoc=\"").append(escapeHtml(m.html())).append("\"></iframe>\n");
            }
            b.append("<details><summary>Headers</summary><dl>");
            m.headers().forEach((k, v) -> b.append("<dt>").append(escapeHtml(k)).append("</dt><dd>")
                    .append(escapeHtml(v)).append("</dd>"));
            b.append("</dl></details>\n</article>\n");
        }
        return b.append("</body></html>\n").toString();
    }

    /**
     * The caught messages as {@code {"count": n, "messages": [{"id", "receivedAt", "from", "to", "subject",
     * "text", "html", "headers"}]}}, newest first.
     */
    public String json() {
        List<Message> messages = messages();
        ObjectNode root = Json.object();
        root.put("count", messages.size());
        ArrayNode list = root.putArray("messages");
        for (Message m : messages) {
            ObjectNode o = list.addObject();
            o.put("id", m.id());
            o.put("receivedAt", m.receivedAt().toString());
            o.put("from", m.from());
            o.put("to", m.to());
            o.put("subject", m.subject());
            o.put("text", m.text());
            o.put("html", m.html());
            ObjectNode headers = o.putObject("headers");
            m.headers().forEach(headers::put);
        }
        return Json.write(root);
    }

    /** Stops the server. */
    @Override
    public void close() {
        greenMail.stop();
    }

    /** Best effort: a malformed part is shown as far as it parses, never breaks the listing. */
    private static Message parse(StoredMessage stored) {
        MimeMessage mime = stored.getMimeMessage();
        Instant receivedAt = stored.getReceivedDate() == null ? Instant.EPOCH : stored.getReceivedDate().toInstant();
        String id = null;
        String from = null;
        String to = null;
        String subject = null;
        Map<String, String> headers = new LinkedHashMap<>();
        String[] bodies = new String[2];
        try {
            id = mime.getMessageID();
            from = addresses(mime.getFrom());
            to = addresses(mime.getRecipients(RecipientType.TO));
            subject = mime.getSubject();
            for (Enumeration<Header> e = mime.getAllHeaders(); e.hasMoreElements(); ) {
                Header h = e.nextElement();
                headers.merge(h.getName(), decode(h.getValue()), (a, c) -> a + ", " + c);
            }
            collect(mime, bodies);
        } catch (MessagingException | IOException | RuntimeException ignored) {
            // Keep what was read; the page still lists the message.
        }
        id = id == null ? "uid-" + stored.getUid() : id.replaceAll("^<|>$", "");
        return new Message(id, receivedAt, from, to, subject, bodies[0], bodies[1], Collections.unmodifiableMap(headers));
    }

    private static void collect(Part part, String[] bodies) throws MessagingException, IOException {
        if (Part.ATTACHMENT.equalsIgnoreCase(part.getDisposition())) return;
        if (part.isMimeType("multipart/*") && part.getContent() instanceof Multipart multipart) {
            for (int i = 0; i < multipart.getCount(); i++) collect(multipart.getBodyPart(i), bodies);
        } else if (part.isMimeType("text/plain") && bodies[0] == null) {
            bodies[0] = text(part);
        } else if (part.isMimeType("text/html") && bodies[1] == null) {
            bodies[1] = text(part);
        }
    }

    private static String text(Part part) throws MessagingException, IOException {
        Object content = part.getContent();
        if (content instanceof String s) return s;
        String charset = new ContentType(part.getContentType()).getParameter("charset");
        Charset cs;
        try {
            cs = charset == null ? StandardCharsets.UTF_8 : Charset.forName(MimeUtility.javaCharset(charset));
        } catch (IllegalArgumentException e) {
            cs = StandardCharsets.UTF_8;
        }
        try (InputStream in = part.getInputStream()) {
            return new String(in.readAllBytes(), cs);
        }
    }

    private static String addresses(Address[] addresses) {
        if (addresses == null) return null;
        Set<String> out = new LinkedHashSet<>();
        for (Address a : addresses) out.add(a instanceof InternetAddress ia ? display(ia) : a.toString());
        return String.join(", ", out);
    }

    /** {@code Zoë <zoe@example.test>}; quotes only names that would otherwise read as several addresses. */
    private static String display(InternetAddress a) {
        String name = a.getPersonal();
        if (name == null || name.isBlank()) return a.getAddress();
        if (NAME_SPECIALS.matcher(name).find()) name = '"' + name.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
        return name + " <" + a.getAddress() + ">";
    }

    private static String decode(String value) {
        if (value == null) return "";
        try {
            return MimeUtility.decodeText(MimeUtility.unfold(value)).replaceAll("\\s+", " ");
        } catch (IOException e) {
            return value;
        }
    }

    /** Escapes the text and turns the stack's own URLs into links; every other URL stays inert text. */
    private static String linkify(String text) {
        StringBuilder out = new StringBuilder(text.length() + 64);
        Matcher m = URL.matcher(text);
        int last = 0;
        while (m.find()) {
            String url = m.group();
            // Sentence punctuation right after a URL is almost never part of it.
            int end = url.length();
            while (end > 0 && ".,;:!?)]}".indexOf(url.charAt(end - 1)) >= 0) end--;
            url = url.substring(0, end);
            out.append(escapeHtml(text.substring(last, m.start())));
            String escaped = escapeHtml(url);
            if (linkable(url)) {
                out.append("<a href=\"").append(escaped).append("\">").append(escaped).append("</a>");
            } else {
                out.append(escaped);
            }
            last = m.start() + end;
        }
        return out.append(escapeHtml(text.substring(last))).toString();
    }

    private static boolean linkable(String url) {
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            return (scheme.equals("http") || scheme.equals("https")) && uri.getRawUserInfo() == null
                    && uri.getHost() != null && LINKABLE_HOSTS.contains(uri.getHost().toLowerCase(Locale.ROOT));
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
