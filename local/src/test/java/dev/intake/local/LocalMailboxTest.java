package dev.intake.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.intake.adapter.mail.SmtpMailer;
import dev.intake.domain.OutgoingMail;
import dev.intake.json.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class LocalMailboxTest {
    private static final String FROM = "Intake <noreply@intake.local>";

    private LocalMailbox mailbox;
    private SmtpMailer mailer;

    @BeforeEach
    void start() {
        mailbox = LocalMailbox.start();
        mailer = new SmtpMailer(mailbox.settings());
    }

    @AfterEach
    void stop() {
        mailbox.close();
    }

    @Test
    void settings_whenStarted_pointAtLoopbackWithoutTls() {
        assertEquals("127.0.0.1", mailbox.settings().host());
        assertEquals(mailbox.port(), mailbox.settings().port());
        assertEquals("none", mailbox.settings().tls());
        assertTrue(mailbox.port() > 0);
    }

    @Test
    void messages_whenMailSent_parsesItNewestFirst() throws Exception {
        Instant before = Instant.now().minusSeconds(1);
        mailer.send(new OutgoingMail(FROM, "Zoë <zoe@example.test>", "First ✓", "text one", null,
                Map.of("Intake-Delivery-Id", "dlv_1")));
        mailer.send(new OutgoingMail(FROM, "ada@example.test", "Second", "text two", "<p>html two</p>", Map.of()));
        assertTrue(mailbox.await(2, Duration.ofSeconds(5)));

        List<LocalMailbox.Message> messages = mailbox.messages();

        assertEquals(2, messages.size());
        LocalMailbox.Message second = messages.get(0);
        LocalMailbox.Message first = messages.get(1);
        assertEquals("Second", second.subject());
        assertEquals("text two", second.text().strip());
        assertEquals("<p>html two</p>", second.html().strip());
        assertEquals("ada@example.test", second.to());
        assertEquals("First ✓", first.subject());
        assertEquals("Intake <noreply@intake.local>", first.from());
        assertEquals("Zoë <zoe@example.test>", first.to());
        assertEquals("text one", first.text().strip());
        assertNull(first.html());
        assertEquals("dlv_1", first.headers().get("Intake-Delivery-Id"));
        assertFalse(first.id().isBlank());
        assertFalse(first.id().equals(second.id()));
        assertFalse(first.receivedAt().isBefore(before));
    }

    @Test
    void messages_whenDisplayNameHasSpecials_showsItQuoted() throws Exception {
        mailer.send(OutgoingMail.ofText("\"Doe, Jane\" <jane@example.test>", "ada@example.test", "S", "x"));
        assertTrue(mailbox.await(1, Duration.ofSeconds(5)));

        assertEquals("\"Doe, Jane\" <jane@example.test>", mailbox.messages().get(0).from());
    }

    @Test
    void clear_whenMessagesCaught_emptiesTheMailbox() throws Exception {
        mailer.send(OutgoingMail.ofText(FROM, "ada@example.test", "S", "x"));
        assertTrue(mailbox.await(1, Duration.ofSeconds(5)));

        mailbox.clear();

        assertEquals(List.of(), mailbox.messages());
        assertTrue(mailbox.html().contains("No mail yet."));
    }

    @Test
    void html_whenSubjectAndBodiesHoldMarkup_escapesEverything() throws Exception {
        mailer.send(new OutgoingMail(FROM, "ada@example.test", "<script>alert(1)</script> & \"q\"",
                "Confirm: http://127.0.0.1:3000/api/consent/confirm?token=a&b=1.\n"
                        + "Elsewhere: https://evil.example/x and http://localhost.evil.example/ and http://127.0.0.1@evil.example/\n"
                        + "<img src=x onerror=alert(2)>",
                "<p onclick=\"x()\">Hi & bye</p><script>alert(3)</script>", Map.of()));
        assertTrue(mailbox.await(1, Duration.ofSeconds(5)));

        String page = mailbox.html();

        assertTrue(page.startsWith("<!doctype html>"));
        assertFalse(page.contains("<script>"), page);
        assertTrue(page.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;q&quot;"), page);
        assertTrue(page.contains("&lt;img src=x onerror=alert(2)&gt;"), page);
        assertTrue(page.contains("<a href=\"http://127.0.0.1:3000/api/consent/confirm?token=a&amp;b=1\">"
                + "http://127.0.0.1:3000/api/consent/confirm?token=a&amp;b=1</a>."), page);
        assertFalse(page.contains("href=\"https://evil.example"), page);
        assertFalse(page.contains("href=\"http://localhost.evil.example"), page);
        assertFalse(page.contains("href=\"http://127.0.0.1@evil.example"), page);
        assertTrue(page.contains("<iframe sandbox title=\"HTML body\" srcdoc=\"&lt;p onclick=&quot;x()&quot;&gt;"
                + "Hi &amp; bye&lt;/p&gt;&lt;script&gt;alert(3)&lt;/script&gt;"), page);
        assertTrue(page.contains("1 message caught"), page);
    }

    @Test
    void json_whenMessagesCaught_listsThemWithAllFields() throws Exception {
        mailer.send(new OutgoingMail(FROM, "ada@example.test", "Hello \"Ada\"", "text", "<b>html</b>",
                Map.of("Intake-Campaign-Id", "cmp_1")));
        assertTrue(mailbox.await(1, Duration.ofSeconds(5)));

        JsonNode root = Json.mapper().readTree(mailbox.json());

        assertEquals(1, root.get("count").asInt());
        JsonNode m = root.get("messages").get(0);
        assertEquals("Hello \"Ada\"", m.get("subject").asText());
        assertEquals("ada@example.test", m.get("to").asText());
        assertEquals("Intake <noreply@intake.local>", m.get("from").asText());
        assertEquals("text", m.get("text").asText().strip());
        assertEquals("<b>html</b>", m.get("html").asText().strip());
        assertEquals("cmp_1", m.get("headers").get("Intake-Campaign-Id").asText());
        assertEquals(mailbox.messages().get(0).id(), m.get("id").asText());
        Instant.parse(m.get("receivedAt").asText());
    }

    @Test
    void json_whenEmpty_hasZeroMessages() throws Exception {
        JsonNode root = Json.mapper().readTree(mailbox.json());

        assertEquals(0, root.get("count").asInt());
        assertEquals(0, root.get("messages").size());
    }

    @Test
    void smtp_whenClientLogsIn_acceptsAnyCredentials() throws Exception {
        SmtpMailer.SmtpSettings s = mailbox.settings();
        new SmtpMailer(new SmtpMailer.SmtpSettings(s.host(), s.port(), "anyone", "anything", "none", null, null))
                .send(OutgoingMail.ofText(FROM, "ada@example.test", "Authed", "x"));

        assertTrue(mailbox.await(1, Duration.ofSeconds(5)));
        assertEquals("Authed", mailbox.messages().get(0).subject());
    }
}
