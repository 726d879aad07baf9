package dev.intake.application;

import dev.intake.application.port.FormStore;
import dev.intake.application.port.PersonStore;
import dev.intake.application.port.SubmissionStore;
import dev.intake.domain.Activity;
import dev.intake.domain.Erasure;
import dev.intake.domain.Form;
import dev.intake.domain.Ids;
import dev.intake.domain.IntakeException;
import dev.intake.domain.Person;
import dev.intake.domain.Relationship;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The people of a workspace: look one up by an identifier, or erase one with everything they submitted. */
public final class ManagePeople {
    private final PersonStore people;
    private final SubmissionStore submissions;
    private final FormStore forms;
    private final Clock clock;

    public ManagePeople(PersonStore people, SubmissionStore submissions, FormStore forms, Clock clock) {
        this.people = people;
        this.submissions = submissions;
        this.forms = forms;
        this.clock = clock;
    }

    /** A person with what the tracking calls recorded on them. */
    public record Profile(Person person, List<Relationship> relationships, List<Activity> recentActivity) {}

    /** How many of the latest track, page and screen calls a profile shows. */
    public static final int RECENT_ACTIVITY = 25;

    /** The person with this email or this id, with their relationships and latest activity. */
    public Profile profile(String workspaceId, String email, String id) {
        Person p = find(workspaceId, email, id);
        return new Profile(p, people.relationships(workspaceId, p.id()), people.recentActivity(workspaceId, p.id(), RECENT_ACTIVITY));
    }

    /**
     * The person with this email or this id: exactly one of the two is given. An id that was aliased to
     * another person finds that person.
     */
    public Person find(String workspaceId, String email, String id) {
        if ((email == null) == (id == null)) {
            throw new IntakeException.Invalid("invalid_lookup", "Look a person up by exactly one of 'email' or 'id'", List.of("email", "id"));
        }
        // Longer identifiers are refused when people are made, so no person has one (and no key could hold it).
        if (Person.identifierTooLong(email) || Person.identifierTooLong(id)) throw new IntakeException.NotFound("Person");
        Optional<Person> found;
        if (email != null) {
            String e = email.trim().toLowerCase(Locale.ROOT);
            if (e.isEmpty()) throw new IntakeException.Invalid("invalid_email", "'email' is empty", List.of("email"));
            found = people.find(workspaceId, Ids.person(workspaceId, "email", e))
                    .or(() -> people.findIdKeyedByEmail(workspaceId, e));
        } else {
            String i = id.trim();
            if (i.isEmpty()) throw new IntakeException.Invalid("invalid_id", "'id' is empty", List.of("id"));
            found = people.find(workspaceId, people.alias(workspaceId, "id", i).orElse(Ids.person(workspaceId, "id", i)));
        }
        return found.orElseThrow(() -> new IntakeException.NotFound("Person"));
    }

    /**
     * GDPR erasure: deletes every submission of the person across the workspace's forms, then the person,
     * then records that an erasure happened (counts only). The person goes last, so a request that dies
     * half-way is finished by sending it again.
     */
    public Erasure erase(String workspaceId, String personId) {
        if (!Ids.isPerson(personId) || people.find(workspaceId, personId).isEmpty()) throw new IntakeException.NotFound("Person");
        Map<String, Optional<Form>> formsByKey = new HashMap<>();
        int deleted = 0;
        for (SubmissionStore.Ref ref : submissions.findByPerson(workspaceId, personId)) {
            if (submissions.delete(ref.formKey(), ref.submissionId()).isEmpty()) continue;
            deleted++;
            formsByKey.computeIfAbsent(ref.formKey(), forms::find).ifPresent(f -> forms.addToCount(f, -1, ref.submissionId()));
        }
        people.delete(workspaceId, personId);
        Instant now = clock.instant();
        Erasure erasure = new Erasure(Ids.erasure(now), now, deleted);
        people.recordErasure(workspaceId, erasure);
        return erasure;
    }
}
