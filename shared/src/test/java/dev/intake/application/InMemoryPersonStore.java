package dev.intake.application;

import dev.intake.application.port.PersonStore;
import dev.intake.domain.ConsentRecord;
import dev.intake.domain.ConsentState;
import dev.intake.domain.Erasure;
import dev.intake.domain.IntakeException;
import dev.intake.domain.Person;
import dev.intake.domain.PersonUpsert;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A {@link PersonStore} that keeps every upsert and folds them into people. */
final class InMemoryPersonStore implements PersonStore {
    final List<PersonUpsert> upserts = new ArrayList<>();
    final List<Erasure> erasures = new ArrayList<>();
    private final Map<String, Person> people = new LinkedHashMap<>();

    @Override
    public ConsentState upsert(PersonUpsert u) {
        upserts.add(u);
        String key = u.workspaceId() + "/" + u.personId();
        Person old = people.get(key);
        // Like the real store: double opt-in never downgrades a consent that exists.
        ConsentRecord consent = u.consent().state() == ConsentState.PENDING && old != null && old.consent() != null
                ? old.consentRecord() : u.consent();
        Map<String, Object> attributes = new LinkedHashMap<>(old == null ? Map.of() : old.attributes());
        attributes.putAll(u.attributes());
        people.put(key, new Person(u.workspaceId(), u.personId(),
                u.email() != null ? u.email() : old == null ? null : old.email(),
                u.externalId() != null ? u.externalId() : old == null ? null : old.externalId(),
                old == null ? List.of() : old.anonymousIds(), attributes,
                consent.state(), consent, old == null ? u.consent().at() : old.createdAt(), u.consent().at()));
        return consent.state();
    }

    @Override
    public void confirmConsent(String workspaceId, String personId, ConsentRecord record) {
        Person old = people.get(workspaceId + "/" + personId);
        if (old == null) throw new IntakeException.NotFound("Person");
        people.put(workspaceId + "/" + personId, new Person(workspaceId, personId, old.email(), old.externalId(),
                old.anonymousIds(), old.attributes(), record.state(), record, old.createdAt(), record.at()));
    }

    @Override
    public Optional<Person> find(String workspaceId, String personId) {
        return Optional.ofNullable(people.get(workspaceId + "/" + personId));
    }

    @Override
    public Optional<Person> findIdKeyedByEmail(String workspaceId, String email) {
        return people.values().stream()
                .filter(p -> p.workspaceId().equals(workspaceId) && p.externalId() != null && email.equals(p.email()))
                .findFirst();
    }

    @Override
    public boolean delete(String workspaceId, String personId) {
        return people.remove(workspaceId + "/" + personId) != null;
    }

    @Override
    public void recordErasure(String workspaceId, Erasure erasure) {
        erasures.add(erasure);
    }
}
