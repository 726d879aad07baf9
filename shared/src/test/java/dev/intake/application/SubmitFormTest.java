package dev.intake.application;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.intake.domain.ConsentState;
import dev.intake.domain.Field;
import dev.intake.domain.FieldType;
import dev.intake.domain.Form;
import dev.intake.domain.FormSubmitted;
import dev.intake.domain.Ids;
import dev.intake.domain.IntakeException;
import dev.intake.domain.Person;
import dev.intake.domain.PersonUpsert;
import dev.intake.domain.Source;
import dev.intake.domain.Submission;
import dev.intake.domain.SubmissionMetadata;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SubmitFormTest {
    private static final String WS = "ws_a";
    private static final Instant NOW = Instant.parse("2025-03-04T05:06:07.089Z");
    private static final SubmissionMetadata META =
            new SubmissionMetadata("203.0.113.9", "Mozilla/5.0", "https://example.com/contact", Source.FORM);

    private static final Field EMAIL = new Field("fld_email001", "email", FieldType.EMAIL, "Email", true, null, null, null);
    private static final Field FIRST = new Field("fld_first001", "fname", FieldType.TEXT, "First name", false, null, null, "first_name");
    private static final Field AGE = new Field("fld_age00001", "age", FieldType.NUMBER, "Age", false, null, null, null);

    private final InMemoryFormStore forms = new InMemoryFormStore();
    // As in production, events come from the table's stream: each insert is relayed.
    private final InMemorySubmissionStore submissions = new InMemorySubmissionStore()
            .streamTo((formKey, s) -> new RelaySubmissions(this.forms, this.people, this.events).relay(formKey, s));
    private final InMemoryPersonStore people = new InMemoryPersonStore();
    private final InMemoryEventPublisher events = new InMemoryEventPublisher();
    private final InMemoryRateLimiter rateLimiter = new InMemoryRateLimiter();
    private final StubCaptcha captcha = new StubCaptcha();
    private final SubmitForm submitForm = new SubmitForm(forms, submissions, people, rateLimiter, captcha,
            Clock.fixed(NOW, ZoneOffset.UTC));

    private Submission accept(Form form, Map<String, Object> values) {
        return ((SubmitForm.Outcome.Accepted) submitForm.submit(form, values, META, SubmitForm.Checks.API)).submission();
    }

    private Form stored(String id, boolean doubleOptIn, Field... fields) {
        Form form = new Form(WS, id, "Contact", List.of(fields), null, doubleOptIn, null, NOW, NOW, 1);
        forms.create(form);
        return form;
    }

    private Form contactForm(boolean doubleOptIn) {
        return stored("frm_contact001", doubleOptIn, EMAIL, FIRST, AGE);
    }

    private static Map<String, Object> values(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    @Test
    void submit_whenValid_storesSubmissionKeyedByFieldId() {
        Form form = contactForm(false);

        Submission s = accept(form, values("email", "Ada@Example.COM", "fname", "Ada", "age", "36"));

        assertTrue(Ids.isSubmission(s.id()), s.id());
        assertTrue(s.id().startsWith(Ids.submissionLowerBound(NOW)), s.id());
        assertEquals(Map.of("fld_email001", "Ada@Example.COM", "fld_first001", "Ada", "fld_age00001", new BigDecimal("36")),
                s.data());
        assertEquals(WS, s.workspaceId());
        assertEquals(form.id(), s.formId());
        assertEquals(NOW, s.submittedAt());
        assertEquals(META, s.metadata());
        assertEquals(s, submissions.find(form.key(), s.id()).orElseThrow());
        assertEquals(1, submissions.size());
    }

    @Test
    void submit_whenValuesSentByFieldId_storesTheSameAsByName() {
        Form form = contactForm(false);

        Submission s = accept(form, values("fld_email001", "ada@example.com", "fld_first001", "Ada"));

        assertEquals(Map.of("fld_email001", "ada@example.com", "fld_first001", "Ada"), s.data());
        assertEquals(List.of("email", "fname", "age"),
                forms.find(form.key()).orElseThrow().fields().stream().map(Field::name).toList());
    }

    @Test
    void submit_whenEmailGiven_upsertsPersonWithLowercasedEmailAndOptedIn() {
        Form form = contactForm(false);

        Submission s = accept(form, values("email", "Ada@Example.COM", "fname", "Ada"));

        String personId = Ids.person(WS, "email", "ada@example.com");
        assertEquals(personId, s.personId());
        assertEquals(1, people.upserts.size());
        PersonUpsert u = people.upserts.get(0);
        assertEquals(WS, u.workspaceId());
        assertEquals(personId, u.personId());
        assertEquals("ada@example.com", u.email());
        assertNull(u.externalId());
        assertEquals(Map.of("first_name", "Ada"), u.attributes());
        assertEquals(ConsentState.OPTED_IN, u.consent().state());
        assertEquals(NOW, u.consent().at());
        assertEquals("203.0.113.9", u.consent().ip());
        assertEquals(form.id(), u.consent().formId());
        assertEquals(Source.FORM, u.consent().source());
        Person person = people.find(WS, personId).orElseThrow();
        assertEquals(ConsentState.OPTED_IN, person.consent());
    }

    @Test
    void submit_whenFormHasDoubleOptIn_upsertsPersonAsPending() {
        Form form = contactForm(true);

        accept(form, values("email", "ada@example.com"));

        assertEquals(ConsentState.PENDING, people.upserts.get(0).consent().state());
        assertEquals(ConsentState.PENDING,
                people.find(WS, Ids.person(WS, "email", "ada@example.com")).orElseThrow().consent());
    }

    @Test
    void submit_whenSameEmailInOtherCase_resolvesToSamePerson() {
        Form form = contactForm(false);

        Submission a = accept(form, values("email", "ADA@example.com"));
        Submission b = accept(form, values("email", "ada@EXAMPLE.com"));

        assertEquals(a.personId(), b.personId());
    }

    @Test
    void submit_whenFieldMapsToId_identifiesPersonByExternalId() {
        Field id = new Field("fld_custid01", "customer", FieldType.TEXT, "Customer", false, null, null, "id");
        Form form = stored("frm_byid00001", false, EMAIL, id);

        Submission s = accept(form, values("email", "ada@example.com", "customer", "cus_42"));

        assertEquals(Ids.person(WS, "id", "cus_42"), s.personId());
        PersonUpsert u = people.upserts.get(0);
        assertEquals("cus_42", u.externalId());
        assertEquals("ada@example.com", u.email());
        assertTrue(u.attributes().isEmpty(), u.attributes().toString());
    }

    @Test
    void submit_whenNoFieldIdentifiesAPerson_storesAndPublishesWithoutPerson() {
        Field comment = new Field("fld_comment1", "comment", FieldType.TEXTAREA, "Comment", true, null, null, null);
        Form form = stored("frm_anon00001", false, comment);

        Submission s = accept(form, values("comment", "Nice"));

        assertNull(s.personId());
        assertTrue(people.upserts.isEmpty());
        assertEquals(1, submissions.size());
        assertEquals(1, events.published.size());
        assertNull(events.published.get(0).personId());
    }

    @Test
    void submit_whenAccepted_incrementsTheFormCount() {
        Form form = contactForm(false);

        accept(form, values("email", "a@example.com"));
        assertEquals(1, forms.count(form));
        accept(form, values("email", "b@example.com"));
        assertEquals(2, forms.count(form));
    }

    @Test
    void submit_whenAccepted_publishesExactlyOneFormSubmittedWithValuesByNameAndAttribute() {
        Form form = contactForm(false);

        Submission s = accept(form, values("email", "Ada@Example.com", "fname", "Ada", "age", "36"));

        assertEquals(1, events.published.size());
        FormSubmitted e = events.published.get(0);
        assertTrue(e.eventId().matches("evt_[0-9A-Za-z]{16}"), e.eventId());
        assertEquals(WS, e.workspaceId());
        assertEquals(form.id(), e.formId());
        assertEquals(s.id(), e.submissionId());
        assertEquals(s.personId(), e.personId());
        assertEquals(Map.of("email", "Ada@Example.com", "fname", "Ada", "age", new BigDecimal("36")), e.data());
        assertEquals(Map.of("email", "Ada@Example.com", "first_name", "Ada", "age", new BigDecimal("36")), e.attributes());
        assertEquals(Source.FORM, e.source());
        assertEquals(NOW, e.submittedAt());
    }

    @Test
    void submit_whenTwoSubmissions_publishesOneEventEachWithDistinctIds() {
        Form form = contactForm(false);

        Submission a = accept(form, values("email", "a@example.com"));
        Submission b = accept(form, values("email", "b@example.com"));

        assertEquals(List.of(a.id(), b.id()), events.published.stream().map(FormSubmitted::submissionId).toList());
        assertNotEquals(events.published.get(0).eventId(), events.published.get(1).eventId());
    }

    @Test
    void submit_whenUnknownNameSent_learnsFieldOnStoredFormAndKeysValueByNewId() {
        Form form = contactForm(false);

        Submission s = accept(form, values("email", "ada@example.com", "utm_source", "newsletter"));

        Form updated = forms.find(form.key()).orElseThrow();
        Field learned = updated.field("utm_source").orElseThrow();
        assertEquals(4, updated.fields().size());
        assertEquals(2, updated.version());
        assertEquals("newsletter", s.data().get(learned.id()));
        assertEquals("newsletter", events.published.get(0).data().get("utm_source"));
        assertEquals("newsletter", people.upserts.get(0).attributes().get("utm_source"));
    }

    @Test
    void submit_whenRequiredFieldMissing_throwsInvalidAndChangesNothing() {
        Form form = contactForm(false);

        var e = assertThrows(IntakeException.Invalid.class,
                () -> accept(form, values("fname", "Ada", "utm", "x")));

        assertEquals("missing_required_fields", e.code());
        assertEquals(List.of("email"), e.fields());
        assertEquals(0, submissions.size());
        assertTrue(people.upserts.isEmpty());
        assertTrue(events.published.isEmpty());
        assertEquals(0, forms.count(form));
        assertEquals(form, forms.find(form.key()).orElseThrow());
    }

    @Test
    void submit_whenCallerChosenFormId_storesUnderWorkspaceScopedKey() {
        Form form = stored("newsletter", false, EMAIL);

        Submission s = accept(form, values("email", "ada@example.com"));

        assertEquals("ws_a:newsletter", form.key());
        assertTrue(submissions.find("ws_a:newsletter", s.id()).isPresent());
        assertEquals(1, forms.count(form));
    }

    @ParameterizedTest
    @ValueSource(strings = {"newsletter", "ws_a:newsletter", "", "FRM_abc", "sub_0000000000000000"})
    void publicForm_whenIdIsNotAGeneratedFormId_throwsNotFound(String id) {
        stored("newsletter", false, EMAIL);

        assertThrows(IntakeException.NotFound.class, () -> submitForm.publicForm(id));
    }

    @Test
    void publicForm_whenIdIsNull_throwsNotFound() {
        assertThrows(IntakeException.NotFound.class, () -> submitForm.publicForm(null));
    }

    @Test
    void publicForm_whenGeneratedIdUnknown_throwsNotFound() {
        assertThrows(IntakeException.NotFound.class, () -> submitForm.publicForm("frm_missing001"));
    }

    @Test
    void publicForm_whenGeneratedIdExists_returnsTheForm() {
        Form form = contactForm(false);

        assertEquals(form, submitForm.publicForm("frm_contact001"));
    }

    @Test
    void submit_whenFormLearnsAnEmailField_becomesActive() {
        var note = new Field("fld_note0001", "note", FieldType.TEXT, "Note", false, null, null, null);
        Form form = new Form(WS, "frm_learns001", "Notes", List.of(note), null, false,
                dev.intake.domain.FormStatus.NEEDS_MAPPING, NOW, NOW, 1);
        forms.create(form);
        accept(form, values("note", "hi", "email", "ada@example.com"));
        Form after = forms.find(form.key()).orElseThrow();
        assertEquals(dev.intake.domain.FormStatus.ACTIVE, after.status());
        assertEquals(2, after.fields().size());
    }

    @Test
    void submit_whenFormLearnsAnEmailField_upsertsThePersonItIdentifies() {
        var note = new Field("fld_note0002", "note", FieldType.TEXT, "Note", false, null, null, null);
        Form form = new Form(WS, "frm_learns002", "Notes", List.of(note), null, false,
                dev.intake.domain.FormStatus.NEEDS_MAPPING, NOW, NOW, 1);
        forms.create(form);

        Submission s = accept(form, values("note", "hi", "email", "Ada@Example.com"));

        assertEquals(Ids.person(WS, "email", "ada@example.com"), s.personId());
        assertEquals("ada@example.com", people.upserts.get(0).email());
        assertEquals(Map.of("note", "hi"), people.upserts.get(0).attributes());
    }

    @Test
    void submit_whenFormLearnsNothing_storesTheSameValuesAsItChecked() {
        Form form = contactForm(false);

        Submission s = accept(form, values("email", "ada@example.com", "fname", "Ada", "age", "36"));

        assertEquals(1, forms.find(form.key()).orElseThrow().version(), "the form is not written");
        assertEquals(Ids.person(WS, "email", "ada@example.com"), s.personId());
        assertEquals(Map.of("first_name", "Ada", "age", new BigDecimal("36")), people.upserts.get(0).attributes());
    }

    // Guards: rate limit, honeypot, CAPTCHA.

    private SubmitForm.Outcome publicSubmit(Form form, Map<String, Object> values) {
        return submitForm.submit(form, values, META, SubmitForm.Checks.PUBLIC);
    }

    @Test
    void submit_whenPublicAndEleventhInAMinute_isRateLimitedWithRetryAfter() {
        Form form = contactForm(false);
        for (int i = 0; i < SubmitForm.RATE_LIMIT; i++) publicSubmit(form, values("email", "a" + i + "@example.com"));

        var e = assertThrows(IntakeException.RateLimited.class, () -> publicSubmit(form, values("email", "x@example.com")));

        assertEquals(53, e.retryAfterSeconds(), "NOW is 05:06:07, so the window ends in 53 s");
        assertEquals(SubmitForm.RATE_LIMIT, submissions.all().size(), "the refused submission is not stored");
    }

    @Test
    void submit_whenApiOrBackend_isNeverRateLimited() {
        Form form = contactForm(false);
        for (int i = 0; i < SubmitForm.RATE_LIMIT + 5; i++) accept(form, values("email", "a" + i + "@example.com"));

        assertEquals(SubmitForm.RATE_LIMIT + 5, submissions.all().size());
        assertTrue(rateLimiter.counts.isEmpty());
    }

    @Test
    void submit_whenHoneypotFilled_returnsSuccessAndStoresNothing() {
        Form form = contactForm(false);

        var outcome = publicSubmit(form, values("email", "bot@example.com", "_gotcha", "http://spam.example"));

        assertTrue(outcome instanceof SubmitForm.Outcome.Dropped, outcome.toString());
        assertTrue(Ids.isSubmission(outcome.submissionId()), "a bot cannot tell a drop from a success");
        assertTrue(submissions.all().isEmpty());
        assertTrue(people.upserts.isEmpty());
        assertTrue(events.published.isEmpty());
    }

    @Test
    void submit_whenHoneypotEmpty_acceptsAndNeverStoresTheHoneypotField() {
        Form form = contactForm(false);

        var outcome = publicSubmit(form, values("email", "ada@example.com", "_gotcha", ""));

        var s = ((SubmitForm.Outcome.Accepted) outcome).submission();
        assertEquals(Map.of("fld_email001", "ada@example.com"), s.data());
        assertEquals(3, forms.find(form.key()).orElseThrow().fields().size(), "the honeypot is not learned as a field");
    }

    @Test
    void submit_whenFormNamesItsOwnHoneypot_usesThatField() {
        Form form = stored("frm_honey0001", false, EMAIL);
        form = forms.update(new Form(WS, form.id(), "Contact", form.fields(),
                new dev.intake.domain.FormSettings(null, null, null, null, "website", null), false, null, NOW, NOW, form.version()));

        assertTrue(publicSubmit(form, values("email", "bot@example.com", "website", "x")) instanceof SubmitForm.Outcome.Dropped);
        assertTrue(publicSubmit(form, values("email", "ada@example.com", "_gotcha", "x")) instanceof SubmitForm.Outcome.Accepted,
                "with a custom honeypot, _gotcha is an ordinary field");
    }

    private Form captchaForm() {
        Form form = stored("frm_captcha01", false, EMAIL);
        var settings = new dev.intake.domain.FormSettings(null, null, null, null, null,
                new dev.intake.domain.CaptchaSettings(dev.intake.domain.CaptchaSettings.Provider.TURNSTILE, "0x-secret"));
        return forms.update(new Form(WS, form.id(), "Contact", form.fields(), settings, false, null, NOW, NOW, form.version()));
    }

    @Test
    void submit_whenCaptchaTokenMissing_isRefusedNamingTheField() {
        Form form = captchaForm();

        var e = assertThrows(IntakeException.Invalid.class, () -> publicSubmit(form, values("email", "ada@example.com")));

        assertEquals("captcha_required", e.code());
        assertEquals(List.of("cf-turnstile-response"), e.fields());
        assertTrue(submissions.all().isEmpty());
    }

    @Test
    void submit_whenCaptchaTokenRejected_isRefused() {
        Form form = captchaForm();

        var e = assertThrows(IntakeException.Invalid.class,
                () -> publicSubmit(form, values("email", "ada@example.com", "cf-turnstile-response", "forged")));

        assertEquals("captcha_failed", e.code());
        assertEquals(List.of("turnstile:0x-secret:forged:203.0.113.9"), captcha.asked);
        assertTrue(submissions.all().isEmpty());
    }

    @Test
    void submit_whenCaptchaTokenAccepted_storesWithoutTheToken() {
        Form form = captchaForm();

        var outcome = publicSubmit(form, values("email", "ada@example.com", "cf-turnstile-response", StubCaptcha.GOOD));

        assertEquals(Map.of("fld_email001", "ada@example.com"), ((SubmitForm.Outcome.Accepted) outcome).submission().data());
    }

    // Backend (Customer.io) rules: registration and identifiers.

    private static final dev.intake.domain.Workspace WORKSPACE = new dev.intake.domain.Workspace(WS, "A", "site_a", NOW);

    @Test
    void siteForm_whenUnknown_registersItWithItsFirstAcceptedSubmission() {
        Form form = submitForm.siteForm(WORKSPACE, "contact-us");
        assertEquals(0, form.version());
        assertTrue(forms.find(WS + ":contact-us").isEmpty(), "nothing is stored until a submission is accepted");

        accept(form, values("email", "ada@example.com", "job title", "Engineer"));

        Form stored = forms.find(WS + ":contact-us").orElseThrow();
        assertEquals("contact-us", stored.id());
        assertEquals(List.of("email", "job title"), stored.fields().stream().map(Field::name).toList());
        assertEquals(1, submissions.all(WS + ":contact-us").size());
    }

    @Test
    void submit_whenRejectedForAnUnknownForm_registersNothing() {
        Form form = submitForm.siteForm(WORKSPACE, "junk");
        Map<String, Object> tooMany = new LinkedHashMap<>();
        for (int i = 0; i <= Form.MAX_FIELDS; i++) tooMany.put("f" + i, "x");

        assertThrows(IntakeException.Invalid.class, () -> accept(form, tooMany));
        assertTrue(publicSubmit(form, values("email", "bot@example.com", "_gotcha", "x")) instanceof SubmitForm.Outcome.Dropped);

        assertTrue(forms.find(WS + ":junk").isEmpty());
    }

    @Test
    void submit_whenTwoFirstSubmissionsRace_bothLandOnOneForm() {
        Form a = submitForm.siteForm(WORKSPACE, "raced");
        Form b = submitForm.siteForm(WORKSPACE, "raced");
        accept(a, values("email", "a@example.com"));

        accept(b, values("email", "b@example.com", "note", "hi"));

        assertEquals(List.of("email", "note"), forms.find(WS + ":raced").orElseThrow().fields().stream().map(Field::name).toList());
        assertEquals(2, submissions.all(WS + ":raced").size());
    }

    @Test
    void siteForm_whenWorkspaceDisablesRegistration_throwsNotFound() {
        var closed = new dev.intake.domain.Workspace(WS, "A", "site_a", NOW, List.of(), false);

        assertThrows(IntakeException.NotFound.class, () -> submitForm.siteForm(closed, "contact-us"));
        assertTrue(forms.find(WS + ":contact-us").isEmpty());
    }

    @Test
    void siteForm_whenGeneratedIdOfAnotherWorkspace_throwsNotFound() {
        contactForm(false);
        var other = new dev.intake.domain.Workspace("ws_b", "B", "site_b", NOW);

        assertThrows(IntakeException.NotFound.class, () -> submitForm.siteForm(other, "frm_contact001"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a/b", "../x", "-lead", "sp ace"})
    void siteForm_whenIdMalformed_throwsInvalid(String id) {
        assertThrows(IntakeException.Invalid.class, () -> submitForm.siteForm(WORKSPACE, id));
    }

    @Test
    void submit_whenBackendAndNoIdentifier_storesThenAsksForAMapping() {
        Form form = submitForm.siteForm(WORKSPACE, "signup");

        var e = assertThrows(IntakeException.Invalid.class, () -> submitForm.submit(form,
                values("email_address", "ada@example.com", "first_name", "Ada"), META, SubmitForm.Checks.BACKEND));

        assertEquals("identifier_not_mapped", e.code());
        assertEquals(List.of("email_address", "first_name"), e.fields());
        assertEquals(1, submissions.all().size(), "the submission is kept");
        Form after = forms.find(form.key()).orElseThrow();
        assertEquals(dev.intake.domain.FormStatus.NEEDS_MAPPING, after.status());
        assertTrue(people.upserts.isEmpty());
    }

    @Test
    void submit_whenDoubleOptInAndPending_flagsTheEventForConfirmation() {
        Form form = contactForm(true);

        accept(form, values("email", "ada@example.com"));

        assertTrue(events.published.get(0).confirmationRequired());
    }

    @Test
    void submit_whenDoubleOptInButAlreadyOptedIn_needsNoConfirmation() {
        contactForm(false);
        Form single = forms.find("frm_contact001").orElseThrow();
        accept(single, values("email", "ada@example.com"));
        Form doubleOptIn = stored("frm_double001", true, EMAIL);

        accept(doubleOptIn, values("email", "ada@example.com"));

        assertEquals(false, events.published.get(1).confirmationRequired());
    }
}
