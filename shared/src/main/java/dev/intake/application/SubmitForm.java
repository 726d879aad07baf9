package dev.intake.application;

import dev.intake.application.port.EventPublisher;
import dev.intake.application.port.FormStore;
import dev.intake.application.port.PersonStore;
import dev.intake.application.port.SubmissionStore;
import dev.intake.domain.ConsentRecord;
import dev.intake.domain.ConsentState;
import dev.intake.domain.Field;
import dev.intake.domain.Form;
import dev.intake.domain.FormSubmitted;
import dev.intake.domain.Ids;
import dev.intake.domain.IntakeException;
import dev.intake.domain.PersonUpsert;
import dev.intake.domain.Submission;
import dev.intake.domain.SubmissionMetadata;
import dev.intake.domain.SubmissionValidator;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Accepts one submission: checks it against the form, stores it, applies its values to the person it
 * identifies, counts it, and emits {@code form.submitted}.
 */
public final class SubmitForm {
    private final FormStore forms;
    private final SubmissionStore submissions;
    private final PersonStore people;
    private final EventPublisher events;
    private final Clock clock;


    public SubmitForm(FormStore forms, SubmissionStore submissions, PersonStore people, EventPublisher events, Clock clock) {
        this.forms = forms;
        this.submissions = submissions;
        this.people = people;
        this.events = events;
        this.clock = clock;
    }

    /**
     * Finds the form a public route names. Only generated {@code frm_} ids are global; a caller-chosen id
     * needs its workspace, so on a public route it is simply not found.
     */
    public Form publicForm(String formId) {
        if (formId == null || !formId.startsWith("frm_")) throw new IntakeException.NotFound("Form");
        return forms.find(formId).orElseThrow(() -> new IntakeException.NotFound("Form"));
    }

    /** Accepts {@code values} (keyed by field id or name) for {@code form}. */
    public Submission submit(Form form, Map<String, Object> values, SubmissionMetadata metadata) {
        SubmissionValidator.Result result = SubmissionValidator.validate(form, values);
        for (int attempt = 1; !result.learned().isEmpty(); attempt++) {
            try {
                form = forms.update(form.withAddedFields(result.learned(), clock.instant()));
                break;
            } catch (IntakeException.Conflict lostRace) {
                // Another submission taught the form a field first: learn from the newer form.
                if (attempt == 3) throw new IntakeException.Unavailable("The form is being changed; retry", 1);
                form = forms.find(form.key()).orElseThrow(() -> new IntakeException.NotFound("Form"));
                result = SubmissionValidator.validate(form, values);
            }
        }
        Instant now = clock.instant();
        Map<String, Object> byName = new LinkedHashMap<>();
        Map<String, Object> byAttribute = new LinkedHashMap<>();
        String email = null;
        String externalId = null;
        for (var e : result.data().entrySet()) {
            Field f = form.field(e.getKey()).orElseThrow();
            byName.put(f.name(), e.getValue());
            byAttribute.put(f.attribute(), e.getValue());
            if (f.attribute().equals("email") && e.getValue() instanceof String s) email = s.toLowerCase(Locale.ROOT);
            else if (f.attribute().equals("id")) {
                externalId = e.getValue() instanceof BigDecimal n ? n.toPlainString() : String.valueOf(e.getValue());
            }
        }
        String personId = externalId != null ? Ids.person(form.workspaceId(), "id", externalId)
                : email != null ? Ids.person(form.workspaceId(), "email", email) : null;

        Submission submission = new Submission(Ids.submission(now), form.workspaceId(), form.id(), result.data(),
                metadata, now, personId);
        submissions.save(form.key(), submission);
        if (personId != null) {
            Map<String, Object> attributes = new LinkedHashMap<>(byAttribute);
            attributes.remove("email");
            attributes.remove("id");
            ConsentState consent = form.doubleOptIn() ? ConsentState.PENDING : ConsentState.OPTED_IN;
            people.upsert(new PersonUpsert(form.workspaceId(), personId, email, externalId, attributes,
                    new ConsentRecord(consent, now, metadata.ip(), form.id(), metadata.source()),
                    form.key() + "/" + submission.id()));
        }
        forms.addToCount(form, 1);
        events.publish(new FormSubmitted(Ids.event(now), form.workspaceId(), form.id(), submission.id(), personId,
                byName, byAttribute, metadata.source(), now));
        return submission;
    }
}
