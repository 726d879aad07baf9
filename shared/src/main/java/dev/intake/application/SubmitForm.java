package dev.intake.application;

import dev.intake.application.port.CaptchaVerifier;
import dev.intake.application.port.FormStore;
import dev.intake.application.port.PersonStore;
import dev.intake.application.port.RateLimiter;
import dev.intake.application.port.SubmissionStore;
import dev.intake.domain.CaptchaSettings;
import dev.intake.domain.ConsentRecord;
import dev.intake.domain.ConsentState;
import dev.intake.domain.Field;
import dev.intake.domain.Form;
import dev.intake.domain.FormSettings;
import dev.intake.domain.FormValues;
import dev.intake.domain.Ids;
import dev.intake.domain.IntakeException;
import dev.intake.domain.PersonUpsert;
import dev.intake.domain.Submission;
import dev.intake.domain.SubmissionMetadata;
import dev.intake.domain.SubmissionValidator;
import dev.intake.domain.Workspace;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Accepts one submission: guards it (rate limit, honeypot, CAPTCHA), checks it against the form, stores
 * it, applies its values to the person it identifies, counts it, and emits {@code form.submitted}.
 */
public final class SubmitForm {
    private static final System.Logger LOG = System.getLogger("intake");
    /** Public posts per IP and form in one {@link #RATE_WINDOW}. */
    public static final int RATE_LIMIT = 10;
    public static final Duration RATE_WINDOW = Duration.ofMinutes(1);
    /** Caller-chosen form ids: what fits in a URL path segment and a storage key without escaping. */
    private static final Pattern CALLER_FORM_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._~:@-]{0,127}");

    private final FormStore forms;
    private final SubmissionStore submissions;
    private final PersonStore people;
    private final RateLimiter rateLimiter;
    private final CaptchaVerifier captcha;
    private final Clock clock;

    /**
     * Which guards apply. Public browser routes are rate-limited and spam-checked; routes with credentials
     * are not. {@code requireIdentifier} makes a submission that reaches no person a 400 after it is stored
     * (Customer.io's backend forms API).
     */
    public record Checks(boolean rateLimit, boolean spam, boolean requireIdentifier) {
        public static final Checks PUBLIC = new Checks(true, true, false);
        public static final Checks BACKEND = new Checks(false, false, true);
        public static final Checks API = new Checks(false, false, false);
    }

    /** What became of a submission. */
    public sealed interface Outcome {
        /** The id the caller is told: a stored submission's, or a never-stored one for a dropped bot. */
        String submissionId();

        record Accepted(Submission submission) implements Outcome {
            public String submissionId() { return submission.id(); }
        }

        /** A bot filled in the honeypot: it gets the normal success, and nothing is stored. */
        record Dropped(String submissionId) implements Outcome {}
    }

    public SubmitForm(FormStore forms, SubmissionStore submissions, PersonStore people,
                      RateLimiter rateLimiter, CaptchaVerifier captcha, Clock clock) {
        this.forms = forms;
        this.submissions = submissions;
        this.people = people;
        this.rateLimiter = rateLimiter;
        this.captcha = captcha;
        this.clock = clock;
    }

    /**
     * Finds the form a public route names. Only generated {@code frm_} ids are global; a caller-chosen id
     * needs its workspace, so on a public route it is simply not found.
     */
    public Form publicForm(String formId) {
        if (formId == null || !formId.startsWith("frm_")) throw new IntakeException.NotFound("Form");
        return forms.findRecent(formId).orElseThrow(() -> new IntakeException.NotFound("Form"));
    }

    /**
     * Finds a form of {@code workspace} by the id a site or backend uses. An unknown id gives a form to
     * register (version 0, not stored yet) when the workspace allows it: {@link #submit} stores it with the
     * first submission it accepts, so a rejected post registers nothing (Customer.io's forms are created
     * by their first submission). Generated {@code frm_} ids are never registered: they are only found.
     */
    public Form siteForm(Workspace workspace, String formId) {
        if (formId == null || formId.isBlank()) {
            throw new IntakeException.Invalid("missing_form_id", "Name the form: 'form_id' is required", List.of("form_id"));
        }
        if (!CALLER_FORM_ID.matcher(formId).matches()) {
            throw new IntakeException.Invalid("invalid_form_id",
                    "'form_id' must be 1 to 128 letters, digits or . _ ~ : @ - and start with a letter or digit", List.of("form_id"));
        }
        var found = siteFormIfExists(workspace, formId);
        if (found.isPresent()) return found.get();
        if (formId.startsWith("frm_") || !workspace.autoRegisterForms()) throw new IntakeException.NotFound("Form");
        Instant now = clock.instant();
        return new Form(workspace.id(), formId, formId, List.of(), FormSettings.DEFAULT, false,
                Form.statusFor(List.of()), now, now, 0);
    }

    /** A form of {@code workspace} by its site-facing id, without registering it. */
    public java.util.Optional<Form> siteFormIfExists(Workspace workspace, String formId) {
        if (formId == null || !CALLER_FORM_ID.matcher(formId).matches()) return java.util.Optional.empty();
        return forms.findRecent(Form.key(workspace.id(), formId)).filter(f -> f.workspaceId().equals(workspace.id()));
    }

    /** Accepts {@code values} (keyed by field id or name) for {@code form}, after the guards {@code checks} asks for. */
    public Outcome submit(Form form, Map<String, Object> values, SubmissionMetadata metadata, Checks checks) {
        return submit(form, values, metadata, checks, null);
    }

    /**
     * {@link #submit(Form, Map, SubmissionMetadata, Checks)} for an idempotent request: {@code attempt} is the
     * token of its key's first attempt ({@link dev.intake.http.ApiRequest#idempotencyAttempt}; null without a
     * key). The submission's id is {@code sub_} + that token, so a retry that takes over from an attempt that
     * stored the submission and died before its answer was kept finds that submission, instead of storing a
     * second one.
     */
    public Outcome submit(Form form, Map<String, Object> values, SubmissionMetadata metadata, Checks checks, String attempt) {
        // Millisecond precision: the id's time prefix and submitted_at are then the same instant, so the
        // created_after / created_before key bounds are exact.
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        boolean retryable = Ids.isAttempt(attempt);
        // With an attempt, the submission is the one the key's first attempt made, at the time its id says.
        String id = retryable ? "sub_" + attempt : Ids.submission(now);
        Instant at = retryable ? Ids.attemptTime(attempt) : now;
        if (checks.rateLimit()) {
            String ip = metadata.ip() == null ? "unknown" : metadata.ip();
            var decision = rateLimiter.hit("SUBMIT#" + form.key() + "#" + ip, RATE_LIMIT, RATE_WINDOW, now);
            if (!decision.allowed()) {
                throw new IntakeException.RateLimited("Too many submissions to this form from your address: at most "
                        + RATE_LIMIT + " a minute. Try again in " + decision.retryAfterSeconds() + " s", decision.retryAfterSeconds());
            }
        }
        Map<String, Object> data = new LinkedHashMap<>(values);
        if (checks.spam()) {
            // Browser-only control fields: never stored. Backends may use these names for real data.
            Object honeypot = data.remove(form.settings().honeypot());
            Map<String, Object> tokens = new LinkedHashMap<>();
            for (String f : CaptchaSettings.TOKEN_FIELDS) {
                Object t = data.remove(f);
                if (t != null) tokens.put(f, t);
            }
            if (filled(honeypot)) return new Outcome.Dropped(id);
            verifyCaptcha(form.settings().captcha(), tokens, metadata.ip());
        }
        return new Outcome.Accepted(store(form, data, metadata, checks, id, at, retryable));
    }

    private void verifyCaptcha(CaptchaSettings settings, Map<String, Object> tokens, String ip) {
        if (settings == null) return;
        Object token = tokens.get(settings.provider().tokenField());
        if (!(token instanceof String t) || t.isBlank()) {
            throw new IntakeException.Invalid("captcha_required",
                    "This form needs a CAPTCHA: send the widget's '" + settings.provider().tokenField() + "' field",
                    List.of(settings.provider().tokenField()));
        }
        if (!captcha.verify(settings, t, ip)) {
            throw new IntakeException.Invalid("captcha_failed", "The CAPTCHA was not solved, or has expired; try again",
                    List.of(settings.provider().tokenField()));
        }
    }

    private Submission store(Form form, Map<String, Object> values, SubmissionMetadata metadata, Checks checks, String id,
                             Instant now, boolean retryable) {
        SubmissionValidator.Result result = SubmissionValidator.validate(form, values);
        if (result.data().isEmpty()) {
            throw new IntakeException.Invalid("empty_submission", "The submission has no values: every field is missing or blank");
        }
        // A bad identifier fails before any write. These are also the values to store when the form is not written below.
        FormValues who = FormValues.of(result.learned().isEmpty() ? form : form.withAddedFields(result.learned(), now), result.data());
        boolean writeForm = form.version() == 0 || !result.learned().isEmpty();
        for (int attempt = 1; form.version() == 0 || !result.learned().isEmpty(); attempt++) {
            try {
                Form learned = form.withAddedFields(result.learned(), clock.instant());
                if (form.version() == 0) {
                    form = learned.registered();
                    forms.create(form);
                } else {
                    form = forms.update(learned);
                }
                break;
            } catch (IntakeException.Conflict lostRace) {
                // Another submission registered the form or taught it a field first: learn from theirs.
                if (attempt == 3) throw new IntakeException.Unavailable("The form is being changed; retry", 1);
                form = forms.find(form.key()).orElseThrow(() -> new IntakeException.NotFound("Form"));
                result = SubmissionValidator.validate(form, values);
            }
        }
        if (writeForm) who = FormValues.of(form, result.data());
        String personId = who.personId(form.workspaceId());
        Submission submission = new Submission(id, form.workspaceId(), form.id(), result.data(), metadata, now, personId);
        // The person first, then the submission: storing the submission is the commit point. Its stream
        // record becomes the form.submitted event (see RelaySubmissions), which then finds the person
        // already there. A crash in between leaves a person without the submission, which a retry completes.
        if (personId != null) {
            Map<String, Object> attributes = new LinkedHashMap<>(who.byAttribute());
            attributes.remove("email");
            attributes.remove("id");
            ConsentState asked = form.doubleOptIn() ? ConsentState.PENDING : ConsentState.OPTED_IN;
            people.upsert(new PersonUpsert(form.workspaceId(), personId, who.email(), who.externalId(), attributes,
                    new ConsentRecord(asked, now, metadata.ip(), form.id(), metadata.source()), null, now));
        }
        boolean count = true;
        try {
            submissions.save(form.key(), submission);
        } catch (IntakeException.Conflict stored) {
            // The id is this request's own (fresh, or its Idempotency-Key's first attempt's), so the item is there
            // because this request's write got through before: the SDK retried a write whose answer was lost, or
            // an attempt under the same key stored it and died before its answer was kept. It is the answer.
            submission = submissions.find(form.key(), id).orElseThrow(() -> stored);
            // That earlier attempt may have counted it: the count is left one short (as below) rather than one over.
            count = !retryable;
        }
        try {
            if (count) forms.addToCount(form, 1, submission.id());
        } catch (RuntimeException countLost) {
            // After the commit point: the submission is stored and its event will go out. Failing the request now
            // would make the client's retry store it a second time, so the count is left one short instead.
            LOG.log(System.Logger.Level.WARNING, "submission counter not updated ({0}); the count is one short",
                    countLost.getClass().getSimpleName());
        }
        if (checks.requireIdentifier() && personId == null) {
            List<String> names = form.fields().stream().map(Field::name).toList();
            throw new IntakeException.Invalid("identifier_not_mapped",
                    "The submission was stored, but no field maps to 'email' or 'id', so it reaches no person. "
                            + "Map one of the form's fields (" + String.join(", ", names) + ") to 'email' or 'id' with "
                            + "PATCH /api/workspaces/{workspaceId}/forms/" + form.id() + ", or send a field named 'email' or 'id'",
                    names);
        }
        return submission;
    }

    private static boolean filled(Object v) {
        return v instanceof String s ? !s.isBlank() : v instanceof List<?> l ? !l.isEmpty() : v != null;
    }
}
