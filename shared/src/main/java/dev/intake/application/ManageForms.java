package dev.intake.application;

import dev.intake.application.port.FormStore;
import dev.intake.domain.CaptchaSettings;
import dev.intake.domain.Field;
import dev.intake.domain.FieldType;
import dev.intake.domain.Form;
import dev.intake.domain.FormSettings;
import dev.intake.domain.Ids;
import dev.intake.domain.IntakeException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Create, list, read, change and delete the forms of a workspace. */
public final class ManageForms {
    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 100;

    private final FormStore forms;
    private final Clock clock;

    /** A field as the caller describes it; {@code id} is set only when a patch refers to an existing field. */
    public record FieldDraft(String id, String name, String type, String label, Boolean required,
                             List<String> options, String placeholder, String attribute) {}

    public record FormDraft(String name, List<FieldDraft> fields, FormSettings settings, Boolean doubleOptIn) {}

    /** Null members are left unchanged. Listed fields are updated (matched by id, then name) or added. */
    public record FormPatch(String name, List<FieldDraft> fields, FormSettings settings, Boolean doubleOptIn) {}

    public record FormView(Form form, long submissions) {}

    public record FormList(List<FormView> data, int page, int limit, int total, int totalPages) {}

    public ManageForms(FormStore forms, Clock clock) {
        this.forms = forms;
        this.clock = clock;
    }

    public FormView create(String workspaceId, FormDraft draft) {
        return create(workspaceId, draft, null);
    }

    /**
     * {@link #create(String, FormDraft)} for an idempotent request: the form's id comes from {@code attempt}
     * ({@link dev.intake.http.ApiRequest#idempotencyAttempt}), so a retry that takes over from an attempt that
     * created the form and died before its answer was kept answers with that form instead of a second one.
     */
    public FormView create(String workspaceId, FormDraft draft, String attempt) {
        if (draft.name() == null || draft.name().isBlank()) {
            throw new IntakeException.Invalid("missing_name", "A form needs a 'name'", List.of("name"));
        }
        List<Field> fields = new ArrayList<>();
        for (FieldDraft d : nullToEmpty(draft.fields())) fields.add(newField(d));
        checkFields(fields);
        Instant now = clock.instant();
        if (draft.settings() != null && draft.settings().captcha() != null && draft.settings().captcha().secret() == null) {
            throw new IntakeException.Invalid("invalid_captcha", "'settings.captcha.secret' is required", List.of("settings.captcha.secret"));
        }
        boolean retryable = Ids.isAttempt(attempt);
        Form form = new Form(workspaceId, retryable ? Ids.form(workspaceId, attempt) : Ids.form(), draft.name().trim(), fields,
                draft.settings(), Boolean.TRUE.equals(draft.doubleOptIn()), Form.statusFor(fields), now, now, 1);
        try {
            forms.create(form);
        } catch (IntakeException.Conflict created) {
            if (!retryable) throw created;
            return get(workspaceId, form.id());
        }
        return new FormView(form, 0);
    }

    public FormList list(String workspaceId, Integer page, Integer limit) {
        int p = page == null ? 1 : page;
        int l = limit == null ? DEFAULT_LIMIT : limit;
        if (p < 1) throw new IntakeException.Invalid("invalid_page", "'page' must be 1 or more", List.of("page"));
        if (l < 1 || l > MAX_LIMIT) {
            throw new IntakeException.Invalid("invalid_limit", "'limit' must be between 1 and " + MAX_LIMIT, List.of("limit"));
        }
        List<Form> all = forms.listByWorkspace(workspaceId);
        int total = all.size();
        int from = (int) Math.min((long) (p - 1) * l, total);
        List<Form> slice = all.subList(from, Math.min(from + l, total));
        Map<String, Long> counts = slice.isEmpty() ? Map.of() : forms.counts(workspaceId);
        List<FormView> views = slice.stream().map(f -> new FormView(f, counts.getOrDefault(f.key(), 0L))).toList();
        return new FormList(views, p, l, total, (total + l - 1) / l);
    }

    public FormView get(String workspaceId, String formId) {
        Form form = load(workspaceId, formId);
        return new FormView(form, forms.count(form));
    }

    public FormView patch(String workspaceId, String formId, FormPatch patch) {
        Form form = load(workspaceId, formId);
        List<Field> fields = new ArrayList<>(form.fields());
        for (FieldDraft d : nullToEmpty(patch.fields())) {
            int at = indexOf(fields, d);
            if (at < 0) fields.add(newField(d));
            else fields.set(at, merge(fields.get(at), d));
        }
        checkFields(fields);
        String name = patch.name() == null ? form.name() : patch.name().trim();
        if (name.isEmpty()) throw new IntakeException.Invalid("missing_name", "A form needs a 'name'", List.of("name"));
        Form changed = new Form(form.workspaceId(), form.id(), name, fields,
                patch.settings() == null ? form.settings() : keepCaptchaSecret(patch.settings(), form.settings()),
                patch.doubleOptIn() == null ? form.doubleOptIn() : patch.doubleOptIn(),
                Form.statusFor(fields), form.createdAt(), clock.instant(), form.version());
        Form saved = forms.update(changed);
        return new FormView(saved, forms.count(saved));
    }

    public void delete(String workspaceId, String formId) {
        forms.delete(load(workspaceId, formId));
    }

    /** Loads a form of this workspace; another workspace's form is reported as absent. */
    public Form load(String workspaceId, String formId) {
        return forms.find(Form.key(workspaceId, formId))
                .filter(f -> f.workspaceId().equals(workspaceId))
                .orElseThrow(() -> new IntakeException.NotFound("Form"));
    }

    /**
     * A PATCH that names the same CAPTCHA provider without a secret keeps the stored secret, because the
     * API never returns it and a read-modify-write of the settings must not lose it.
     */
    private static FormSettings keepCaptchaSecret(FormSettings next, FormSettings current) {
        CaptchaSettings c = next.captcha();
        if (c == null || c.secret() != null) return next;
        CaptchaSettings old = current.captcha();
        if (old == null || old.provider() != c.provider()) {
            throw new IntakeException.Invalid("invalid_captcha", "'settings.captcha.secret' is required", List.of("settings.captcha.secret"));
        }
        return new FormSettings(next.redirectUrl(), next.successMessage(), next.allowedOrigins(), next.redirectHosts(),
                next.honeypotField(), old);
    }

    private static Field newField(FieldDraft d) {
        if (d.name() == null || d.name().isBlank()) {
            throw new IntakeException.Invalid("invalid_field", "Every field needs a 'name'", List.of("fields"));
        }
        FieldType type = FieldType.parse(d.type());
        return new Field(Ids.field(), d.name(), type, d.label() == null ? d.name() : d.label(),
                Boolean.TRUE.equals(d.required()), d.options(), d.placeholder(), d.attribute());
    }

    private static Field merge(Field f, FieldDraft d) {
        return new Field(f.id(), f.name(),
                d.type() == null ? f.type() : FieldType.parse(d.type()),
                d.label() == null ? f.label() : d.label(),
                d.required() == null ? f.required() : d.required(),
                d.options() == null ? f.options() : d.options(),
                d.placeholder() == null ? f.placeholder() : d.placeholder(),
                d.attribute() == null ? f.attribute() : d.attribute());
    }

    private static int indexOf(List<Field> fields, FieldDraft d) {
        for (int i = 0; i < fields.size(); i++) {
            Field f = fields.get(i);
            if (d.id() != null ? f.id().equals(d.id()) : f.name().equals(d.name())) return i;
        }
        if (d.id() != null) throw new IntakeException.Invalid("unknown_field", "No field with id '" + d.id() + "'", List.of("fields"));
        return -1;
    }

    private static void checkFields(List<Field> fields) {
        if (fields.size() > Form.MAX_FIELDS) {
            throw new IntakeException.Invalid("too_many_fields", "A form may have at most " + Form.MAX_FIELDS + " fields", List.of("fields"));
        }
        Set<String> names = new HashSet<>();
        for (Field f : fields) {
            if (!names.add(f.name())) {
                throw new IntakeException.Invalid("duplicate_field", "Two fields are named '" + f.name() + "'", List.of("fields"));
            }
            if ((f.type() == FieldType.SELECT || f.type() == FieldType.RADIO) && f.options().isEmpty()) {
                throw new IntakeException.Invalid("missing_options",
                        "Field '" + f.name() + "' of type " + f.type().wireName() + " needs 'options'", List.of(f.name()));
            }
        }
    }

    private static <T> List<T> nullToEmpty(List<T> l) { return l == null ? List.of() : l; }
}
