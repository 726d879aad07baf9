package dev.intake.application.port;

import dev.intake.domain.Form;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Forms and their submission counters. */
public interface FormStore {
    /** Creates a form; throws {@code Conflict} if one with the same key exists. */
    void create(Form form);

    /** Finds a form by its storage key ({@link Form#key()}). */
    Optional<Form> find(String formKey);

    /**
     * Finds a form as most recently stored, for the submission path: a change of the last second may not be
     * seen yet, but a form that exists is always found. The DynamoDB store reads eventually consistent (half
     * the read units) and reads again strongly only on a miss. Writes still check the version, so a stale
     * form costs a retry, never a lost change.
     */
    default Optional<Form> findRecent(String formKey) {
        return find(formKey);
    }

    /** Every form of a workspace, newest first. */
    List<Form> listByWorkspace(String workspaceId);

    /** Replaces the form if its stored version is still {@code form.version()}; throws {@code Conflict} otherwise. */
    Form update(Form form);

    void delete(Form form);

    /**
     * Adds {@code delta} to the form's submission count, for the submission {@code submissionId} (null for a
     * change that is not one submission's). A change whose submission is the one last counted where it lands is
     * not made again: that is the SDK retrying a change whose answer was lost, which {@code ADD} would count twice.
     */
    void addToCount(Form form, long delta, String submissionId);

    /** The submission count of each form of the workspace, keyed by form key. */
    Map<String, Long> counts(String workspaceId);

    long count(Form form);
}
