package dev.intake.application;

import dev.intake.application.port.SubmissionStore;
import dev.intake.domain.IntakeException;
import dev.intake.domain.Submission;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A {@link SubmissionStore} in sorted maps of form key to submissions, ordered by id like the table. Like the
 * table's stream, it can hand every inserted submission to a listener ({@link #streamTo}).
 */
final class InMemorySubmissionStore implements SubmissionStore {
    private final Map<String, NavigableMap<String, Submission>> byForm = new LinkedHashMap<>();
    private java.util.function.BiConsumer<String, Submission> stream = (k, s) -> {};

    /** Relays every later insert, as the Submissions table's stream does. */
    InMemorySubmissionStore streamTo(java.util.function.BiConsumer<String, Submission> listener) {
        this.stream = listener;
        return this;
    }

    @Override
    public void save(String formKey, Submission submission) {
        var form = byForm.computeIfAbsent(formKey, k -> new TreeMap<>());
        if (form.putIfAbsent(submission.id(), submission) != null) throw new IntakeException.Conflict("exists");
        stream.accept(formKey, submission);
    }

    @Override
    public Optional<Submission> find(String formKey, String submissionId) {
        return Optional.ofNullable(byForm.getOrDefault(formKey, new TreeMap<>()).get(submissionId));
    }

    @Override
    public Slice list(String formKey, Range range, int limit) {
        if (range.fromId().compareTo(range.toId()) > 0) return new Slice(List.of(), false);
        var inRange = byForm.getOrDefault(formKey, new TreeMap<>()).subMap(range.fromId(), true, range.toId(), true).descendingMap();
        var rest = range.startAfter() == null ? inRange : inRange.tailMap(range.startAfter(), false);
        List<Submission> items = rest.values().stream().limit(limit + 1L).toList();
        return items.size() > limit ? new Slice(items.subList(0, limit), true) : new Slice(items, false);
    }

    @Override
    public Optional<Submission> delete(String formKey, String submissionId) {
        var form = byForm.get(formKey);
        return Optional.ofNullable(form == null ? null : form.remove(submissionId));
    }

    @Override
    public List<Ref> findByPerson(String workspaceId, String personId) {
        List<Ref> out = new ArrayList<>();
        byForm.forEach((key, subs) -> subs.values().stream()
                .filter(s -> s.workspaceId().equals(workspaceId) && personId.equals(s.personId()))
                .forEach(s -> out.add(new Ref(key, s.id()))));
        return out;
    }

    List<Submission> all() {
        return byForm.values().stream().flatMap(m -> m.values().stream()).toList();
    }

    List<Submission> all(String formKey) {
        return new ArrayList<>(byForm.getOrDefault(formKey, new TreeMap<>()).values());
    }

    int size() {
        return byForm.values().stream().mapToInt(Map::size).sum();
    }
}
