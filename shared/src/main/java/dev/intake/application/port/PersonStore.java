package dev.intake.application.port;

import dev.intake.domain.Person;
import dev.intake.domain.PersonUpsert;
import java.util.Optional;

/** People of a workspace. */
public interface PersonStore {
    /** Creates or updates the person in one write, without reading it first. */
    void upsert(PersonUpsert upsert);

    Optional<Person> find(String workspaceId, String personId);
}
