package dev.intake.domain;

import java.time.Instant;
import java.util.Map;

/**
 * The {@code form.submitted} event, one per accepted submission. Values are given keyed by field name and
 * by person attribute, so campaign templates can use either. {@code confirmationRequired} is set when the
 * form has double opt-in and the person's consent is still pending: the campaign trigger then sends the
 * confirmation link.
 */
public record FormSubmitted(String eventId, String workspaceId, String formId, String submissionId, String personId,
                            Map<String, Object> data, Map<String, Object> attributes, Source source,
                            Instant submittedAt, boolean confirmationRequired) implements DomainEvent {
    public static final String TYPE = "form.submitted";
}
