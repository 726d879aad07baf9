package dev.intake.adapter.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.intake.adapter.mail.SmtpMailer.SmtpSettings;
import dev.intake.application.port.Mailer.MailFailed;
import dev.intake.domain.OutgoingMail;
import jakarta.mail.Multipart;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Sends through a real GreenMail SMTP server, and through scripted servers for the replies GreenMail never gives. */
@Timeout(60)
class SmtpMailerTest {
    private static final String FROM = "Intake <noreply@example.test>";
    private static final String TO = "ada@example.test";

    private GreenMail greenMail;

    @BeforeEach
    void startServer() {
        greenMail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP))
                .withConfiguration(GreenMailConfiguration.aConfig().withUser("sender@example.test", "sender", "secret"));
        greenMail.start();
    }

    @AfterEach
    void stopServer() {
        greenMail.stop();
    }

    private static SmtpSettings settings(int port, String username, String password, String tls) {
        return new SmtpSettings("127.0.0.1", port, username, password, tls, Duration.ofSeconds(5), Duration.ofSeconds(5));
    }

    private SmtpMailer mailer() {
        return new SmtpMailer(settings(greenMail.getSmtp().getPort(), null, null, "none"));
    }

    private MimeMessage onlyMessage() {
        assertTrue(greenMail.waitForIncomingEmail(5_000, 1), "no message arrived");
        MimeMessage[] received = greenMail.getReceivedMessages();
        assertEquals(1, received.length);
        return received[0];
    }

    @Test
    void send_whenTextOnly_deliversPlainTextMessage() throws Exception {
        mailer().send(OutgoingMail.ofText(FROM, TO, "Welcome", "Hello Ada"));

        MimeMessage m = onlyMessage();
        assertEquals("Welcome", m.getSubject());
        assertEquals("noreply@example.test", ((InternetAddress) m.getFrom()[0]).getAddress());
        assertEquals("Intake", ((InternetAddress) m.getFrom()[0]).getPersonal());
        assertEquals(TO, m.getAllRecipients()[0].toString());
        assertTrue(m.isMimeType("text/plain"), m.getContentType());
        assertEquals("Hello Ada", m.getContent().toString().strip());
        assertTrue(m.getContentType().toLowerCase(Locale.ROOT).contains("charset=utf-8"), m.getContentType());
        assertTrue(m.getSentDate() != null);
        assertTrue(m.getMessageID().matches("<[0-9a-f-]{36}@example\\.test>"), m.getMessageID());
    }

    @Test
    void send_whenHtmlOnly_deliversHtmlMessage() throws Exception {
        mailer().send(new OutgoingMail(FROM, TO, "Hi", null, "<p>Hello <b>Ada</b></p>", Map.of()));

        MimeMessage m = onlyMessage();
        assertTrue(m.isMimeType("text/html"), m.getContentType());
        assertEquals("<p>Hello <b>Ada</b></p>", m.getContent().toString().strip());
    }

    @Test
    void send_whenTextAndHtml_deliversAlternativeWithHtmlLast() throws Exception {
        mailer().send(new OutgoingMail(FROM, TO, "Both", "Hello Ada", "<p>Hello Ada</p>", Map.of()));

        MimeMessage m = onlyMessage();
        assertTrue(m.isMimeType("multipart/alternative"), m.getContentType());
        Multipart parts = (Multipart) m.getContent();
        assertEquals(2, parts.getCount());
        assertTrue(parts.getBodyPart(0).isMimeType("text/plain"));
        assertEquals("Hello Ada", parts.getBodyPart(0).getContent().toString().strip());
        assertTrue(parts.getBodyPart(1).isMimeType("text/html"));
        assertEquals("<p>Hello Ada</p>", parts.getBodyPart(1).getContent().toString().strip());
    }

    @Test
    void send_whenUtf8SubjectBodyAndName_arrivesIntact() throws Exception {
        String subject = "Grüße – ✓ 日本語 😀";
        String body = "Hallo Jürgen — schön, dass du da bist ✓\n第二行";
        mailer().send(new OutgoingMail("Café Team <cafe@example.test>", "Zoë <zoe@example.test>", subject, body,
                "<p>" + body + "</p>", Map.of()));

        MimeMessage m = onlyMessage();
        assertEquals(subject, m.getSubject());
        String rawSubject = m.getHeader("Subject")[0];
        assertTrue(rawSubject.startsWith("=?UTF-8?"), "subject must travel RFC 2047-encoded: " + rawSubject);
        assertEquals("Café Team", ((InternetAddress) m.getFrom()[0]).getPersonal());
        assertEquals("Zoë", ((InternetAddress) m.getAllRecipients()[0]).getPersonal());
        Multipart parts = (Multipart) m.getContent();
        assertEquals(body, parts.getBodyPart(0).getContent().toString().strip().replace("\r\n", "\n"));
        assertEquals("<p>" + body + "</p>", parts.getBodyPart(1).getContent().toString().strip().replace("\r\n", "\n"));
    }

    @Test
    void send_whenCustomHeaders_theyArrive() throws Exception {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Intake-Delivery-Id", "dlv_123");
        headers.put("Intake-Campaign-Id", "cmp_9");
        headers.put("X-Note", "Grüße");
        headers.put("Reply-To", "help@example.test");
        mailer().send(new OutgoingMail(FROM, TO, "Headers", "x", null, headers));

        MimeMessage m = onlyMessage();
        assertEquals("dlv_123", m.getHeader("Intake-Delivery-Id")[0]);
        assertEquals("cmp_9", m.getHeader("Intake-Campaign-Id")[0]);
        assertEquals("Grüße", MimeUtility.decodeText(m.getHeader("X-Note")[0]));
        assertEquals("help@example.test", m.getReplyTo()[0].toString());
    }

    @Test
    void send_whenUsernameAndPassword_authenticatesAndDelivers() throws Exception {
        new SmtpMailer(settings(greenMail.getSmtp().getPort(), "sender", "secret", "none"))
                .send(OutgoingMail.ofText(FROM, TO, "Authed", "x"));

        assertEquals("Authed", onlyMessage().getSubject());
    }

    @Test
    void send_whenPasswordWrong_failsTransientWithoutLeakingIt() {
        SmtpMailer mailer = new SmtpMailer(settings(greenMail.getSmtp().getPort(), "sender", "wrong-secret", "none"));

        MailFailed f = assertThrows(MailFailed.class, () -> mailer.send(OutgoingMail.ofText(FROM, TO, "S", "the body text")));

        assertFalse(f.permanent(), "a login failure is fixed by configuration, then retried");
        assertFalse(f.getMessage().contains("wrong-secret"), f.getMessage());
        assertFalse(f.getMessage().contains("the body text"), f.getMessage());
        assertTrue(f.getMessage().contains("535"), f.getMessage());
        assertEquals(0, greenMail.getReceivedMessages().length);
    }

    @Test
    void send_whenStartTlsRequiredButServerHasNoTrustedTls_failsTransientAndSendsNothing() {
        SmtpMailer mailer = new SmtpMailer(settings(greenMail.getSmtp().getPort(), "sender", "secret", "starttls"));

        MailFailed f = assertThrows(MailFailed.class, () -> mailer.send(OutgoingMail.ofText(FROM, TO, "S", "x")));

        assertFalse(f.permanent(), f.getMessage());
        assertEquals(0, greenMail.getReceivedMessages().length, "must not fall back to plain text");
    }

    @Test
    void send_whenRecipientAddressInvalid_failsPermanent() {
        MailFailed f = assertThrows(MailFailed.class,
                () -> mailer().send(OutgoingMail.ofText(FROM, "ada@example..test", "S", "x")));

        assertTrue(f.permanent(), f.getMessage());
        assertTrue(f.getMessage().startsWith("invalid e-mail address"), f.getMessage());
    }

    @Test
    void send_whenServerRejectsRecipientWith5xx_failsPermanent() throws Exception {
        try (ScriptedSmtp server = new ScriptedSmtp(Map.of("RCPT", "550 5.1.1 No such user here"))) {
            MailFailed f = assertThrows(MailFailed.class, () -> server.mailer().send(OutgoingMail.ofText(FROM, TO, "S", "the body")));

            assertTrue(f.permanent(), f.getMessage());
            assertTrue(f.getMessage().contains("550 5.1.1 No such user here"), f.getMessage());
            assertFalse(f.getMessage().contains("the body"), f.getMessage());
        }
    }

    @Test
    void send_whenTheServersReplyQuotesTheAddress_theFailureDoesNot() throws Exception {
        try (ScriptedSmtp server = new ScriptedSmtp(Map.of("RCPT", "550 5.1.1 <" + TO + ">: Recipient address rejected: User unknown in " + TO))) {
            MailFailed f = assertThrows(MailFailed.class, () -> server.mailer().send(OutgoingMail.ofText(FROM, TO, "S", "x")));

            assertTrue(f.getMessage().contains("550 5.1.1 <…@…>: Recipient address rejected: User unknown in …@…"), f.getMessage());
            assertFalse(f.getMessage().contains("@" + TO.substring(TO.indexOf('@') + 1)), f.getMessage());
        }
    }

    @Test
    void send_whenTheAddressIsInvalid_theFailureDoesNotQuoteIt() {
        // Addresses the domain lets through (OutgoingMail refuses the plainly malformed ones first).
        for (String bad : new String[] {"ada.lovelace@example..test", "ada.lovelace@example.test..", "ada..lovelace@example.test"}) {
            MailFailed f = assertThrows(MailFailed.class, () -> mailer().send(OutgoingMail.ofText(FROM, bad, "S", "x")), bad);
            assertTrue(f.getMessage().startsWith("invalid e-mail address"), f.getMessage());
            assertFalse(f.getMessage().contains("lovelace"), f.getMessage());
        }
    }

    @Test
    void oneLine_redactsAddresses_andKeepsTheRest() {
        assertEquals("550 5.1.1 <…@…>: rejected (…@…, …@…)",
                SmtpMailer.oneLine("550 5.1.1 <ada@example.com>:\r\nrejected (x.y+z@mail.example.org, obrien@a.b)"));
        assertEquals("421 4.7.0 Try again later", SmtpMailer.oneLine("421 4.7.0 Try again later"));
    }

    @Test
    void send_whenServerDefersRecipientWith4xx_failsTransient() throws Exception {
        try (ScriptedSmtp server = new ScriptedSmtp(Map.of("RCPT", "451 4.7.1 Greylisted, try again later"))) {
            MailFailed f = assertThrows(MailFailed.class, () -> server.mailer().send(OutgoingMail.ofText(FROM, TO, "S", "x")));

            assertFalse(f.permanent(), f.getMessage());
            assertTrue(f.getMessage().contains("451"), f.getMessage());
        }
    }

    @Test
    void send_whenServerRejectsMessageWith5xx_failsPermanent() throws Exception {
        try (ScriptedSmtp server = new ScriptedSmtp(Map.of("DATA-END", "554 5.7.1 Message rejected as spam"))) {
            MailFailed f = assertThrows(MailFailed.class, () -> server.mailer().send(OutgoingMail.ofText(FROM, TO, "S", "x")));

            assertTrue(f.permanent(), f.getMessage());
            assertTrue(f.getMessage().contains("554"), f.getMessage());
        }
    }

    @Test
    void send_whenServerDefersMessageWith4xx_failsTransient() throws Exception {
        try (ScriptedSmtp server = new ScriptedSmtp(Map.of("DATA-END", "452 4.3.1 Insufficient system storage"))) {
            MailFailed f = assertThrows(MailFailed.class, () -> server.mailer().send(OutgoingMail.ofText(FROM, TO, "S", "x")));

            assertFalse(f.permanent(), f.getMessage());
        }
    }

    @Test
    void send_whenServerRejectsSenderWith5xx_failsPermanent() throws Exception {
        try (ScriptedSmtp server = new ScriptedSmtp(Map.of("MAIL", "553 5.7.1 Sender address rejected"))) {
            MailFailed f = assertThrows(MailFailed.class, () -> server.mailer().send(OutgoingMail.ofText(FROM, TO, "S", "x")));

            assertTrue(f.permanent(), f.getMessage());
        }
    }

    @Test
    void send_whenServerWantsAuthentication_failsTransient() throws Exception {
        try (ScriptedSmtp server = new ScriptedSmtp(Map.of("MAIL", "530 5.7.0 Authentication required"))) {
            MailFailed f = assertThrows(MailFailed.class, () -> server.mailer().send(OutgoingMail.ofText(FROM, TO, "S", "x")));

            assertFalse(f.permanent(), "missing credentials are fixed by configuration: " + f.getMessage());
        }
    }

    @Test
    void send_whenScriptedServerAccepts_succeeds() throws Exception {
        try (ScriptedSmtp server = new ScriptedSmtp(Map.of())) {
            server.mailer().send(OutgoingMail.ofText(FROM, TO, "S", "x"));
        }
    }

    @Test
    void send_whenConnectionRefused_failsTransient() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        SmtpMailer mailer = new SmtpMailer(settings(port, null, null, "none"));

        MailFailed f = assertThrows(MailFailed.class, () -> mailer.send(OutgoingMail.ofText(FROM, TO, "S", "x")));

        assertFalse(f.permanent(), f.getMessage());
        assertTrue(f.getMessage().contains("127.0.0.1:" + port), f.getMessage());
    }

    @Test
    void send_whenServerNeverAnswers_failsTransientAfterReadTimeout() throws Exception {
        // The kernel completes the TCP handshake from the backlog, but no greeting ever comes.
        try (ServerSocket silent = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            SmtpMailer mailer = new SmtpMailer(new SmtpSettings("127.0.0.1", silent.getLocalPort(), null, null, "none",
                    Duration.ofMillis(500), Duration.ofMillis(500)));

            MailFailed f = assertThrows(MailFailed.class, () -> mailer.send(OutgoingMail.ofText(FROM, TO, "S", "x")));

            assertFalse(f.permanent(), f.getMessage());
        }
    }

    @Test
    void send_whenHostNotConfigured_failsPermanentNamingTheVariable() {
        SmtpMailer mailer = new SmtpMailer(new SmtpSettings(null, 587, null, null, null, null, null));

        MailFailed f = assertThrows(MailFailed.class, () -> mailer.send(OutgoingMail.ofText(FROM, TO, "S", "x")));

        assertTrue(f.permanent());
        assertEquals("SMTP is not configured; set INTAKE_SMTP_HOST", f.getMessage());
    }

    @Test
    void settings_whenOptionalValuesOmitted_usesDefaults() {
        SmtpSettings s = new SmtpSettings(" mail.example.test ", 587, " ", "p", null, null, Duration.ZERO);

        assertEquals("mail.example.test", s.host());
        assertNull(s.username());
        assertEquals("starttls", s.tls());
        assertEquals(Duration.ofSeconds(5), s.connectTimeout());
        assertEquals(Duration.ofSeconds(10), s.readTimeout());
    }

    @Test
    void settings_whenTlsModeOrPortInvalid_throws() {
        assertThrows(IllegalArgumentException.class, () -> new SmtpSettings("h", 587, null, null, "tls1.3", null, null));
        assertThrows(IllegalArgumentException.class, () -> new SmtpSettings("h", 0, null, null, "none", null, null));
        assertThrows(IllegalArgumentException.class, () -> new SmtpSettings("h", 65536, null, null, "none", null, null));
        assertEquals("ssl", new SmtpSettings("h", 465, null, null, " SSL ", null, null).tls());
    }

    @Test
    void settings_whenPrinted_hidesPassword() {
        String printed = new SmtpSettings("h", 587, "user", "hunter2", "starttls", null, null).toString();

        assertFalse(printed.contains("hunter2"), printed);
        assertTrue(printed.contains("user"), printed);
    }

    @Test
    void fromEnvironment_whenSet_readsEachVariable() {
        assumeTrue(System.getenv("INTAKE_SMTP_HOST") == null && System.getenv("INTAKE_SMTP_PORT") == null
                && System.getenv("INTAKE_SMTP_TLS") == null, "the real environment sets SMTP variables");
        Map<String, String> props = Map.of("INTAKE_SMTP_HOST", "email-smtp.eu-west-1.amazonaws.com",
                "INTAKE_SMTP_PORT", "465", "INTAKE_SMTP_USERNAME", "AKIAEXAMPLE", "INTAKE_SMTP_PASSWORD", "pw",
                "INTAKE_SMTP_TLS", "ssl");
        props.forEach(System::setProperty);
        try {
            SmtpSettings s = SmtpSettings.fromEnvironment();
            assertEquals(new SmtpSettings("email-smtp.eu-west-1.amazonaws.com", 465, "AKIAEXAMPLE", "pw", "ssl",
                    Duration.ofSeconds(5), Duration.ofSeconds(10)), s);
        } finally {
            props.keySet().forEach(System::clearProperty);
        }
    }

    @Test
    void fromEnvironment_whenUnset_defaultsTo587StartTlsAndNoHost() {
        assumeTrue(System.getenv("INTAKE_SMTP_HOST") == null && System.getenv("INTAKE_SMTP_PORT") == null
                && System.getenv("INTAKE_SMTP_TLS") == null, "the real environment sets SMTP variables");
        SmtpSettings s = SmtpSettings.fromEnvironment();

        assertNull(s.host());
        assertEquals(587, s.port());
        assertEquals("starttls", s.tls());
    }

    @Test
    void fromEnvironment_whenPortNotANumber_throwsNamingTheVariable() {
        assumeTrue(System.getenv("INTAKE_SMTP_PORT") == null, "the real environment sets INTAKE_SMTP_PORT");
        System.setProperty("INTAKE_SMTP_PORT", "smtp");
        try {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, SmtpSettings::fromEnvironment);
            assertTrue(e.getMessage().contains("INTAKE_SMTP_PORT"), e.getMessage());
        } finally {
            System.clearProperty("INTAKE_SMTP_PORT");
        }
    }

    // OutgoingMail guards the mailer against header injection, so its rules are pinned here with the mailer.

    @Test
    void outgoingMail_whenSubjectHasCrLf_throws() {
        assertThrows(IllegalArgumentException.class, () -> OutgoingMail.ofText(FROM, TO, "Hi\r\nBcc: x@example.test", "x"));
    }

    @Test
    void outgoingMail_whenToHasLineBreak_throws() {
        assertThrows(IllegalArgumentException.class, () -> OutgoingMail.ofText(FROM, "a@example.test\nBcc: b@example.test", "S", "x"));
    }

    @Test
    void outgoingMail_whenToHasTwoAddresses_throws() {
        assertThrows(IllegalArgumentException.class, () -> OutgoingMail.ofText(FROM, "a@example.test, b@example.test", "S", "x"));
        assertThrows(IllegalArgumentException.class, () -> OutgoingMail.ofText(FROM, "a@example.test;b@example.test", "S", "x"));
        assertThrows(IllegalArgumentException.class, () -> OutgoingMail.ofText(FROM, "A <a@example.test>, b@example.test", "S", "x"));
    }

    @Test
    void outgoingMail_whenAddressBlankOrNotAnAddress_throws() {
        assertThrows(IllegalArgumentException.class, () -> OutgoingMail.ofText(" ", TO, "S", "x"));
        assertThrows(IllegalArgumentException.class, () -> OutgoingMail.ofText(FROM, null, "S", "x"));
        assertThrows(IllegalArgumentException.class, () -> OutgoingMail.ofText(FROM, "ada", "S", "x"));
        assertThrows(IllegalArgumentException.class, () -> OutgoingMail.ofText(FROM, "ada@", "S", "x"));
    }

    @Test
    void outgoingMail_whenDisplayNameForms_accepts() {
        OutgoingMail.ofText("\"Doe, Jane\" <jane@example.test>", "Zoë Ünal <zoe@example.test>", "S", "x");
        OutgoingMail.ofText("<jane@example.test>", TO, null, "x");
    }

    @Test
    void outgoingMail_whenNoBody_throws() {
        assertThrows(IllegalArgumentException.class, () -> new OutgoingMail(FROM, TO, "S", null, null, Map.of()));
    }

    @Test
    void outgoingMail_whenHeaderReservedOrBroken_throws() {
        assertThrows(IllegalArgumentException.class, () -> new OutgoingMail(FROM, TO, "S", "x", null, Map.of("Bcc", "b@example.test")));
        assertThrows(IllegalArgumentException.class, () -> new OutgoingMail(FROM, TO, "S", "x", null, Map.of("content-type", "text/html")));
        assertThrows(IllegalArgumentException.class, () -> new OutgoingMail(FROM, TO, "S", "x", null, Map.of("X-A", "1\r\nBcc: b@example.test")));
        assertThrows(IllegalArgumentException.class, () -> new OutgoingMail(FROM, TO, "S", "x", null, Map.of("X A", "1")));
        assertThrows(IllegalArgumentException.class, () -> new OutgoingMail(FROM, TO, "S", "x", null, Map.of("X:A", "1")));
    }

    @Test
    void outgoingMail_whenHeadersNullAndSubjectNull_normalises() {
        OutgoingMail m = new OutgoingMail(FROM, TO, null, "x", null, null);

        assertEquals("", m.subject());
        assertEquals(Map.of(), m.headers());
    }

    @Test
    void outgoingMailToString_whenPrinted_leavesBodiesOut() {
        String printed = new OutgoingMail(FROM, TO, "S", "secret text", "<p>secret html</p>", Map.of()).toString();

        assertFalse(printed.contains("secret"), printed);
    }

    /**
     * A one-connection SMTP server that accepts everything except the commands given replies for
     * ({@code MAIL}, {@code RCPT}, or {@code DATA-END} for the reply after the message content).
     */
    private static final class ScriptedSmtp implements AutoCloseable {
        private final ServerSocket server;
        private final Map<String, String> replies;
        private final Thread thread;

        ScriptedSmtp(Map<String, String> replies) throws IOException {
            this.server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
            this.replies = replies;
            this.thread = Thread.ofPlatform().daemon().name("scripted-smtp").start(this::serve);
        }

        SmtpMailer mailer() {
            return new SmtpMailer(settings(server.getLocalPort(), null, null, "none"));
        }

        private void serve() {
            try (Socket s = server.accept();
                 BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                 Writer out = new OutputStreamWriter(s.getOutputStream(), StandardCharsets.UTF_8)) {
                s.setSoTimeout(10_000);
                reply(out, "220 scripted ESMTP");
                String line;
                while ((line = in.readLine()) != null) {
                    String verb = line.length() >= 4 ? line.substring(0, 4).toUpperCase(Locale.ROOT) : line;
                    switch (verb) {
                        case "EHLO", "HELO" -> reply(out, "250 scripted");
                        case "MAIL", "RCPT" -> reply(out, replies.getOrDefault(verb, "250 OK"));
                        case "DATA" -> {
                            reply(out, "354 End data with <CR><LF>.<CR><LF>");
                            while ((line = in.readLine()) != null && !line.equals(".")) {
                                // The content is not needed.
                            }
                            reply(out, replies.getOrDefault("DATA-END", "250 OK queued"));
                        }
                        case "QUIT" -> {
                            reply(out, "221 bye");
                            return;
                        }
                        case "RSET", "NOOP" -> reply(out, "250 OK");
                        default -> reply(out, "502 not implemented");
                    }
                }
            } catch (IOException ignored) {
                // The test is over or the client went away; the assertions are on the client's side.
            }
        }

        private static void reply(Writer out, String line) throws IOException {
            out.write(line + "\r\n");
            out.flush();
        }

        @Override
        public void close() throws Exception {
            server.close();
            thread.join(5_000);
        }
    }
}
