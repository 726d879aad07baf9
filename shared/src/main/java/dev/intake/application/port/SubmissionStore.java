package dev.intake.application.port;

import dev.intake.domain.Submission;
import java.util.List;
import java.util.Optional;

/** Submissions, stored per form and ordered by id, which is ordered by time. */
public interface SubmissionStore {
    /** Stores a new submission; throws {@code Conflict} if its id exists. */
    void save(String formKey, Submission submission);

    Optional<Submission> find(String formKey, String submissionId);

    /**
     * One page of a form's submissions, newest first: ids from {@code fromId} to {@code toId} (both
     * inclusive bounds), starting below {@code startAfter} when it is set. Its cost depends on
     * {@code limit} and the items' sizes, never on how deep the page is.
     */
    Slice list(String formKey, Range range, int limit);

    /** Removes a submission; returns it, or empty when it did not exist (so a count goes down once). */
    Optional<Submission> delete(String formKey, String submissionId);

    /** Where every submission of a person is, for erasure. */
    List<Ref> findByPerson(String workspaceId, String personId);

    /** Id bounds of a listing, and the id of the last submission already returned (null on page one). */
    record Range(String fromId, String toId, String startAfter) {}

    /** A page: at most {@code limit} submissions; {@code hasMore} when older ones exist in the range. */
    record Slice(List<Submission> items, boolean hasMore) {}

    record Ref(String formKey, String submissionId) {}
}
