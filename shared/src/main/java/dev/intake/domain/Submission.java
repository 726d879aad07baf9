package dev.intake.domain;

import java.time.Instant;
import java.util.Map;

/**
 * One completed response to a form. {@code data} maps field ids to values: a string, a number
 * ({@link java.math.BigDecimal}), a boolean, or a list of strings.
 */
public record Submission(String id, String workspaceId, String formId, Map<String, Object> data,
                         SubmissionMetadata metadata, Instant submittedAt, String personId) {
    public Submission {
        data = Map.copyOf(data);
    }
}
