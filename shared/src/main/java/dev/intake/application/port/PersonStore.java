package dev.intake.application.port;

import dev.intake.domain.ConsentRecord;
import dev.intake.domain.ConsentState;
import dev.intake.domain.Erasure;
import dev.intake.domain.Person;
import dev.intake.domain.PersonUpsert;
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

    /** Removes the person; true if they existed. */
    boolean delete(String workspaceId, String personId);

    /** Keeps a record that an erasure happened, without any personal data in it. */
    void recordErasure(String workspaceId, Erasure erasure);
}
