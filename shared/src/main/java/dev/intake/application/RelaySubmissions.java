package dev.intake.application;

import dev.intake.application.port.EventPublisher;
import dev.intake.application.port.FormStore;
import dev.intake.application.port.PersonStore;
import dev.intake.domain.ConsentState;
import dev.intake.domain.Form;
import dev.intake.domain.FormSubmitted;
import dev.intake.domain.FormValues;
import dev.intake.domain.Submission;
import java.util.Map;
import java.util.Optional;

/**
 * Turns each newly stored submission into its {@code form.submitted} event and publishes it. It runs on the
 * Submissions table's stream, after the write: a submission that was acknowledged is on the stream, and the
 * stream keeps retrying this step until the queue takes the event, so no accepted submission loses its
 * event even when SQS is down. See docs/architecture.md, "No lost events".
 *
 * <p>The event id is derived from the submission id, so a record relayed twice is the same event twice, and
 * the campaign trigger's per-event delivery guard makes that one effect.
 */
public final class RelaySubmissions {
    private final FormStore forms;
    private final PersonStore people;
    private final EventPublisher events;

    public RelaySubmissions(FormStore forms, PersonStore people, EventPublisher events) {
        this.forms = forms;
        this.people = people;
        this.events = events;
    }

    /** Publishes the event of {@code submission}, stored under {@code formKey}; throws when it could not be published. */
    public FormSubmitted relay(String formKey, Submission submission) {
        FormSubmitted event = event(forms.findRecent(formKey), submission);
        events.publish(event);
        return event;
    }

    private FormSubmitted event(Optional<Form> form, Submission s) {
        // A form deleted since the submission still gets its event, with values keyed by field id.
        FormValues values = form.map(f -> FormValues.of(f, s.data()))
                .orElse(new FormValues(s.data(), Map.of(), null, null));
        boolean confirm = form.map(Form::doubleOptIn).orElse(false) && s.personId() != null
                && people.find(s.workspaceId(), s.personId()).map(p -> p.consent() == ConsentState.PENDING).orElse(false);
        return new FormSubmitted(eventId(s.id()), s.workspaceId(), s.formId(), s.id(), s.personId(), values.byName(),
                values.byAttribute(), s.metadata().source(), s.submittedAt(), confirm);
    }

    /** {@code evt_} and the submission id's own characters: time-ordered, and the same for every relay of it. */
    public static String eventId(String submissionId) {
        return "evt_" + submissionId.substring(submissionId.indexOf('_') + 1);
    }
}
