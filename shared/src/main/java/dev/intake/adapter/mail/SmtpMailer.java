package dev.intake.adapter.mail;

import dev.intake.application.port.Mailer;
import dev.intake.config.Env;
import dev.intake.domain.OutgoingMail;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimeUtility;
import java.io.UnsupportedEncodingException;
import java.time.Duration;
import java.util.Date;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;

/**
 * {@link Mailer} over SMTP with Eclipse Angus Mail (Amazon SES offers SMTP too). One connection per message:
 * the campaign trigger sends a few messages per batch, and a pooled connection would outlive the Lambda
 * invocation it was opened in.
 */
public final class SmtpMailer implements Mailer {

    /**
     * Where and how to reach the SMTP server. {@code host} null means mail is not configured.
     *
     * @param tls            {@code starttls} (upgrade required; never falls back to plain text), {@code ssl}
     *                       (TLS from the first byte, usually port 465) or {@code none}
     * @param connectTimeout bound on opening the connection
     * @param readTimeout    bound on each read and each write once connected
     */
    public record SmtpSettings(String host, int port, String username, String password, String tls,
                               Duration connectTimeout, Duration readTimeout) {
        public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
        public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(10);
        private static final Set<String> TLS_MODES = Set.of("starttls", "ssl", "none");

        public SmtpSettings {
            host = host == null || host.isBlank() ? null : host.strip();
            if (port < 1 || port > 65535) throw new IllegalArgumentException("SMTP port must be 1 to 65535");
            username = username == null || username.isBlank() ? null : username;
            tls = tls == null ? "starttls" : tls.strip().toLowerCase(Locale.ROOT);
            if (!TLS_MODES.contains(tls)) {
                throw new IllegalArgumentException("SMTP tls must be starttls, ssl or none");
            }
            connectTimeout = positive(connectTimeout, DEFAULT_CONNECT_TIMEOUT);
            readTimeout = positive(readTimeout, DEFAULT_READ_TIMEOUT);
        }

        /**
         * Reads {@code INTAKE_SMTP_HOST}, {@code INTAKE_SMTP_PORT} (587), {@code INTAKE_SMTP_USERNAME},
         * {@code INTAKE_SMTP_PASSWORD} and {@code INTAKE_SMTP_TLS} (starttls), with the default timeouts.
         */
        public static SmtpSettings fromEnvironment() {
            String port = Env.get("INTAKE_SMTP_PORT", "587").strip();
            int p;
            try {
                p = Integer.parseInt(port);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("INTAKE_SMTP_PORT must be a number, not " + port);
            }
            return new SmtpSettings(Env.get("INTAKE_SMTP_HOST"), p, Env.get("INTAKE_SMTP_USERNAME"),
                    Env.get("INTAKE_SMTP_PASSWORD"), Env.get("INTAKE_SMTP_TLS", "starttls"),
                    DEFAULT_CONNECT_TIMEOUT, DEFAULT_READ_TIMEOUT);
        }

        /** Keeps the password out of logs. */
        @Override
        public String toString() {
            return "SmtpSettings[host=" + host + ", port=" + port + ", username=" + username
                    + ", password=" + (password == null ? "none" : "***") + ", tls=" + tls
                    + ", connectTimeout=" + connectTimeout + ", readTimeout=" + readTimeout + "]";
        }

        private static Duration positive(Duration d, Duration fallback) {
            return d == null || d.isNegative() || d.isZero() ? fallback : d;
        }
    }

    /** Replies that mean "fix the login", which a retry after the fix can get past. */
    private static final Set<Integer> AUTH_REPLIES = Set.of(530, 534, 535, 538);

    private final SmtpSettings settings;
    private final Session session;

    /** A mailer for {@code settings}; with no host, every {@link #send} fails permanently as not configured. */
    public SmtpMailer(SmtpSettings settings) {
        this.settings = settings;
        this.session = settings.host() == null ? null : Session.getInstance(properties(settings));
    }

    /** The settings this mailer sends with. */
    public SmtpSettings settings() {
        return settings;
    }

    @Override
    public void send(OutgoingMail mail) {
        if (session == null) throw new MailFailed("SMTP is not configured; set INTAKE_SMTP_HOST", true);
        MimeMessage message;
        try {
            message = message(mail);
        } catch (AddressException e) {
            // The reason without the address it quotes ("Missing final '@domain' in string ``…''").
            String reason = e.getRef() == null ? e.getMessage() : e.getMessage().replace(e.getRef(), "…");
            throw new MailFailed("invalid e-mail address: " + oneLine(reason), true, e);
        } catch (MessagingException | UnsupportedEncodingException e) {
            throw new MailFailed("could not build the message: " + oneLine(e.getMessage()), true, e);
        }
        Transport transport = null;
        try {
            transport = session.getTransport("smtp");
            transport.connect(settings.host(), settings.port(), settings.username(), settings.password());
            transport.sendMessage(message, message.getAllRecipients());
        } catch (MessagingException e) {
            throw failure(e);
        } finally {
            closeQuietly(transport);
        }
    }

    /** A failed QUIT after the server accepted the message must not report the send as failed (and resend it). */
    private static void closeQuietly(Transport transport) {
        if (transport == null) return;
        try {
            transport.close();
        } catch (MessagingException ignored) {
            // The message was either accepted already or the failure is being reported.
        }
    }

    private static Properties properties(SmtpSettings s) {
        Properties p = new Properties();
        p.put("mail.smtp.host", s.host());
        p.put("mail.smtp.port", String.valueOf(s.port()));
        p.put("mail.smtp.connectiontimeout", String.valueOf(s.connectTimeout().toMillis()));
        p.put("mail.smtp.timeout", String.valueOf(s.readTimeout().toMillis()));
        p.put("mail.smtp.writetimeout", String.valueOf(s.readTimeout().toMillis()));
        p.put("mail.smtp.auth", String.valueOf(s.username() != null));
        switch (s.tls()) {
            case "starttls" -> {
                p.put("mail.smtp.starttls.enable", "true");
                // Without this a server that does not offer STARTTLS would get the password in plain text.
                p.put("mail.smtp.starttls.required", "true");
                p.put("mail.smtp.ssl.checkserveridentity", "true");
            }
            case "ssl" -> {
                p.put("mail.smtp.ssl.enable", "true");
                p.put("mail.smtp.ssl.checkserveridentity", "true");
            }
            default -> { }
        }
        return p;
    }

    private MimeMessage message(OutgoingMail mail) throws MessagingException, UnsupportedEncodingException {
        InternetAddress from = address(mail.from());
        String domain = from.getAddress().substring(from.getAddress().lastIndexOf('@') + 1);
        MimeMessage m = new MimeMessage(session) {
            // The default id ends in this machine's name ("@localhost" on Lambda), which spam filters hold against it.
            @Override
            protected void updateMessageID() throws MessagingException {
                setHeader("Message-ID", "<" + UUID.randomUUID() + "@" + domain + ">");
            }
        };
        m.setFrom(from);
        m.setRecipient(Message.RecipientType.TO, address(mail.to()));
        m.setSubject(mail.subject(), "UTF-8");
        m.setSentDate(new Date());
        if (mail.text() != null && mail.html() != null) {
            // Clients show the last part they understand, so the richer HTML goes last.
            MimeMultipart alternative = new MimeMultipart("alternative");
            MimeBodyPart text = new MimeBodyPart();
            text.setText(mail.text(), "UTF-8", "plain");
            MimeBodyPart html = new MimeBodyPart();
            html.setText(mail.html(), "UTF-8", "html");
            alternative.addBodyPart(text);
            alternative.addBodyPart(html);
            m.setContent(alternative);
        } else if (mail.html() != null) {
            m.setText(mail.html(), "UTF-8", "html");
        } else {
            m.setText(mail.text(), "UTF-8", "plain");
        }
        for (Map.Entry<String, String> h : mail.headers().entrySet()) {
            m.setHeader(h.getKey(), MimeUtility.fold(h.getKey().length() + 2,
                    MimeUtility.encodeText(h.getValue(), "UTF-8", null)));
        }
        return m;
    }

    /** Strict parse, re-encoded so that a non-ASCII display name travels as an RFC 2047 word. */
    private static InternetAddress address(String value) throws AddressException, UnsupportedEncodingException {
        InternetAddress parsed = new InternetAddress(value, true);
        return new InternetAddress(parsed.getAddress(), parsed.getPersonal(), "UTF-8");
    }

    private MailFailed failure(MessagingException e) {
        String where = "SMTP " + settings.host() + ":" + settings.port() + ": ";
        int code = replyCode(e);
        if (code > 0) {
            boolean permanent = code >= 500 && !AUTH_REPLIES.contains(code);
            return new MailFailed(where + "server replied " + oneLine(serverReply(e)), permanent, e);
        }
        if (e instanceof AuthenticationFailedException) {
            return new MailFailed(where + "login failed: " + oneLine(e.getMessage()), false, e);
        }
        if (e instanceof SendFailedException sf && sf.getInvalidAddresses() != null
                && sf.getInvalidAddresses().length > 0) {
            return new MailFailed(where + "invalid recipient: " + oneLine(e.getMessage()), true, e);
        }
        // Refused connections, timeouts, TLS failures and dropped connections: all worth another try.
        return new MailFailed(where + oneLine(describe(e)), false, e);
    }

    /** The first SMTP reply code in the exception chain, or 0 when the server never answered with one. */
    private static int replyCode(Exception e) {
        for (Exception x = e; x != null; x = x instanceof MessagingException m ? m.getNextException() : null) {
            if (x instanceof SMTPAddressFailedException a && a.getReturnCode() > 0) return a.getReturnCode();
            if (x instanceof SMTPSendFailedException s && s.getReturnCode() > 0) return s.getReturnCode();
        }
        return 0;
    }

    private static String serverReply(Exception e) {
        for (Exception x = e; x != null; x = x instanceof MessagingException m ? m.getNextException() : null) {
            if (x instanceof SMTPAddressFailedException || x instanceof SMTPSendFailedException) return x.getMessage();
        }
        return e.getMessage();
    }

    /** The message with its cause, e.g. "Couldn't connect to host (Connection refused)". */
    private static String describe(MessagingException e) {
        Throwable cause = e.getCause();
        String message = String.valueOf(e.getMessage());
        return cause == null || cause.getMessage() == null || message.contains(cause.getMessage())
                ? message : message + " (" + cause.getClass().getSimpleName() + ": " + cause.getMessage() + ")";
    }

    /**
     * Server replies and exception texts on one bounded line, so they log cleanly, and without the e-mail
     * addresses they quote ({@code 550 5.1.1 <ada@example.com>: Recipient address rejected}): the text is
     * logged and kept with the delivery, and an address is personal data.
     */
    static String oneLine(String s) {
        if (s == null) return "";
        String flat = s.replaceAll("[\\p{Cntrl}\\u2028\\u2029]+", " ").strip();
        flat = ADDRESS.matcher(flat).replaceAll("…@…");
        return flat.length() > 300 ? flat.substring(0, 300) + "…" : flat;
    }

    /** Anything shaped like an address: a run without spaces, brackets or quotes around an {@code @}. */
    private static final java.util.regex.Pattern ADDRESS = java.util.regex.Pattern.compile("[^\\s<>()\\[\\]\"'`,;]+@[^\\s<>()\\[\\]\"'`,;]+");
}
