package dev.intake.adapter.cache;

import dev.intake.application.port.FormStore;
import dev.intake.domain.Form;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Keeps the forms that {@link #findRecent} found for {@link #TTL}, per container: a form's submissions and their
 * relay then read it once every few seconds, not on every submission (docs/scaling.md, hot keys). Every other
 * call goes to the store; this instance's own writes forget the form at once. Another container's change (the
 * forms function's, on AWS) is seen within {@link #TTL}, and writes of a stale form fail on its version, so a
 * change is never lost.
 */
public final class RecentForms implements FormStore {
    public static final Duration TTL = Duration.ofSeconds(5);

    private final FormStore store;
    private final Expiring<String, Form> recent;

    public RecentForms(FormStore store) {
        this(store, System::nanoTime);
    }

    RecentForms(FormStore store, LongSupplier nanoTime) {
        this.store = store;
        this.recent = new Expiring<>(TTL, 10_000, nanoTime);
    }

    @Override
    public Optional<Form> findRecent(String formKey) {
        return recent.get(formKey, store::findRecent);
    }

    @Override
    public void create(Form form) {
        try {
            store.create(form);
        } finally {
            recent.invalidate(form.key());
        }
    }

    @Override
    public Optional<Form> find(String formKey) {
        return store.find(formKey);
    }

    @Override
    public List<Form> listByWorkspace(String workspaceId) {
        return store.listByWorkspace(workspaceId);
    }

    @Override
    public Form update(Form form) {
        try {
            return store.update(form);
        } finally {
            recent.invalidate(form.key());
        }
    }

    @Override
    public void delete(Form form) {
        try {
            store.delete(form);
        } finally {
            recent.invalidate(form.key());
        }
    }

    @Override
    public void addToCount(Form form, long delta, String submissionId) {
        store.addToCount(form, delta, submissionId);
    }

    @Override
    public Map<String, Long> counts(String workspaceId) {
        return store.counts(workspaceId);
    }

    @Override
    public long count(Form form) {
        return store.count(form);
    }
}
