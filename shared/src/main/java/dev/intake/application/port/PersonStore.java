package dev.intake.application.port;

import dev.intake.domain.Activity;
import dev.intake.domain.ConsentRecord;
import dev.intake.domain.ConsentState;
import dev.intake.domain.Erasure;
import dev.intake.domain.Person;
import dev.intake.domain.PersonUpsert;
import dev.intake.domain.Relationship;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** People of a workspace. */
public interface PersonStore {
    /** Creates or updates the person in one write, without reading it first; returns the consent state after it. */
    ConsentState upsert(PersonUpsert upsert);

    /**
     * Records a confirmed double opt-in: consent becomes {@code OPTED_IN} with {@code record}. Throws
     * {@code NotFound} when the person no longer exists (for example after erasure).
     */
    void confirmConsent(String workspaceId, String personId, ConsentRecord record);

    Optional<Person> find(String workspaceId, String personId);

    /**
     * A person keyed by their {@code id} whose email is {@code email}. People keyed by email are found with
     * {@link #find} and the id derived from it; only id-keyed people carry the email index.
     */
    Optional<Person> findIdKeyedByEmail(String workspaceId, String email);

    /** Removes the person with everything kept under them (relationships, activity, aliases); true if they existed. */
    boolean delete(String workspaceId, String personId);

    /** The person an identifier ({@code id} or {@code anon}) was linked or merged into, if any. */
    Optional<String> alias(String workspaceId, String kind, String value);

    /** Links an identifier to a person, so calls that carry it reach that person. */
    void link(String workspaceId, String kind, String value, String personId);

    /**
     * Moves everything of person {@code from} into person {@code to}: attributes {@code to} lacks, anonymous
     * ids, relationships, activity and aliases; then removes {@code from}. Does nothing when {@code from}
     * does not exist.
     */
    void merge(String workspaceId, String from, String to, Instant at);

    void upsertObject(String workspaceId, String objectTypeId, String objectId, Map<String, Object> traits, Instant at);

    void relate(String workspaceId, String personId, Relationship relationship, Instant at);

    List<Relationship> relationships(String workspaceId, String personId);

    /** Keeps an activity until {@code expiresAt}; the same message recorded twice is one activity. */
    void recordActivity(Activity activity, Instant expiresAt);

    /** The person's latest activity, newest first. */
    List<Activity> recentActivity(String workspaceId, String personId, int limit);

    /** Keeps a record that an erasure happened, without any personal data in it. */
    void recordErasure(String workspaceId, Erasure erasure);
}
