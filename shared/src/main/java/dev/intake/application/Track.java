package dev.intake.application;

import dev.intake.application.port.EventPublisher;
import dev.intake.application.port.IdempotencyStore;
import dev.intake.application.port.IdempotencyStore.Claim;
import dev.intake.application.port.PersonStore;
import dev.intake.domain.Activity;
import dev.intake.domain.EventTracked;
import dev.intake.domain.Ids;
import dev.intake.domain.IntakeException;
import dev.intake.domain.PersonUpsert;
import dev.intake.domain.Relationship;
import dev.intake.domain.TrackCall;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Applies tracking calls to people and objects, once per {@code messageId} and workspace:
 * <ul>
 *   <li>identify upserts the person (traits become attributes, {@code email} an identifier), links the
 *       {@code anonymousId} and merges what was recorded under it;</li>
 *   <li>track, page and screen keep an activity on the person for {@link #retention}; track also
 *       publishes {@code event.tracked} for campaigns;</li>
 *   <li>group upserts the object and the person's relationship to it;</li>
 *   <li>alias merges the profile of {@code previousId} into {@code userId}'s.</li>
 * </ul>
 * A person is keyed by {@code userId} like a form submission's {@code id}, or by {@code anonymousId}
 * until identified; an identifier that was aliased or linked reaches the person it was merged into.
 */
public final class Track {
    /** How long a messageId is remembered: Segment's clients retry for hours, not days. */
    public static final Duration DEDUPE_WINDOW = Duration.ofHours(48);
    private static final Duration LEASE = Duration.ofSeconds(30);
    private static final String DONE = "processed";

    private final PersonStore people;
    private final IdempotencyStore seen;
    private final EventPublisher events;
    private final Duration retention;
    private final Clock clock;

    public record Result(int processed, int duplicates) {}

    public Track(PersonStore people, IdempotencyStore seen, EventPublisher events, Duration retention, Clock clock) {
        this.people = people;
        this.seen = seen;
        this.events = events;
        this.retention = retention;
        this.clock = clock;
    }

    /** Applies {@code calls} in order. A call whose messageId was processed before changes nothing. */
    public Result handle(String workspaceId, List<TrackCall> calls) {
        int processed = 0;
        int duplicates = 0;
        for (TrackCall call : calls) {
            Instant now = clock.instant();
            String key = "msg#" + workspaceId + "#" + call.messageId();
            Claim claim = seen.claim(key, DONE, now, now.plus(LEASE), now.plus(DEDUPE_WINDOW));
            switch (claim) {
                case Claim.Replay r -> { duplicates++; continue; }
                case Claim.Mismatch m -> { duplicates++; continue; }
                case Claim.InProgress p -> throw new IntakeException.Unavailable(
                        "Message " + call.messageId() + " is being processed by another request; retry shortly", 2);
                case Claim.Acquired a -> { }
            }
            try {
                apply(workspaceId, call);
            } catch (RuntimeException e) {
                seen.release(key, DONE);
                throw e;
            }
            seen.complete(key, DONE, new IdempotencyStore.StoredResponse(200, Map.of(), ""), now.plus(DEDUPE_WINDOW));
            processed++;
        }
        return new Result(processed, duplicates);
    }

    private void apply(String ws, TrackCall c) {
        Instant now = clock.instant();
        switch (c.type()) {
            case IDENTIFY -> {
                Who who = resolve(ws, c.userId(), c.anonymousId());
                String personId = who.personId();
                if (c.userId() != null && c.anonymousId() != null) absorbAnonymous(ws, c.anonymousId(), personId, now);
                Map<String, Object> attributes = new LinkedHashMap<>();
                c.traits().forEach((k, v) -> { if (v != null && !k.equals("email") && !k.equals("id")) attributes.put(k, v); });
                Object email = c.traits().get("email");
                people.upsert(new PersonUpsert(ws, personId,
                        email instanceof String e && !e.isBlank() ? e.trim().toLowerCase(Locale.ROOT) : null,
                        who.externalId(), attributes, null, c.anonymousId(), now));
            }
            case TRACK, PAGE, SCREEN -> {
                String personId = touch(ws, c, now);
                people.recordActivity(new Activity(ws, personId, c.messageId(), c.type().wireName(), c.event(), c.name(),
                        c.properties(), c.context(), c.timestamp()), now.plus(retention));
                if (c.type() == TrackCall.Type.TRACK) {
                    events.publish(new EventTracked(Ids.trackedEvent(ws, c.messageId(), c.sentTimestamp()), ws, personId,
                            c.userId(), c.event(), c.properties(), c.timestamp()));
                }
            }
            case GROUP -> {
                String personId = touch(ws, c, now);
                String type = c.groupObjectType();
                Map<String, Object> traits = new LinkedHashMap<>(c.traits());
                traits.remove("object_type_id");
                people.upsertObject(ws, type, c.groupId(), traits, now);
                people.relate(ws, personId, new Relationship(type, c.groupId()), now);
            }
            case ALIAS -> {
                Who who = resolve(ws, c.userId(), null);
                String target = who.personId();
                people.upsert(new PersonUpsert(ws, target, null, who.externalId(), Map.of(), null, null, now));
                for (String kind : List.of("id", "anon")) {
                    String from = people.alias(ws, kind, c.previousId()).orElse(Ids.person(ws, kind, c.previousId()));
                    people.merge(ws, from, target, now);
                    people.link(ws, kind, c.previousId(), target);
                }
            }
        }
    }

    /** The person a call reaches, created if new (an anonymous profile when there is no userId). */
    private String touch(String ws, TrackCall c, Instant now) {
        Who who = resolve(ws, c.userId(), c.anonymousId());
        if (c.userId() != null && c.anonymousId() != null) absorbAnonymous(ws, c.anonymousId(), who.personId(), now);
        people.upsert(new PersonUpsert(ws, who.personId(), null, who.externalId(), Map.of(), null, c.anonymousId(), now));
        return who.personId();
    }

    /**
     * The person a call reaches. {@code externalId} is the {@code userId} only when the person is keyed by
     * it: a userId that was aliased reaches the person it was merged into, whose own id stays.
     */
    private record Who(String personId, String externalId) {}

    private Who resolve(String ws, String userId, String anonymousId) {
        if (userId != null) {
            return people.alias(ws, "id", userId).map(p -> new Who(p, null))
                    .orElse(new Who(Ids.person(ws, "id", userId), userId));
        }
        return new Who(people.alias(ws, "anon", anonymousId).orElse(Ids.person(ws, "anon", anonymousId)), null);
    }

    /**
     * Links an anonymous id to the identified person, merging what was recorded under it first. An
     * anonymous id already linked to another identified person (a shared device) stays with that person:
     * one identified person is never merged into another except by an explicit alias.
     */
    private void absorbAnonymous(String ws, String anonymousId, String personId, Instant now) {
        if (people.alias(ws, "anon", anonymousId).isPresent()) return;
        people.merge(ws, Ids.person(ws, "anon", anonymousId), personId, now);
        people.link(ws, "anon", anonymousId, personId);
    }
}
