package dev.intake.local;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.intake.application.CreateWorkspace;
import dev.intake.application.SubmitForm;
import dev.intake.domain.ConsentState;
import dev.intake.domain.Credential;
import dev.intake.domain.CredentialKind;
import dev.intake.domain.Field;
import dev.intake.domain.FieldType;
import dev.intake.domain.Form;
import dev.intake.domain.FormStatus;
import dev.intake.domain.Ids;
import dev.intake.domain.Person;
import dev.intake.domain.Source;
import dev.intake.domain.Submission;
import dev.intake.domain.Workspace;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The action URL of plain HTML forms ({@code POST /forms/submit_action?site_id=…&form_id=…&success_url=…},
 * seed 000 "Submit forms using the action attribute") over real HTTP against the local stack: the 303s,
 * the redirect rules, the HTML error pages, the guards, and double opt-in through the confirmation link.
 *
 * <p>Every request comes from 127.0.0.1 and public posts are limited to {@value SubmitForm#RATE_LIMIT} per
 * IP and form a minute, so each test uses its own workspace and forms.
 */
class ActionSubmitIT {
    /** The form id of seed 000's action URL. */
    private static final String SEED_FORM_ID = "2d75e032c78a41a";
    private static final String SEED_SUCCESS_URL = "https://success.example.com/thanks";
    private static final String CHROME_UA = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 "
            + "(KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";
    private static final String URLENCODED = "application/x-www-form-urlencoded";
    private static final String WEBKIT_BOUNDARY = "----WebKitFormBoundary7MA4YWxkTrZu0gW";
    private static final Duration POLL = Duration.ofSeconds(20);

    // ---------------------------------------------------------------------------------------------------
    // 1. Seed 000's form
    // ---------------------------------------------------------------------------------------------------

    @Test
    void submitAction_whenSeed000FormIsPostedFromTheSuccessHost_redirectsRegistersFormAndStoresEverything() {
        var ws = Fixtures.workspace();
        // Seed 000's action attribute, with only the host (and the site id, which is the workspace's) changed.
        String action = "/forms/submit_action?site_id=" + ws.siteId() + "&form_id=" + SEED_FORM_ID
                + "&success_url=" + SEED_SUCCESS_URL;
        // What a browser sends for <input name="email" type="email"> and <input name="job title" type="text">.
        String body = "email=jane%40example.com&job+title=Software+Engineer";

        var res = Http.send("POST", action, body, "Content-Type", URLENCODED, "User-Agent", CHROME_UA,
                "Origin", "https://success.example.com", "Referer", "https://success.example.com/signup");

        assertEquals(303, res.statusCode(), res.body());
        assertEquals(SEED_SUCCESS_URL, location(res));
        assertEquals("no-store", res.headers().firstValue("Cache-Control").orElse(null));

        Form form = TestStack.get().services().forms.find(ws.workspaceId() + ":" + SEED_FORM_ID).orElseThrow();
        assertEquals(SEED_FORM_ID, form.id());
        assertEquals(SEED_FORM_ID, form.name());
        assertEquals(ws.workspaceId(), form.workspaceId());
        assertEquals(List.of("email", "job title"), form.fields().stream().map(Field::name).toList());
        assertEquals(List.of(FieldType.TEXT, FieldType.TEXT), form.fields().stream().map(Field::type).toList());
        assertEquals(List.of("email", "job title"), form.fields().stream().map(Field::attribute).toList());
        assertEquals(FormStatus.ACTIVE, form.status());
        assertFalse(form.doubleOptIn());

        String personId = Ids.person(ws.workspaceId(), "email", "jane@example.com");
        List<Submission> stored = submissions(form.key());
        assertEquals(1, stored.size());
        Submission s = stored.get(0);
        assertTrue(Ids.isSubmission(s.id()), s.id());
        assertEquals(ws.workspaceId(), s.workspaceId());
        assertEquals(SEED_FORM_ID, s.formId());
        assertEquals(Map.of(fieldId(form, "email"), "jane@example.com", fieldId(form, "job title"), "Software Engineer"), s.data());
        assertEquals(Source.ACTION, s.metadata().source());
        assertEquals("127.0.0.1", s.metadata().ip());
        assertEquals(CHROME_UA, s.metadata().userAgent());
        assertEquals("https://success.example.com/signup", s.metadata().referrer());
        assertEquals(personId, s.personId());

        Person person = person(ws, "jane@example.com").orElseThrow();
        assertEquals("jane@example.com", person.email());
        assertNull(person.externalId());
        assertEquals(Map.of("job title", "Software Engineer"), person.attributes());
        assertEquals(ConsentState.OPTED_IN, person.consent());
        assertEquals(SEED_FORM_ID, person.consentRecord().formId());
        assertEquals(Source.ACTION, person.consentRecord().source());
        assertEquals("127.0.0.1", person.consentRecord().ip());

        assertEquals(1, Fixtures.submissionCount(ws, SEED_FORM_ID));
        JsonNode view = formView(ws, SEED_FORM_ID);
        assertEquals("text", view.path("fields").get(0).path("type").asText());
        assertEquals("text", view.path("fields").get(1).path("type").asText());
        assertEquals("active", view.path("status").asText());
    }

    @Test
    void submitAction_whenOnlyRefererIsOnTheSuccessHost_redirectsToSuccessUrl() {
        var ws = Fixtures.workspace();
        String action = "/forms/submit_action?site_id=" + ws.siteId() + "&form_id=" + SEED_FORM_ID
                + "&success_url=" + SEED_SUCCESS_URL;

        var res = Http.send("POST", action, "email=ref%40example.com&job+title=Editor",
                "Content-Type", URLENCODED, "Referer", "https://success.example.com/signup?utm=x");

        assertEquals(303, res.statusCode(), res.body());
        assertEquals(SEED_SUCCESS_URL, location(res));
        assertEquals(Map.of("job title", "Editor"), person(ws, "ref@example.com").orElseThrow().attributes());
        assertEquals(1, Fixtures.submissionCount(ws, SEED_FORM_ID));
    }

    // ---------------------------------------------------------------------------------------------------
    // 2. multipart/form-data
    // ---------------------------------------------------------------------------------------------------

    @Test
    void submitAction_whenMultipartWithRepeatedCheckboxes_storesTheSameAsUrlencodedWithListValue() {
        var ws = Fixtures.workspace();
        String success = "https://success.example.com/thanks";
        String[] origin = {"Origin", "https://success.example.com"};

        byte[] multipart = multipart(WEBKIT_BOUNDARY,
                new String[] {"email", "multi@example.com"},
                new String[] {"job title", "Ingénieure"},
                new String[] {"interests", "tech"},
                new String[] {"interests", "design"},
                new String[] {"attachment", null}); // an empty <input type=file>, as Chrome sends it
        var viaMultipart = Http.sendBytes("POST", action(ws.siteId(), "multi-form", success), multipart,
                "Content-Type", "multipart/form-data; boundary=" + WEBKIT_BOUNDARY, origin[0], origin[1]);
        var viaUrlencoded = Http.send("POST", action(ws.siteId(), "url-form", success),
                "email=url%40example.com&job+title=Ing%C3%A9nieure&interests=tech&interests=design&attachment=",
                "Content-Type", URLENCODED, origin[0], origin[1]);

        assertEquals(303, viaMultipart.statusCode(), viaMultipart.body());
        assertEquals(success, location(viaMultipart));
        assertEquals(303, viaUrlencoded.statusCode(), viaUrlencoded.body());
        assertEquals(success, location(viaUrlencoded));

        Form multiForm = TestStack.get().services().forms.find(ws.workspaceId() + ":multi-form").orElseThrow();
        Form urlForm = TestStack.get().services().forms.find(ws.workspaceId() + ":url-form").orElseThrow();
        assertEquals(List.of("email", "job title", "interests"), multiForm.fields().stream().map(Field::name).toList());
        assertEquals(List.of(FieldType.TEXT, FieldType.TEXT, FieldType.TEXT), multiForm.fields().stream().map(Field::type).toList());
        assertEquals(shape(urlForm), shape(multiForm));

        List<Submission> multiSubs = submissions(multiForm.key());
        List<Submission> urlSubs = submissions(urlForm.key());
        assertEquals(1, multiSubs.size());
        assertEquals(1, urlSubs.size());
        Map<String, Object> multiData = byName(multiForm, multiSubs.get(0));
        assertEquals(Map.of("email", "multi@example.com", "job title", "Ingénieure", "interests", List.of("tech", "design")), multiData);
        Map<String, Object> urlData = byName(urlForm, urlSubs.get(0));
        urlData.put("email", "multi@example.com");
        assertEquals(urlData, multiData);
        assertEquals(Source.ACTION, multiSubs.get(0).metadata().source());
        assertEquals("127.0.0.1", multiSubs.get(0).metadata().ip());
        assertEquals(Ids.person(ws.workspaceId(), "email", "multi@example.com"), multiSubs.get(0).personId());

        Person multiPerson = person(ws, "multi@example.com").orElseThrow();
        Person urlPerson = person(ws, "url@example.com").orElseThrow();
        assertEquals(Map.of("job title", "Ingénieure", "interests", List.of("tech", "design")), multiPerson.attributes());
        assertEquals(urlPerson.attributes(), multiPerson.attributes());
        assertEquals(Source.ACTION, multiPerson.consentRecord().source());
        assertEquals("multi-form", multiPerson.consentRecord().formId());

        assertEquals(1, Fixtures.submissionCount(ws, "multi-form"));
        assertEquals(1, Fixtures.submissionCount(ws, "url-form"));
    }

    // ---------------------------------------------------------------------------------------------------
    // 3. Redirect rules
    // ---------------------------------------------------------------------------------------------------

    @Test
    void submitAction_whenSuccessHostIsListedByTheForm_redirectsToSuccessUrlWithoutOriginOrReferer() {
        var ws = Fixtures.workspace();
        String formId = Fixtures.createForm(ws, """
                {"name":"Listed host","fields":[{"name":"email","type":"email","required":true}],
                 "settings":{"redirectHosts":["thanks.example.net"],"redirectUrl":"https://fallback.example.com/"}}""")
                .path("id").asText();
        assertTrue(formId.startsWith("frm_"), formId);

        var res = post(action(ws.siteId(), formId, "https://thanks.example.net/done?x=1"), "email=listed%40example.com");

        assertEquals(303, res.statusCode(), res.body());
        assertEquals("https://thanks.example.net/done?x=1", location(res));
        assertEquals(1, Fixtures.submissionCount(ws, formId));
        assertTrue(person(ws, "listed@example.com").isPresent());

        // A host the form does not list (nor the posting page) falls back to the form's redirectUrl.
        var other = post(action(ws.siteId(), formId, "https://other.example.net/done"), "email=other%40example.com");
        assertEquals(303, other.statusCode(), other.body());
        assertEquals("https://fallback.example.com/", location(other));
    }

    @Test
    void submitAction_whenGeneratedFormIdIsUnknown_is404AndNotRegistered() {
        var ws = Fixtures.workspace();
        String unknown = "frm_" + "Zz9NotThere";

        var res = post(action(ws.siteId(), unknown, "https://thanks.example.net/done"), "email=gen%40example.com",
                "Referer", "https://thanks.example.net/signup");

        String page = assertHtmlPage(res, 404);
        assertTrue(page.contains("<title>Not found</title>"), page);
        assertTrue(page.contains("Form not found"), page);
        assertTrue(page.contains("<a href=\"https://thanks.example.net/signup\">Go back</a>"), page);
        assertTrue(TestStack.get().services().forms.find(unknown).isEmpty());
        assertTrue(TestStack.get().services().forms.find(ws.workspaceId() + ":" + unknown).isEmpty());
        assertTrue(person(ws, "gen@example.com").isEmpty());
    }

    @Test
    void submitAction_whenSuccessHostMatchesWorkspaceWildcard_redirectsToSuccessUrl() {
        var ws = workspace(List.of("*.example.org"), true);

        var res = post(action(ws.siteId(), "wild-form", "https://www.example.org/thanks"), "email=wild%40example.com");
        assertEquals(303, res.statusCode(), res.body());
        assertEquals("https://www.example.org/thanks", location(res));

        var deeper = post(action(ws.siteId(), "wild-form", "https://a.b.example.org/t"), "email=wild2%40example.com");
        assertEquals(303, deeper.statusCode(), deeper.body());
        assertEquals("https://a.b.example.org/t", location(deeper));

        // Lookalikes of the wildcard are not allowed: the form has no redirectUrl, so the thank-you page.
        String thankYou = "thank_you?site_id=" + ws.siteId() + "&form_id=wild-form";
        for (String lookalike : List.of("https://evilexample.org/", "https://www.example.org.evil.example/")) {
            var res2 = post(action(ws.siteId(), "wild-form", lookalike), "email=look%40example.com");
            assertEquals(303, res2.statusCode(), res2.body());
            assertEquals(thankYou, location(res2), lookalike);
        }
        assertEquals(4, Fixtures.submissionCount(ws, "wild-form"));
    }

    @Test
    void submitAction_whenSuccessHostIsForeignAndNoPostingPage_redirectsToFormRedirectUrl() {
        var ws = Fixtures.workspace();
        String formId = Fixtures.seedForm(ws, false).path("id").asText(); // settings.redirectUrl https://example.com/thank-you

        var res = post(action(ws.siteId(), formId, "https://foreign.example/thanks"), "email=foreign%40example.com");

        assertEquals(303, res.statusCode(), res.body());
        assertEquals("https://example.com/thank-you", location(res));
        assertEquals(1, Fixtures.submissionCount(ws, formId));
    }

    @Test
    void submitAction_whenNoAllowedSuccessUrlAndNoRedirectUrl_redirectsToThankYouPageShowingEscapedMessage() {
        var ws = Fixtures.workspace();
        String formId = Fixtures.createForm(ws, """
                {"name":"Thanks page","fields":[{"name":"email","type":"email"}],
                 "settings":{"successMessage":"Thanks <b>& welcome</b>"}}""").path("id").asText();
        String action = action(ws.siteId(), formId, "https://foreign.example/thanks");

        var res = post(action, "email=thanks%40example.com");

        assertEquals(303, res.statusCode(), res.body());
        String expected = "thank_you?site_id=" + ws.siteId() + "&form_id=" + formId;
        assertEquals(expected, location(res));
        URI resolved = URI.create(TestStack.get().baseUrl() + action).resolve(location(res));
        assertEquals("/forms/thank_you", resolved.getPath());

        var page = Http.send("GET", resolved.getRawPath() + "?" + resolved.getRawQuery(), null);
        String html = assertHtmlPage(page, 200);
        assertTrue(html.contains("<h1>Thank you!</h1>"), html);
        assertTrue(html.contains("<p>Thanks &lt;b&gt;&amp; welcome&lt;/b&gt;</p>"), html);
        assertFalse(html.contains("<b>"), html);
        assertEquals(1, Fixtures.submissionCount(ws, formId));

        // Without a form (or a site) the page still answers with the default message.
        var unknown = Http.send("GET", "/forms/thank_you?site_id=" + ws.siteId() + "&form_id=no-such-form", null);
        assertTrue(assertHtmlPage(unknown, 200).contains("Your submission was received."));
        var noSite = Http.send("GET", "/forms/thank_you?site_id=nope&form_id=x", null);
        assertTrue(assertHtmlPage(noSite, 200).contains("Your submission was received."));
    }

    // ---------------------------------------------------------------------------------------------------
    // 4. No open redirect, no header injection
    // ---------------------------------------------------------------------------------------------------

    @Test
    void submitAction_whenSuccessUrlIsHostile_neverRedirectsThereNorInjectsHeaders() {
        var ws = Fixtures.workspace();
        String thankYou = "thank_you?site_id=" + ws.siteId() + "&form_id=safe-form";
        List<String> hostile = List.of(
                "https://evil.example/",
                "javascript:alert(1)",
                "//evil.example",
                "https://ok.example/%0d%0aSet-Cookie:x=1",
                "https://ok.example/\r\nSet-Cookie: x=1");
        int i = 0;
        for (String url : hostile) {
            var res = post(action(ws.siteId(), "safe-form", url), "email=h" + i++ + "%40example.com");
            assertEquals(303, res.statusCode(), url + ": " + res.body());
            assertEquals(thankYou, location(res), url);
            assertNoInjection(res);
        }

        // Even when the posting page is on ok.example, a success_url with raw CR/LF or user info is refused.
        for (String url : List.of("https://ok.example/\r\nSet-Cookie: x=1", "https://ok.example/%0D%0ALocation:%20https://evil.example",
                "https://ok.example@evil.example/", "javascript://ok.example/%0aalert(1)")) {
            var res = post(action(ws.siteId(), "safe-form", url), "email=h" + i++ + "%40example.com",
                    "Origin", "https://ok.example", "Referer", "https://ok.example/form");
            assertEquals(303, res.statusCode(), url + ": " + res.body());
            String location = location(res);
            assertNoInjection(res);
            if (url.contains("%0D%0A")) {
                // Percent-encoded CR/LF is an ordinary path on the allowed host, and stays encoded.
                assertEquals(url, location);
            } else {
                assertEquals(thankYou, location, url);
            }
            assertFalse(location.contains("evil.example") && !location.startsWith("https://ok.example/"), location);
        }
        assertEquals(i, Fixtures.submissionCount(ws, "safe-form"));
    }

    // ---------------------------------------------------------------------------------------------------
    // 5. Errors are escaped HTML pages, and store nothing
    // ---------------------------------------------------------------------------------------------------

    @Test
    void submitAction_whenSiteIdIsUnknown_is404PageWithBackLink() {
        String referer = "https://shop.example/contact?ref=a&x=1";
        var res = post(action("0000deadbeef0000", "contact", "https://shop.example/thanks"), "email=nosite%40example.com",
                "Referer", referer);

        String page = assertHtmlPage(res, 404);
        assertTrue(page.contains("<h1>Not found</h1>"), page);
        assertTrue(page.contains("<p>Site not found</p>"), page);
        assertTrue(page.contains("<a href=\"https://shop.example/contact?ref=a&amp;x=1\">Go back</a>"), page);
        assertTrue(res.headers().firstValue("Location").isEmpty());
    }

    @Test
    void submitAction_whenSiteIdIsMissing_is400Page() {
        var res = post("/forms/submit_action?form_id=contact", "email=nosite%40example.com");
        String page = assertHtmlPage(res, 400);
        assertTrue(page.contains("The action URL needs &#39;site_id&#39;"), page);
    }

    @Test
    void submitAction_whenFormIdIsMissing_is400PageAndStoresNothing() {
        var ws = Fixtures.workspace();
        var res = post("/forms/submit_action?site_id=" + ws.siteId() + "&success_url=" + enc("https://x.example/"),
                "email=noform%40example.com", "Referer", "https://x.example/page");

        String page = assertHtmlPage(res, 400);
        assertTrue(page.contains("<h1>Your submission could not be accepted</h1>"), page);
        assertTrue(page.contains("Name the form: &#39;form_id&#39; is required"), page);
        assertTrue(page.contains("<a href=\"https://x.example/page\">Go back</a>"), page);
        assertTrue(TestStack.get().services().forms.listByWorkspace(ws.workspaceId()).isEmpty());
        assertTrue(person(ws, "noform@example.com").isEmpty());
    }

    @Test
    void submitAction_whenFormIdIsMalformed_is400PageAndStoresNothing() {
        var ws = Fixtures.workspace();
        for (String bad : List.of("a/b", "-leading-dash", "x".repeat(129), "<script>")) {
            var res = post(action(ws.siteId(), bad, "https://x.example/"), "email=malformed%40example.com");
            String page = assertHtmlPage(res, 400);
            assertTrue(page.contains("&#39;form_id&#39; must be 1 to 128 letters, digits or . _ ~ : @ -"), page);
            assertFalse(page.contains("<script>"), page);
        }
        assertTrue(TestStack.get().services().forms.listByWorkspace(ws.workspaceId()).isEmpty());
        assertTrue(person(ws, "malformed@example.com").isEmpty());
    }

    @Test
    void submitAction_whenContentTypeIsJson_is400PageEscapingTheTypeAndStoresNothing() {
        var ws = Fixtures.workspace();
        String formId = emailForm(ws);

        var json = Http.send("POST", action(ws.siteId(), formId, "https://x.example/"), "{\"email\":\"json@example.com\"}",
                "Content-Type", "application/json");
        String page = assertHtmlPage(json, 400);
        assertTrue(page.contains("Post the form as &#39;application/x-www-form-urlencoded&#39; or &#39;multipart/form-data&#39;,"
                + " not &#39;application/json&#39;"), page);

        var scripted = Http.send("POST", action(ws.siteId(), formId, "https://x.example/"), "email=json%40example.com",
                "Content-Type", "text/<script>alert(1)</script>");
        String page2 = assertHtmlPage(scripted, 400);
        assertTrue(page2.contains("not &#39;text/&lt;script&gt;alert(1)&lt;/script&gt;&#39;"), page2);
        assertFalse(page2.contains("<script>"), page2);

        assertEquals(0, Fixtures.submissionCount(ws, formId));
        assertTrue(person(ws, "json@example.com").isEmpty());
    }

    @Test
    void submitAction_whenBodyIsEmpty_is400PageAndStoresNothing() {
        var ws = Fixtures.workspace();
        String formId = emailForm(ws);

        String page = assertHtmlPage(post(action(ws.siteId(), formId, "https://x.example/"), ""), 400);
        assertTrue(page.contains("The request body is empty"), page);
        var multipart = Http.sendBytes("POST", action(ws.siteId(), formId, "https://x.example/"), new byte[0],
                "Content-Type", "multipart/form-data; boundary=" + WEBKIT_BOUNDARY);
        assertTrue(assertHtmlPage(multipart, 400).contains("The request body is empty"));

        assertEquals(0, Fixtures.submissionCount(ws, formId));
    }

    @Test
    void submitAction_whenAFieldValueIsOver10KB_is413PageNamingTheFieldEscapedAndStoresNothing() {
        var ws = Fixtures.workspace();
        String formId = emailForm(ws);

        var res = post(action(ws.siteId(), formId, "https://x.example/"),
                "email=big%40example.com&%3Ci%3Enote%3C%2Fi%3E=" + "x".repeat(10 * 1024 + 1));

        String page = assertHtmlPage(res, 413);
        assertTrue(page.contains("<h1>Submission too large</h1>"), page);
        assertTrue(page.contains("Field &#39;&lt;i&gt;note&lt;/i&gt;&#39; is longer than 10240 bytes"), page);
        assertFalse(page.contains("<i>"), page);
        assertEquals(0, Fixtures.submissionCount(ws, formId));
        assertTrue(person(ws, "big@example.com").isEmpty());
        assertEquals(List.of("email"), formFieldNames(ws, formId));
    }

    @Test
    void submitAction_whenBodyIsOver100KB_is413PageAndStoresNothing() {
        var ws = Fixtures.workspace();
        String formId = emailForm(ws);
        StringBuilder body = new StringBuilder("email=huge%40example.com");
        for (int i = 0; i < 11; i++) body.append("&f").append(i).append('=').append("y".repeat(9_500));
        assertTrue(body.length() > 100 * 1024);

        var res = post(action(ws.siteId(), formId, "https://x.example/"), body.toString());

        String page = assertHtmlPage(res, 413);
        assertTrue(page.contains("The body is " + body.length() + " bytes; the limit is 102400"), page);
        assertEquals(0, Fixtures.submissionCount(ws, formId));
        assertTrue(person(ws, "huge@example.com").isEmpty());
    }

    @Test
    void submitAction_whenEmailFieldIsInvalid_is400PageNamingTheFieldAndStoresNothing() {
        var ws = Fixtures.workspace();
        String formId = emailForm(ws);

        var res = post(action(ws.siteId(), formId, "https://x.example/"), "email=not-an-email&firstName=Jo",
                "Referer", "https://x.example/signup");

        String page = assertHtmlPage(res, 400);
        assertTrue(page.contains("Invalid values: email: not a valid email address"), page);
        assertTrue(page.contains("<a href=\"https://x.example/signup\">Go back</a>"), page);
        assertEquals(0, Fixtures.submissionCount(ws, formId));
        assertEquals(List.of("email"), formFieldNames(ws, formId));
        assertTrue(person(ws, "not-an-email").isEmpty());
    }

    @Test
    void submitAction_whenRefererIsJavascriptUrl_errorPageHasNoLink() {
        var ws = Fixtures.workspace();
        String formId = emailForm(ws);

        var res = post(action(ws.siteId(), formId, "https://x.example/"), "email=bad", "Referer", "javascript:alert(1)");

        String page = assertHtmlPage(res, 400);
        assertFalse(page.contains("<a "), page);
        assertFalse(page.contains("Go back"), page);
        assertFalse(page.toLowerCase().contains("javascript:"), page);

        // With a web Origin beside it, the back link is the Origin, never the javascript: Referer.
        var withOrigin = post(action(ws.siteId(), formId, "https://x.example/"), "email=bad",
                "Referer", "javascript:alert(1)", "Origin", "https://x.example");
        String page2 = assertHtmlPage(withOrigin, 400);
        assertTrue(page2.contains("<a href=\"https://x.example\">Go back</a>"), page2);
        assertFalse(page2.toLowerCase().contains("javascript:"), page2);
        assertEquals(0, Fixtures.submissionCount(ws, formId));
    }

    // ---------------------------------------------------------------------------------------------------
    // 6. Auto-registration off
    // ---------------------------------------------------------------------------------------------------

    @Test
    void submitAction_whenAutoRegistrationIsOff_unknownFormIs404AndNotCreated() {
        var ws = workspace(List.of(), false);

        var res = post(action(ws.siteId(), "new-form", "https://x.example/"), "email=auto%40example.com",
                "Origin", "https://x.example");

        String page = assertHtmlPage(res, 404);
        assertTrue(page.contains("<h1>Not found</h1>"), page);
        assertTrue(page.contains("<p>Form not found</p>"), page);
        assertTrue(TestStack.get().services().forms.find(ws.workspaceId() + ":new-form").isEmpty());
        assertTrue(TestStack.get().services().forms.listByWorkspace(ws.workspaceId()).isEmpty());
        assertTrue(person(ws, "auto@example.com").isEmpty());

        // A form created through the API still takes posts.
        String formId = emailForm(ws);
        var ok = post(action(ws.siteId(), formId, "https://x.example/done"), "email=auto%40example.com", "Origin", "https://x.example");
        assertEquals(303, ok.statusCode(), ok.body());
        assertEquals("https://x.example/done", location(ok));
        assertEquals(1, Fixtures.submissionCount(ws, formId));
    }

    // ---------------------------------------------------------------------------------------------------
    // 7. Honeypot
    // ---------------------------------------------------------------------------------------------------

    @Test
    void submitAction_whenDefaultHoneypotIsFilled_sameRedirectButNothingStored() {
        var ws = Fixtures.workspace();
        String success = "https://success.example.com/thanks";
        String[] from = {"Origin", "https://success.example.com"};

        var real = post(action(ws.siteId(), "pot-form", success), "email=real%40example.com&name=Real&_gotcha=", from);
        assertEquals(303, real.statusCode(), real.body());
        Form before = TestStack.get().services().forms.find(ws.workspaceId() + ":pot-form").orElseThrow();
        assertEquals(List.of("email", "name"), before.fields().stream().map(Field::name).toList());

        var bot = post(action(ws.siteId(), "pot-form", success), "email=bot%40example.com&name=Bot&_gotcha=filled", from);

        assertEquals(303, bot.statusCode(), bot.body());
        assertEquals(location(real), location(bot));
        assertEquals(1, Fixtures.submissionCount(ws, "pot-form"));
        assertEquals(1, submissions(before.key()).size());
        assertTrue(person(ws, "bot@example.com").isEmpty());
        Form after = TestStack.get().services().forms.find(before.key()).orElseThrow();
        assertEquals(List.of("email", "name"), after.fields().stream().map(Field::name).toList());
        assertEquals(before.version(), after.version());
    }

    @Test
    void submitAction_whenConfiguredHoneypotIsFilled_dropsThePost() {
        var ws = Fixtures.workspace();
        String formId = Fixtures.createForm(ws, """
                {"name":"Custom pot","fields":[{"name":"email","type":"email"}],
                 "settings":{"honeypotField":"website","redirectUrl":"https://example.com/ok"}}""").path("id").asText();

        var bot = post(action(ws.siteId(), formId, null), "email=spam%40example.com&website=http%3A%2F%2Fspam.example");
        assertEquals(303, bot.statusCode(), bot.body());
        assertEquals("https://example.com/ok", location(bot));
        assertEquals(0, Fixtures.submissionCount(ws, formId));
        assertTrue(person(ws, "spam@example.com").isEmpty());

        var human = post(action(ws.siteId(), formId, null), "email=human%40example.com&website=");
        assertEquals(303, human.statusCode(), human.body());
        assertEquals("https://example.com/ok", location(human));
        assertEquals(1, Fixtures.submissionCount(ws, formId));
        assertTrue(person(ws, "human@example.com").isPresent());
        assertEquals(List.of("email"), formFieldNames(ws, formId));
    }

    // ---------------------------------------------------------------------------------------------------
    // 8. Rate limit
    // ---------------------------------------------------------------------------------------------------

    @Test
    void submitAction_whenEleventhPostInAMinute_is429HtmlWithRetryAfter() {
        var ws = Fixtures.workspace();
        String action = action(ws.siteId(), "limited", "https://success.example.com/thanks");
        awaitRoomInRateWindow();

        for (int i = 0; i < SubmitForm.RATE_LIMIT; i++) {
            var res = post(action, "email=r" + i + "%40example.com", "Origin", "https://success.example.com");
            assertEquals(303, res.statusCode(), "post " + (i + 1) + ": " + res.body());
            assertEquals("https://success.example.com/thanks", location(res));
        }
        var limited = post(action, "email=r10%40example.com", "Origin", "https://success.example.com",
                "Referer", "https://success.example.com/form");

        String page = assertHtmlPage(limited, 429);
        assertTrue(page.contains("<h1>Too many submissions</h1>"), page);
        assertTrue(page.contains("at most 10 a minute"), page);
        assertTrue(page.contains("<a href=\"https://success.example.com/form\">Go back</a>"), page);
        assertTrue(limited.headers().firstValue("Location").isEmpty());
        int retryAfter = Integer.parseInt(limited.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(retryAfter >= 1 && retryAfter <= 60, "Retry-After " + retryAfter);
        assertEquals(10, Fixtures.submissionCount(ws, "limited"));
        assertTrue(person(ws, "r10@example.com").isEmpty());
    }

    @Test
    void submitAction_when50ConcurrentPosts_exactly10AcceptedAnd40Limited() throws Exception {
        var ws = Fixtures.workspace();
        String action = action(ws.siteId(), "stampede", "https://success.example.com/thanks");
        int threads = 50;
        awaitRoomInRateWindow();

        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch ready = new CountDownLatch(threads);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<HttpResponse<String>>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                String body = "email=s" + i + "%40example.com&job+title=T" + i;
                Callable<HttpResponse<String>> task = () -> {
                    ready.countDown();
                    if (!start.await(30, TimeUnit.SECONDS)) throw new IllegalStateException("never started");
                    return post(action, body, "Origin", "https://success.example.com");
                };
                futures.add(pool.submit(task));
            }
            assertTrue(ready.await(30, TimeUnit.SECONDS), "the threads did not get ready");
            start.countDown();

            Map<Integer, Integer> byStatus = new HashMap<>();
            for (var f : futures) {
                var res = f.get(60, TimeUnit.SECONDS);
                byStatus.merge(res.statusCode(), 1, Integer::sum);
                if (res.statusCode() == 303) assertEquals("https://success.example.com/thanks", location(res));
                if (res.statusCode() == 429) {
                    assertTrue(res.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
                    int retryAfter = Integer.parseInt(res.headers().firstValue("Retry-After").orElseThrow());
                    assertTrue(retryAfter >= 1 && retryAfter <= 60, "Retry-After " + retryAfter);
                }
            }
            assertEquals(Map.of(303, 10, 429, 40), byStatus);
        } finally {
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
        }

        assertEquals(10, Fixtures.submissionCount(ws, "stampede"));
        Form form = TestStack.get().services().forms.find(ws.workspaceId() + ":stampede").orElseThrow();
        assertEquals(10, submissions(form.key()).size());
        assertEquals(List.of("email", "job title"), form.fields().stream().map(Field::name).toList());
    }

    // ---------------------------------------------------------------------------------------------------
    // 9. Double opt-in through the action URL
    // ---------------------------------------------------------------------------------------------------

    @Test
    void confirm_whenDoubleOptInFormHasRedirectUrl_linkRedirectsThereAndOptsIn() {
        var ws = Fixtures.workspace();
        String formId = Fixtures.createForm(ws, """
                {"name":"DOI","fields":[{"name":"email","type":"email","required":true},{"name":"firstName"}],
                 "doubleOptIn":true,"settings":{"redirectUrl":"https://example.com/welcome"}}""").path("id").asText();

        var res = post(action(ws.siteId(), formId, "https://success.example.com/thanks"), "email=Dana%40Example.com&firstName=Dana",
                "Origin", "https://success.example.com");
        assertEquals(303, res.statusCode(), res.body());
        assertEquals("https://success.example.com/thanks", location(res));

        String personId = Ids.person(ws.workspaceId(), "email", "dana@example.com");
        Person pending = person(ws, "dana@example.com").orElseThrow();
        assertEquals(ConsentState.PENDING, pending.consent());
        assertEquals(Source.ACTION, pending.consentRecord().source());

        LocalMailbox.Message sent = awaitConfirmation("dana@example.com");
        assertEquals("Please confirm your subscription", sent.subject());
        String link = confirmPath(sent);

        // A tampered signature is refused, and changes nothing.
        var tampered = Http.send("GET", tamper(link), null);
        String page = assertHtmlPage(tampered, 400);
        assertTrue(page.contains("The confirmation link is not valid"), page);
        assertEquals(ConsentState.PENDING, person(ws, "dana@example.com").orElseThrow().consent());

        var confirmed = Http.send("GET", link, null);
        assertEquals(303, confirmed.statusCode(), confirmed.body());
        assertEquals("https://example.com/welcome", location(confirmed));

        Person after = person(ws, "dana@example.com").orElseThrow();
        assertEquals(ConsentState.OPTED_IN, after.consent());
        assertEquals(ConsentState.OPTED_IN, after.consentRecord().state());
        assertEquals(formId, after.consentRecord().formId());
        assertEquals("127.0.0.1", after.consentRecord().ip());
        assertEquals(Map.of("firstName", "Dana"), after.attributes());
    }

    @Test
    void confirm_whenDoubleOptInFormHasNoRedirectUrl_linkShowsConfirmedPageAndOptsIn() {
        var ws = Fixtures.workspace();
        String formId = Fixtures.createForm(ws, """
                {"name":"DOI plain","fields":[{"name":"email","type":"email","required":true}],"doubleOptIn":true}""")
                .path("id").asText();

        var res = post(action(ws.siteId(), formId, null), "email=erin%40example.com");
        assertEquals(303, res.statusCode(), res.body());
        assertEquals("thank_you?site_id=" + ws.siteId() + "&form_id=" + formId, location(res));

        assertEquals(ConsentState.PENDING, person(ws, "erin@example.com").orElseThrow().consent());
        String link = confirmPath(awaitConfirmation("erin@example.com"));

        var tampered = Http.send("GET", tamper(link), null);
        assertTrue(assertHtmlPage(tampered, 400).contains("The confirmation link is not valid"));
        assertEquals(ConsentState.PENDING, person(ws, "erin@example.com").orElseThrow().consent());

        var confirmed = Http.send("GET", link, null);
        String page = assertHtmlPage(confirmed, 200);
        assertTrue(page.contains("<title>Subscription confirmed</title>"), page);
        assertTrue(page.contains("You&#39;re confirmed"), page);

        Person after = person(ws, "erin@example.com").orElseThrow();
        assertEquals(ConsentState.OPTED_IN, after.consent());
        assertEquals(formId, after.consentRecord().formId());
        assertEquals("127.0.0.1", after.consentRecord().ip());
    }


    // ---------------------------------------------------------------------------------------------------
    // Helpers
    // ---------------------------------------------------------------------------------------------------

    /** The action URL path and query; a null {@code successUrl} leaves the parameter out. */
    static String action(String siteId, String formId, String successUrl) {
        return "/forms/submit_action?site_id=" + enc(siteId) + "&form_id=" + enc(formId)
                + (successUrl == null ? "" : "&success_url=" + enc(successUrl));
    }

    /** Query-string encoding; spaces as {@code %20}, since API Gateway does not read {@code +} as a space. */
    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** An urlencoded form post, as a browser sends it; {@code headers} are name/value pairs. */
    static HttpResponse<String> post(String path, String body, String... headers) {
        String[] all = new String[headers.length + 2];
        all[0] = "Content-Type";
        all[1] = URLENCODED;
        System.arraycopy(headers, 0, all, 2, headers.length);
        return Http.send("POST", path, body, all);
    }

    static String location(HttpResponse<String> res) {
        return res.headers().firstValue("Location").orElseThrow(() -> new AssertionError("no Location: " + res.statusCode()));
    }

    /** A workspace made directly in the store, with workspace redirect hosts and auto-registration chosen. */
    static CreateWorkspace.Secrets workspace(List<String> redirectHosts, boolean autoRegister) {
        var s = new CreateWorkspace.Secrets(null, null, null, null, null).withDefaults();
        Instant now = Instant.now();
        TestStack.get().services().workspaces.create(
                new Workspace(s.workspaceId(), "Action IT", s.siteId(), now, redirectHosts, autoRegister),
                List.of(Credential.of(s.apiKey(), CredentialKind.API_KEY, s.workspaceId(), now)
                                .withUsageKey(TestStack.get().services().usageKeys.register(s.workspaceId(), Credential.prefixOf(s.apiKey()))),
                        Credential.of(s.trackKey(), CredentialKind.TRACK_KEY, s.workspaceId(), now),
                        Credential.of(s.writeKey(), CredentialKind.WRITE_KEY, s.workspaceId(), now)));
        return s;
    }

    /** An API-created form with a required email-typed {@code email} field and no redirect. */
    static String emailForm(CreateWorkspace.Secrets ws) {
        return Fixtures.createForm(ws, "{\"name\":\"Email\",\"fields\":[{\"name\":\"email\",\"type\":\"email\",\"required\":true}]}")
                .path("id").asText();
    }

    static JsonNode formView(CreateWorkspace.Secrets ws, String formId) {
        var res = Http.send("GET", "/api/workspaces/" + ws.workspaceId() + "/forms/" + enc(formId), null, "x-api-key", ws.apiKey());
        assertEquals(200, res.statusCode(), res.body());
        return Http.json(res);
    }

    /** The form's {@code _count.submissions}, through the management API. */
        static List<String> formFieldNames(CreateWorkspace.Secrets ws, String formId) {
        List<String> names = new ArrayList<>();
        formView(ws, formId).path("fields").forEach(f -> names.add(f.path("name").asText()));
        return names;
    }

    static Optional<Person> person(CreateWorkspace.Secrets ws, String lowercasedEmail) {
        return TestStack.get().services().people.find(ws.workspaceId(), Ids.person(ws.workspaceId(), "email", lowercasedEmail));
    }

    /** Every stored submission of a form, read from the table. */
    static List<Submission> submissions(String formKey) {
        var stack = TestStack.get();
        var items = stack.dynamo().query(r -> r.tableName(stack.services().config.tables().submissions())
                .keyConditionExpression("pk = :pk").consistentRead(true)
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(formKey)))).items();
        return items.stream().map(i -> stack.services().submissions.find(formKey, i.get("sk").s()).orElseThrow()).toList();
    }

    static String fieldId(Form form, String name) {
        return form.field(name).orElseThrow().id();
    }

    /** Field name, type and attribute, in order: a form's shape without its generated ids. */
    static List<List<String>> shape(Form form) {
        return form.fields().stream().map(f -> List.of(f.name(), f.type().name(), f.attribute())).toList();
    }

    static Map<String, Object> byName(Form form, Submission s) {
        Map<String, Object> out = new HashMap<>();
        for (Field f : form.fields()) if (s.data().containsKey(f.id())) out.put(f.name(), s.data().get(f.id()));
        assertEquals(s.data().size(), out.size(), "every stored value belongs to a field of the form");
        return out;
    }

    /**
     * A multipart/form-data body as Chrome builds it; a part with a null value is an empty file input
     * ({@code filename=""}, no content).
     */
    static byte[] multipart(String boundary, String[]... parts) {
        StringBuilder b = new StringBuilder();
        for (String[] p : parts) {
            b.append("--").append(boundary).append("\r\n");
            if (p[1] == null) {
                b.append("Content-Disposition: form-data; name=\"").append(p[0]).append("\"; filename=\"\"\r\n")
                        .append("Content-Type: application/octet-stream\r\n\r\n\r\n");
            } else {
                b.append("Content-Disposition: form-data; name=\"").append(p[0]).append("\"\r\n\r\n")
                        .append(p[1]).append("\r\n");
            }
        }
        b.append("--").append(boundary).append("--\r\n");
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** An HTML page with this status, that leaks no internals; returns its body. */
    static String assertHtmlPage(HttpResponse<String> res, int status) {
        assertEquals(status, res.statusCode(), res.body());
        String type = res.headers().firstValue("Content-Type").orElse("");
        assertTrue(type.startsWith("text/html"), "Content-Type " + type);
        String body = res.body();
        assertTrue(body.startsWith("<!doctype html>"), body);
        for (String leak : List.of("Exception", "dev.intake", "java.", "\tat ", "\"error\"", "StackTrace")) {
            assertFalse(body.contains(leak), "leaks '" + leak + "': " + body);
        }
        return body;
    }

    /** The 303 carries nothing an attacker could have put in a header. */
    static void assertNoInjection(HttpResponse<String> res) {
        assertTrue(res.headers().allValues("Set-Cookie").isEmpty(), res.headers().map().toString());
        for (var e : res.headers().map().entrySet()) {
            for (String v : e.getValue()) {
                assertFalse(v.contains("\r") || v.contains("\n"), e.getKey() + ": " + v);
                assertFalse(v.toLowerCase().contains("set-cookie:"), e.getKey() + ": " + v);
            }
        }
        String location = location(res);
        assertFalse(location.startsWith("//") || location.toLowerCase().startsWith("javascript:"), location);
    }

    /**
     * Rate-limit windows are fixed minutes; a burst that straddled a boundary would be counted in two windows.
     * Polls until at least 15 s of the current window remain.
     */
    static void awaitRoomInRateWindow() {
        long windowMs = SubmitForm.RATE_WINDOW.toMillis();
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(() -> windowMs - Math.floorMod(TestStack.get().services().clock.millis(), windowMs) > 15_000);
    }

    /** The double opt-in e-mail the stack sent to {@code email}, caught by its local mailbox. */
    static LocalMailbox.Message awaitConfirmation(String email) {
        return await().atMost(POLL).until(
                () -> TestStack.get().mailbox().messages().stream()
                        .filter(m -> m.to().equals(email) && m.text() != null && m.text().contains("/api/consent/confirm?token=")).findFirst(),
                Optional::isPresent).orElseThrow();
    }

    /** The confirmation link's path and query, against this stack. */
    static String confirmPath(LocalMailbox.Message sent) {
        String base = TestStack.get().baseUrl();
        var m = java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(base) + "(/api/consent/confirm\\?token=[A-Za-z0-9._~-]+)").matcher(sent.text());
        assertTrue(m.find(), sent.text());
        return m.group(1);
    }

    /** Flips one character in the middle of the token's signature (a full 6-bit group, never the padding bits). */
    static String tamper(String link) {
        int dot = link.lastIndexOf('.');
        int at = dot + 5;
        char c = link.charAt(at);
        char flipped = c == 'A' ? 'B' : 'A';
        String out = link.substring(0, at) + flipped + link.substring(at + 1);
        assertNotEquals(link, out);
        return out;
    }
}
