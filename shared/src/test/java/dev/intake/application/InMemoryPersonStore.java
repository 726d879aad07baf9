package dev.intake.application;

import dev.intake.application.port.PersonStore;
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
    private final Map<String, Person> people = new LinkedHashMap<>();

    @Override
    public void upsert(PersonUpsert u) {
        upserts.add(u);
        String key = u.workspaceId() + "/" + u.personId();
        Person old = people.get(key);
        Map<String, Object> attributes = new LinkedHashMap<>(old == null ? Map.of() : old.attributes());
        attributes.putAll(u.attributes());
        people.put(key, new Person(u.workspaceId(), u.personId(),
                u.email() != null ? u.email() : old == null ? null : old.email(),
                u.externalId() != null ? u.externalId() : old == null ? null : old.externalId(),
                old == null ? List.of() : old.anonymousIds(), attributes,
                u.consent() == null ? null : u.consent().state(), u.consent(),
                old == null ? u.consent().at() : old.createdAt(), u.consent().at()));
    }

    @Override
    public Optional<Person> find(String workspaceId, String personId) {
        return Optional.ofNullable(people.get(workspaceId + "/" + personId));
    }
}
