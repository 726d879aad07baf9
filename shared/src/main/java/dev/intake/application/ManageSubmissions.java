package dev.intake.application;

import dev.intake.application.port.FormStore;
import dev.intake.application.port.SubmissionStore;
import dev.intake.application.port.SubmissionStore.Range;
import dev.intake.domain.Form;
import dev.intake.domain.Ids;
import dev.intake.domain.IntakeException;
import dev.intake.domain.Source;
import dev.intake.domain.Submission;
import dev.intake.domain.SubmissionMetadata;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

/**
 * The submissions API of a workspace: list a form's submissions newest first with cursors, read one,
 * create one on a user's behalf, delete one.
 */
public final class ManageSubmissions {
    public static final int DEFAULT_LIMIT = 25;
    public static final int MAX_LIMIT = 100;
    private static final String FIRST_ID = "sub_";
    private static final String LAST_ID = "sub_~";

    private final ManageForms forms;
    private final FormStore formStore;
    private final SubmissionStore submissions;
    private final SubmitForm submitForm;
    private final SubmissionCursors cursors;

    /** One page: {@code nextCursor} is null on the last page. */
    public record Page(List<Submission> data, String nextCursor, boolean hasMore) {}

    /** What a listing asks for; every member may be null. */
    public record Query(Integer limit, String cursor, String createdAfter, String createdBefore) {}

    public ManageSubmissions(ManageForms forms, FormStore formStore, SubmissionStore submissions, SubmitForm submitForm,
                             byte[] signingSecret) {
        this.forms = forms;
        this.formStore = formStore;
        this.submissions = submissions;
        this.submitForm = submitForm;
        this.cursors = new SubmissionCursors(new Signer(signingSecret));
    }

    public Page list(String workspaceId, String formId, Query q) {
        int limit = q.limit() == null ? DEFAULT_LIMIT : q.limit();
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IntakeException.Invalid("invalid_limit", "'limit' must be a whole number from 1 to " + MAX_LIMIT, List.of("limit"));
        }
        Instant after = time("created_after", q.createdAfter());
        Instant before = time("created_before", q.createdBefore());
        Form form = forms.load(workspaceId, formId);
        if (before != null && !ceilMillis(before).isAfter(Instant.EPOCH)) return new Page(List.of(), null, false);
        // submitted_at has millisecond precision and is the id's time prefix, so "after T" starts at the
        // first millisecond past T and "before T" ends at the last millisecond before it.
        Range filter = new Range(
                after == null ? FIRST_ID : Ids.submissionLowerBound(after.truncatedTo(ChronoUnit.MILLIS).plusMillis(1)),
                before == null ? LAST_ID : Ids.submissionUpperBound(ceilMillis(before).minusMillis(1)), null);
        String startAfter = q.cursor() == null ? null : cursors.verify(workspaceId, form.key(), filter, q.cursor());
        var slice = submissions.list(form.key(), new Range(filter.fromId(), filter.toId(), startAfter), limit);
        String next = slice.hasMore() ? cursors.issue(workspaceId, form.key(), filter, slice.items().getLast().id()) : null;
        return new Page(slice.items(), next, slice.hasMore());
    }

    public Submission get(String workspaceId, String formId, String submissionId) {
        Form form = forms.load(workspaceId, formId);
        if (!Ids.isSubmission(submissionId)) throw new IntakeException.NotFound("Submission");
        return submissions.find(form.key(), submissionId).orElseThrow(() -> new IntakeException.NotFound("Submission"));
    }

    /**
     * A submission from a trusted backend: no CAPTCHA, honeypot or rate limit; required fields and types
     * are checked; it is stored, applied to its person, counted and emitted like any other.
     */
    public Submission create(String workspaceId, String formId, Map<String, Object> values) {
        return create(workspaceId, formId, values, null);
    }

    /** {@link #create(String, String, Map)} for an idempotent request; see {@link SubmitForm#submit(Form, Map, SubmissionMetadata, SubmitForm.Checks, String)}. */
    public Submission create(String workspaceId, String formId, Map<String, Object> values, String attempt) {
        Form form = forms.load(workspaceId, formId);
        var outcome = submitForm.submit(form, values, new SubmissionMetadata(null, null, null, Source.API), SubmitForm.Checks.API, attempt);
        return ((SubmitForm.Outcome.Accepted) outcome).submission();
    }

    /** Deletes the submission for good and counts it out of its form; a second delete is a 404. */
    public void delete(String workspaceId, String formId, String submissionId) {
        Form form = forms.load(workspaceId, formId);
        if (!Ids.isSubmission(submissionId)) throw new IntakeException.NotFound("Submission");
        submissions.delete(form.key(), submissionId).orElseThrow(() -> new IntakeException.NotFound("Submission"));
        formStore.addToCount(form, -1, submissionId);
    }

    /** An ISO 8601 date-time with an offset ({@code 2025-01-01T00:00:00Z}), or a date meaning its UTC midnight. */
    private static Instant time(String name, String value) {
        if (value == null) return null;
        String v = value.trim();
        try {
            return v.length() == 10 ? LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant() : OffsetDateTime.parse(v).toInstant();
        } catch (DateTimeParseException e) {
            throw new IntakeException.Invalid("invalid_" + name,
                    "'" + name + "' must be an ISO 8601 date-time such as 2025-01-01T00:00:00Z", List.of(name));
        }
    }

    private static Instant ceilMillis(Instant t) {
        Instant floor = t.truncatedTo(ChronoUnit.MILLIS);
        return floor.equals(t) ? t : floor.plusMillis(1);
    }
}
