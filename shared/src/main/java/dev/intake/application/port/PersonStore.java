package dev.intake.application.port;

import dev.intake.domain.ConsentRecord;
import dev.intake.domain.ConsentState;
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
}
