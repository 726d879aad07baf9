package dev.intake.application;

import dev.intake.application.port.FormStore;
import dev.intake.domain.Form;
import dev.intake.domain.IntakeException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A {@link FormStore} in a map, with the same version guard as the real one. */
final class InMemoryFormStore implements FormStore {
    private final Map<String, Form> forms = new LinkedHashMap<>();
    private final Map<String, Long> counts = new HashMap<>();

    @Override
    public void create(Form form) {
        if (forms.putIfAbsent(form.key(), form) != null) throw new IntakeException.Conflict("Form exists");
    }

    @Override
    public Optional<Form> find(String formKey) {
        return Optional.ofNullable(forms.get(formKey));
    }

    /** Newest first: insertion order reversed, since tests use a fixed clock. */
    @Override
    public List<Form> listByWorkspace(String workspaceId) {
        List<Form> out = new ArrayList<>();
        for (Form f : forms.values()) if (f.workspaceId().equals(workspaceId)) out.add(0, f);
        return out;
    }

    @Override
    public Form update(Form form) {
        Form stored = forms.get(form.key());
        if (stored == null || stored.version() != form.version()) throw new IntakeException.Conflict("Form changed");
        Form saved = new Form(form.workspaceId(), form.id(), form.name(), form.fields(), form.settings(),
                form.doubleOptIn(), form.status(), form.createdAt(), form.updatedAt(), form.version() + 1);
        forms.put(form.key(), saved);
        return saved;
    }

    @Override
    public void delete(Form form) {
        forms.remove(form.key());
        counts.remove(form.key());
    }

    @Override
    public void addToCount(Form form, long delta, String submissionId) {
        counts.merge(form.key(), delta, Long::sum);
    }

    @Override
    public Map<String, Long> counts(String workspaceId) {
        Map<String, Long> out = new HashMap<>();
        counts.forEach((key, n) -> {
            Form f = forms.get(key);
            if (f != null && f.workspaceId().equals(workspaceId)) out.put(key, n);
        });
        return out;
    }

    @Override
    public long count(Form form) {
        return counts.getOrDefault(form.key(), 0L);
    }

    int size() { return forms.size(); }
}
