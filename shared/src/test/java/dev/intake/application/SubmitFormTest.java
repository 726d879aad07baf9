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
    private final InMemorySubmissionStore submissions = new InMemorySubmissionStore();
    private final InMemoryPersonStore people = new InMemoryPersonStore();
    private final InMemoryEventPublisher events = new InMemoryEventPublisher();
    private final SubmitForm submitForm =
            new SubmitForm(forms, submissions, people, events, Clock.fixed(NOW, ZoneOffset.UTC));

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

        Submission s = submitForm.submit(form, values("email", "Ada@Example.COM", "fname", "Ada", "age", "36"), META);

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

        Submission s = submitForm.submit(form, values("fld_email001", "ada@example.com", "fld_first001", "Ada"), META);

        assertEquals(Map.of("fld_email001", "ada@example.com", "fld_first001", "Ada"), s.data());
        assertEquals(List.of("email", "fname", "age"),
                forms.find(form.key()).orElseThrow().fields().stream().map(Field::name).toList());
    }

    @Test
    void submit_whenEmailGiven_upsertsPersonWithLowercasedEmailAndOptedIn() {
        Form form = contactForm(false);

        Submission s = submitForm.submit(form, values("email", "Ada@Example.COM", "fname", "Ada"), META);

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

        submitForm.submit(form, values("email", "ada@example.com"), META);

        assertEquals(ConsentState.PENDING, people.upserts.get(0).consent().state());
        assertEquals(ConsentState.PENDING,
                people.find(WS, Ids.person(WS, "email", "ada@example.com")).orElseThrow().consent());
    }

    @Test
    void submit_whenSameEmailInOtherCase_resolvesToSamePerson() {
        Form form = contactForm(false);

        Submission a = submitForm.submit(form, values("email", "ADA@example.com"), META);
        Submission b = submitForm.submit(form, values("email", "ada@EXAMPLE.com"), META);

        assertEquals(a.personId(), b.personId());
    }

    @Test
    void submit_whenFieldMapsToId_identifiesPersonByExternalId() {
        Field id = new Field("fld_custid01", "customer", FieldType.TEXT, "Customer", false, null, null, "id");
        Form form = stored("frm_byid00001", false, EMAIL, id);

        Submission s = submitForm.submit(form, values("email", "ada@example.com", "customer", "cus_42"), META);

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

        Submission s = submitForm.submit(form, values("comment", "Nice"), META);

        assertNull(s.personId());
        assertTrue(people.upserts.isEmpty());
        assertEquals(1, submissions.size());
        assertEquals(1, events.published.size());
        assertNull(events.published.get(0).personId());
    }

    @Test
    void submit_whenAccepted_incrementsTheFormCount() {
        Form form = contactForm(false);

        submitForm.submit(form, values("email", "a@example.com"), META);
        assertEquals(1, forms.count(form));
        submitForm.submit(form, values("email", "b@example.com"), META);
        assertEquals(2, forms.count(form));
    }

    @Test
    void submit_whenAccepted_publishesExactlyOneFormSubmittedWithValuesByNameAndAttribute() {
        Form form = contactForm(false);

        Submission s = submitForm.submit(form, values("email", "Ada@Example.com", "fname", "Ada", "age", "36"), META);

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

        Submission a = submitForm.submit(form, values("email", "a@example.com"), META);
        Submission b = submitForm.submit(form, values("email", "b@example.com"), META);

        assertEquals(List.of(a.id(), b.id()), events.published.stream().map(FormSubmitted::submissionId).toList());
        assertNotEquals(events.published.get(0).eventId(), events.published.get(1).eventId());
    }

    @Test
    void submit_whenUnknownNameSent_learnsFieldOnStoredFormAndKeysValueByNewId() {
        Form form = contactForm(false);

        Submission s = submitForm.submit(form, values("email", "ada@example.com", "utm_source", "newsletter"), META);

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
                () -> submitForm.submit(form, values("fname", "Ada", "utm", "x"), META));

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

        Submission s = submitForm.submit(form, values("email", "ada@example.com"), META);

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
        submitForm.submit(form, values("note", "hi", "email", "ada@example.com"), META);
        Form after = forms.find(form.key()).orElseThrow();
        assertEquals(dev.intake.domain.FormStatus.ACTIVE, after.status());
        assertEquals(2, after.fields().size());
    }
}
