package dev.intake.application;

import dev.intake.application.port.PersonStore;
import dev.intake.domain.Activity;
import dev.intake.domain.ConsentRecord;
import dev.intake.domain.ConsentState;
import dev.intake.domain.Erasure;
import dev.intake.domain.IntakeException;
import dev.intake.domain.Person;
import dev.intake.domain.PersonUpsert;
import dev.intake.domain.Relationship;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A {@link PersonStore} that keeps every upsert and folds them into people. */
final class InMemoryPersonStore implements PersonStore {
    final List<PersonUpsert> upserts = new ArrayList<>();
    final List<Erasure> erasures = new ArrayList<>();
    /** How many times {@link #find} was called: reads cost capacity units. */
    int finds;
    private final Map<String, Person> people = new LinkedHashMap<>();
    private final Map<String, String> aliases = new LinkedHashMap<>();
    private final Map<String, Map<String, Object>> objects = new LinkedHashMap<>();
    private final Map<String, List<Relationship>> relationships = new LinkedHashMap<>();
    private final List<Activity> activities = new ArrayList<>();

    @Override
    public ConsentState upsert(PersonUpsert u) {
        upserts.add(u);
        String key = u.workspaceId() + "/" + u.personId();
        Person old = people.get(key);
        // Like the real store: double opt-in never downgrades a consent that exists; no consent changes none.
        ConsentRecord consent = u.consent() == null || (u.consent().state() == ConsentState.PENDING && old != null && old.consent() != null)
                ? (old == null ? null : old.consentRecord()) : u.consent();
        Map<String, Object> attributes = new LinkedHashMap<>(old == null ? Map.of() : old.attributes());
        attributes.putAll(u.attributes());
        List<String> anon = new ArrayList<>(old == null ? List.of() : old.anonymousIds());
        if (u.anonymousId() != null && !anon.contains(u.anonymousId())) anon.add(u.anonymousId());
        people.put(key, new Person(u.workspaceId(), u.personId(),
                u.email() != null ? u.email() : old == null ? null : old.email(),
                u.externalId() != null ? u.externalId() : old == null ? null : old.externalId(),
                anon, attributes, consent == null ? null : consent.state(), consent,
                old == null ? u.at() : old.createdAt(), u.at()));
        return consent == null ? null : consent.state();
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
        finds++;
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

    @Override
    public Optional<String> alias(String workspaceId, String kind, String value) {
        return Optional.ofNullable(aliases.get(workspaceId + "/" + kind + ":" + value));
    }

    @Override
    public void link(String workspaceId, String kind, String value, String personId) {
        aliases.put(workspaceId + "/" + kind + ":" + value, personId);
    }

    @Override
    public void merge(String workspaceId, String from, String to, Instant at) {
        if (from.equals(to)) return;
        Person source = people.remove(workspaceId + "/" + from);
        if (source == null) return;
        Person target = people.get(workspaceId + "/" + to);
        Map<String, Object> attributes = new LinkedHashMap<>(source.attributes());
        List<String> anon = new ArrayList<>(source.anonymousIds());
        if (target != null) {
            attributes.putAll(target.attributes());
            target.anonymousIds().stream().filter(a -> !anon.contains(a)).forEach(anon::add);
        }
        people.put(workspaceId + "/" + to, new Person(workspaceId, to, target != null && target.email() != null ? target.email() : source.email(),
                target == null ? null : target.externalId(), anon, attributes, target == null ? null : target.consent(),
                target == null ? null : target.consentRecord(), target == null ? source.createdAt() : target.createdAt(),
                target == null ? source.updatedAt() : target.updatedAt()));
        aliases.replaceAll((k, v) -> v.equals(from) ? to : v);
        List<Relationship> moved = relationships.remove(workspaceId + "/" + from);
        if (moved != null) relationships.computeIfAbsent(workspaceId + "/" + to, k -> new ArrayList<>()).addAll(moved);
        activities.stream().filter(a -> a.personId().equals(from)).toList().forEach(a -> {
            activities.remove(a);
            activities.add(new Activity(a.workspaceId(), to, a.messageId(), a.type(), a.event(), a.name(), a.properties(), a.context(), a.timestamp()));
        });
    }

    @Override
    public void upsertObject(String workspaceId, String objectTypeId, String objectId, Map<String, Object> traits, Instant at) {
        objects.merge(workspaceId + "/" + objectTypeId + "/" + objectId, new LinkedHashMap<>(traits), (a, b) -> { a.putAll(b); return a; });
    }

    @Override
    public void relate(String workspaceId, String personId, Relationship relationship, Instant at) {
        relationships.computeIfAbsent(workspaceId + "/" + personId, k -> new ArrayList<>()).add(relationship);
    }

    @Override
    public List<Relationship> relationships(String workspaceId, String personId) {
        return relationships.getOrDefault(workspaceId + "/" + personId, List.of());
    }

    @Override
    public void recordActivity(Activity activity, Instant expiresAt) {
        activities.removeIf(a -> a.workspaceId().equals(activity.workspaceId()) && a.messageId().equals(activity.messageId()));
        activities.add(activity);
    }

    @Override
    public List<Activity> recentActivity(String workspaceId, String personId, int limit) {
        return activities.stream().filter(a -> a.workspaceId().equals(workspaceId) && a.personId().equals(personId))
                .sorted(java.util.Comparator.comparing(Activity::timestamp).reversed()).limit(limit).toList();
    }
}
