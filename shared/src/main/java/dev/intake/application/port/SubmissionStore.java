package dev.intake.application.port;

import dev.intake.domain.Submission;
import java.util.Optional;

/** Submissions, stored per form, newest first. */
public interface SubmissionStore {
    void save(String formKey, Submission submission);

    Optional<Submission> find(String formKey, String submissionId);
}
