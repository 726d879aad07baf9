package dev.intake.application;

import dev.intake.application.port.SubmissionStore;
import dev.intake.domain.Submission;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A {@link SubmissionStore} in a map of form key to submissions. */
final class InMemorySubmissionStore implements SubmissionStore {
    private final Map<String, Map<String, Submission>> byForm = new LinkedHashMap<>();

    @Override
    public void save(String formKey, Submission submission) {
        byForm.computeIfAbsent(formKey, k -> new LinkedHashMap<>()).put(submission.id(), submission);
    }

    @Override
    public Optional<Submission> find(String formKey, String submissionId) {
        return Optional.ofNullable(byForm.getOrDefault(formKey, Map.of()).get(submissionId));
    }

    List<Submission> all() {
        return byForm.values().stream().flatMap(m -> m.values().stream()).toList();
    }

    List<Submission> all(String formKey) {
        return new ArrayList<>(byForm.getOrDefault(formKey, Map.of()).values());
    }

    int size() {
        return byForm.values().stream().mapToInt(Map::size).sum();
    }
}
