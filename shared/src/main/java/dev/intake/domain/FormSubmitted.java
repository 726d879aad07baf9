package dev.intake.domain;

import java.time.Instant;
import java.util.Map;

/**
 * The {@code form.submitted} event, one per accepted submission. Values are given keyed by field name and
 * by person attribute, so campaign templates can use either.
 */
public record FormSubmitted(String eventId, String workspaceId, String formId, String submissionId, String personId,
                            Map<String, Object> data, Map<String, Object> attributes, Source source,
                            Instant submittedAt) {
    public static final String TYPE = "form.submitted";
}
