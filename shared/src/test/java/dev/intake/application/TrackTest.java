package dev.intake.application;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.intake.application.port.IdempotencyStore;
import dev.intake.application.port.PersonStore;
import dev.intake.domain.Activity;
import dev.intake.domain.ConsentRecord;
import dev.intake.domain.ConsentState;
import dev.intake.domain.Erasure;
import dev.intake.domain.EventTracked;
import dev.intake.domain.Ids;
import dev.intake.domain.IntakeException;
import dev.intake.domain.Person;
import dev.intake.domain.PersonUpsert;
import dev.intake.domain.Relationship;
import dev.intake.domain.TrackCall;
import dev.intake.domain.TrackCall.Type;
import dev.intake.json.Json;
import dev.intake.json.TrackingJson;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class TrackTest {
    private static final String WS = "ws_a";
    private static final String OTHER_WS = "ws_b";
    private static final Instant START = Instant.parse("2025-03-04T05:06:07.089Z");
    private static final Instant EVENT_AT = Instant.parse("2025-03-04T05:00:00Z");
    private static final Duration RETENTION = Duration.ofDays(90);

    /** A clock the test moves. */
    private static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant now) { this.now = now; }

        void advance(Duration d) { now = now.plus(d); }

        @Override public Instant instant() { return now; }
        @Override public ZoneId getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(ZoneId zone) { return this; }
    }

    /**
     * An {@link IdempotencyStore} with the semantics of the DynamoDB one: a key is claimable when absent,
     * expired, or pending with a lapsed lease and the same hash; another hash is a mismatch, a completed
     * key with the same hash a replay, and a pending leased key in progress.
     */
    private static final class InMemoryIdempotencyStore implements IdempotencyStore {
        private record Entry(String hash, boolean done, Instant leaseUntil, Instant expiresAt, StoredResponse response) {}

        private final Map<String, Entry> entries = new HashMap<>();
        final List<String> released = new ArrayList<>();

        @Override
        public synchronized Claim claim(String key, String bodyHash, Instant now, Instant leaseUntil, Instant expiresAt) {
            Entry e = entries.get(key);
            boolean claimable = e == null || e.expiresAt().isBefore(now)
                    || (!e.done() && e.leaseUntil().isBefore(now) && e.hash().equals(bodyHash));
            if (claimable) {
                entries.put(key, new Entry(bodyHash, false, leaseUntil, expiresAt, null));
                return new Claim.Acquired(null);
            }
            if (!e.hash().equals(bodyHash)) return new Claim.Mismatch();
            if (e.done()) return new Claim.Replay(e.response());
            return new Claim.InProgress();
        }

        @Override
        public synchronized void complete(String key, String bodyHash, StoredResponse response, Instant expiresAt) {
            Entry e = entries.get(key);
            if (e != null && e.hash().equals(bodyHash)) entries.put(key, new Entry(bodyHash, true, null, expiresAt, response));
        }

        @Override
        public synchronized void release(String key, String bodyHash) {
            Entry e = entries.get(key);
            if (e != null && e.hash().equals(bodyHash) && !e.done()) {
                entries.remove(key);
                released.add(key);
            }
        }

        /** Another request holds {@code key} now (claimed, not completed), until {@code leaseUntil}. */
        synchronized void seedPending(String key, String bodyHash, Instant leaseUntil, Instant expiresAt) {
            entries.put(key, new Entry(bodyHash, false, leaseUntil, expiresAt, null));
        }

        synchronized boolean holds(String key) { return entries.containsKey(key); }

        synchronized boolean completed(String key) { return entries.containsKey(key) && entries.get(key).done(); }

        synchronized int size() { return entries.size(); }
    }

    /** A {@link PersonStore} that records what Track asks of it, can fail upserts, and delegates the rest. */
    private static final class RecordingPersonStore implements PersonStore {
        record ActivityWrite(Activity activity, Instant expiresAt) {}
        record ObjectWrite(String workspaceId, String objectTypeId, String objectId, Map<String, Object> traits) {}
        record Merge(String workspaceId, String from, String to) {}

        private final PersonStore delegate;
        final List<ActivityWrite> activityWrites = new ArrayList<>();
        final List<ObjectWrite> objectWrites = new ArrayList<>();
        final List<Merge> merges = new ArrayList<>();
        /** Upserts to let through before the next failure. */
        int upsertsBeforeFailing;
        /** Upserts to fail (after {@link #upsertsBeforeFailing} succeeded). */
        int upsertsToFail;

        RecordingPersonStore(PersonStore delegate) { this.delegate = delegate; }

        @Override
        public ConsentState upsert(PersonUpsert upsert) {
            if (upsertsToFail > 0) {
                if (upsertsBeforeFailing > 0) {
                    upsertsBeforeFailing--;
                } else {
                    upsertsToFail--;
                    throw new IllegalStateException("storage failed");
                }
            }
            return delegate.upsert(upsert);
        }

        @Override
        public void confirmConsent(String workspaceId, String personId, ConsentRecord record) {
            delegate.confirmConsent(workspaceId, personId, record);
        }

        @Override
        public Optional<Person> find(String workspaceId, String personId) { return delegate.find(workspaceId, personId); }

        @Override
        public Optional<Person> findIdKeyedByEmail(String workspaceId, String email) {
            return delegate.findIdKeyedByEmail(workspaceId, email);
        }

        @Override
        public boolean delete(String workspaceId, String personId) { return delegate.delete(workspaceId, personId); }

        @Override
        public Optional<String> alias(String workspaceId, String kind, String value) {
            return delegate.alias(workspaceId, kind, value);
        }

        @Override
        public void link(String workspaceId, String kind, String value, String personId) {
            delegate.link(workspaceId, kind, value, personId);
        }

        @Override
        public void merge(String workspaceId, String from, String to, Instant at) {
            merges.add(new Merge(workspaceId, from, to));
            // Like DynamoPersonStore: merging a person into itself changes nothing. (InMemoryPersonStore
            // removes the person before it checks, which no real store does.)
            if (from.equals(to)) return;
            delegate.merge(workspaceId, from, to, at);
        }

        @Override
        public void upsertObject(String workspaceId, String objectTypeId, String objectId, Map<String, Object> traits, Instant at) {
            objectWrites.add(new ObjectWrite(workspaceId, objectTypeId, objectId, Map.copyOf(traits)));
            delegate.upsertObject(workspaceId, objectTypeId, objectId, traits, at);
        }

        @Override
        public void relate(String workspaceId, String personId, Relationship relationship, Instant at) {
            delegate.relate(workspaceId, personId, relationship, at);
        }

        @Override
        public List<Relationship> relationships(String workspaceId, String personId) {
            return delegate.relationships(workspaceId, personId);
        }

        @Override
        public void recordActivity(Activity activity, Instant expiresAt) {
            activityWrites.add(new ActivityWrite(activity, expiresAt));
            delegate.recordActivity(activity, expiresAt);
        }

        @Override
        public List<Activity> recentActivity(String workspaceId, String personId, int limit) {
            return delegate.recentActivity(workspaceId, personId, limit);
        }

        @Override
        public void recordErasure(String workspaceId, Erasure erasure) { delegate.recordErasure(workspaceId, erasure); }
    }

    private final MutableClock clock = new MutableClock(START);
    private final InMemoryPersonStore store = new InMemoryPersonStore();
    private final RecordingPersonStore people = new RecordingPersonStore(store);
    private final InMemoryIdempotencyStore seen = new InMemoryIdempotencyStore();
    private final InMemoryEventPublisher events = new InMemoryEventPublisher();
    private final Track track = new Track(people, seen, events, RETENTION, clock);

    // ---- calls ---------------------------------------------------------------------------------------

    private static TrackCall call(Type type, String messageId, String userId, String anonymousId, String previousId,
                                  String groupId, String objectTypeId, String event, String name,
                                  Map<String, Object> traits, Map<String, Object> properties) {
        return new TrackCall(type, messageId, userId, anonymousId, previousId, groupId, objectTypeId, event, name,
                traits, properties, Map.of("ip", "203.0.113.9"), Map.of(), EVENT_AT, null, START, null);
    }

    private static TrackCall identify(String messageId, String userId, String anonymousId, Map<String, Object> traits) {
        return call(Type.IDENTIFY, messageId, userId, anonymousId, null, null, null, null, null, traits, null);
    }

    private static TrackCall trackCall(String messageId, String userId, String anonymousId, String event, Map<String, Object> properties) {
        return call(Type.TRACK, messageId, userId, anonymousId, null, null, null, event, null, null, properties);
    }

    private static TrackCall page(String messageId, String userId, String anonymousId, String name) {
        return call(Type.PAGE, messageId, userId, anonymousId, null, null, null, null, name, null, Map.of("path", "/pricing"));
    }

    private static TrackCall screen(String messageId, String userId, String anonymousId, String name) {
        return call(Type.SCREEN, messageId, userId, anonymousId, null, null, null, null, name, null, null);
    }

    private static TrackCall group(String messageId, String userId, String groupId, String objectTypeId, Map<String, Object> traits) {
        return call(Type.GROUP, messageId, userId, null, null, groupId, objectTypeId, null, null, traits, null);
    }

    private static TrackCall alias(String messageId, String previousId, String userId) {
        return call(Type.ALIAS, messageId, userId, null, previousId, null, null, null, null, null, null);
    }

    private static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    private static String user(String userId) { return Ids.person(WS, "id", userId); }

    private static String anon(String anonymousId) { return Ids.person(WS, "anon", anonymousId); }

    private Track.Result handle(TrackCall... calls) { return track.handle(WS, List.of(calls)); }

    private List<String> activityIds(String personId) {
        return store.recentActivity(WS, personId, 100).stream().map(Activity::messageId).sorted().toList();
    }

    // ---- identify ------------------------------------------------------------------------------------

    @Test
    void identify_upsertsPersonKeyedByUserId_withTraitsAsAttributes() {
        Map<String, Object> traits = map("email", "  Ada@Example.COM ", "first_name", "Ada", "age", new BigDecimal("36"),
                "plan", null, "id", "ignored", "address", map("city", "London", "zip", null));

        Track.Result r = handle(identify("m1", "u1", null, traits));

        assertEquals(new Track.Result(1, 0), r);
        assertEquals(1, store.upserts.size());
        PersonUpsert u = store.upserts.get(0);
        assertEquals(WS, u.workspaceId());
        assertEquals(user("u1"), u.personId());
        assertEquals("ada@example.com", u.email());
        assertEquals("u1", u.externalId());
        assertNull(u.anonymousId());
        assertNull(u.consent());
        assertEquals(START, u.at());
        assertEquals(map("first_name", "Ada", "age", new BigDecimal("36"), "address", map("city", "London", "zip", null)),
                u.attributes());
        assertFalse(u.attributes().containsKey("plan"), "null traits are skipped");
        assertFalse(u.attributes().containsKey("email"), "email is the identifier, not an attribute");
        assertFalse(u.attributes().containsKey("id"));

        Person p = store.find(WS, user("u1")).orElseThrow();
        assertEquals("ada@example.com", p.email());
        assertEquals("u1", p.externalId());
        assertTrue(events.tracked.isEmpty());
        assertTrue(events.published.isEmpty());
    }

    @Test
    void identify_withBlankOrNonStringEmail_setsNoEmail() {
        handle(identify("m1", "u1", null, map("email", "   ")), identify("m2", "u2", null, map("email", new BigDecimal("5"))));

        assertNull(store.upserts.get(0).email());
        assertNull(store.upserts.get(1).email());
    }

    @Test
    void identify_withOnlyAnonymousId_reachesAnAnonymousProfile() {
        handle(identify("m1", null, "a1", map("favorite", "blue")));

        PersonUpsert u = store.upserts.get(0);
        assertEquals(anon("a1"), u.personId());
        assertNull(u.externalId());
        assertEquals("a1", u.anonymousId());
        assertEquals("blue", store.find(WS, anon("a1")).orElseThrow().attributes().get("favorite"));
    }

    @Test
    void anonymousTrackThenIdentify_mergesAnonymousActivityIntoThePersonAndLinksTheAnonymousId() {
        handle(trackCall("m1", null, "a1", "Viewed Pricing", Map.of()), identify("m2", null, "a1", map("favorite", "blue")));
        assertEquals(List.of("m1"), activityIds(anon("a1")));

        handle(identify("m3", "u1", "a1", map("first_name", "Ada")));

        assertTrue(store.find(WS, anon("a1")).isEmpty(), "the anonymous profile is merged away");
        assertEquals(List.of("m1"), activityIds(user("u1")));
        assertEquals(Optional.of(user("u1")), store.alias(WS, "anon", "a1"));
        Person p = store.find(WS, user("u1")).orElseThrow();
        assertEquals("u1", p.externalId());
        assertTrue(p.anonymousIds().contains("a1"), p.anonymousIds().toString());
        assertEquals("blue", p.attributes().get("favorite"), "attributes the person lacks move over");
        assertEquals("Ada", p.attributes().get("first_name"));
        assertTrue(people.merges.contains(new RecordingPersonStore.Merge(WS, anon("a1"), user("u1"))), people.merges.toString());

        // Anonymous-only calls with that anonymousId now reach the person.
        handle(trackCall("m4", null, "a1", "Clicked", Map.of()), page("m5", null, "a1", "Home"));

        assertEquals(List.of("m1", "m4", "m5"), activityIds(user("u1")));
        assertTrue(store.find(WS, anon("a1")).isEmpty(), "no new anonymous profile is created");
        assertEquals(2, events.tracked.size());
        assertEquals(user("u1"), events.tracked.get(1).personId());
        assertEquals(anon("a1"), events.tracked.get(0).personId(), "the first event was anonymous when it happened");
    }

    @Test
    void identifyAgainWithTheSameAnonymousId_doesNotMergeAgain() {
        handle(identify("m1", "u1", "a1", map()));
        int merges = people.merges.size();

        handle(identify("m2", "u1", "a1", map("plan", "pro")));

        assertEquals(merges, people.merges.size());
        assertEquals("pro", store.find(WS, user("u1")).orElseThrow().attributes().get("plan"));
    }

    @Test
    void trackWithUserIdAndAnonymousId_alsoAbsorbsTheAnonymousProfile() {
        handle(page("m1", null, "a1", "Home"));

        handle(trackCall("m2", "u1", "a1", "Signed Up", Map.of()));

        assertTrue(store.find(WS, anon("a1")).isEmpty());
        assertEquals(List.of("m1", "m2"), activityIds(user("u1")));
        assertEquals(Optional.of(user("u1")), store.alias(WS, "anon", "a1"));
        assertEquals(user("u1"), events.tracked.get(0).personId());
    }

    @Test
    void identify_withAnAnonymousIdAlreadyLinkedToAnotherUser_doesNotMergeThatUserAway() {
        // Two people log in one after the other on a shared browser, which keeps its anonymousId.
        handle(identify("m1", "u1", "a1", map("first_name", "Ada")), trackCall("m2", "u1", null, "Ordered", Map.of()));

        handle(identify("m3", "u2", "a1", map("first_name", "Bob")));

        Person ada = store.find(WS, user("u1")).orElseThrow(() -> new AssertionError(
                "u1, an identified person, must not be merged into u2 because they shared an anonymousId"));
        assertEquals("Ada", ada.attributes().get("first_name"));
        assertEquals(List.of("m2"), activityIds(user("u1")));
        assertEquals("Bob", store.find(WS, user("u2")).orElseThrow().attributes().get("first_name"));
    }

    // ---- alias ---------------------------------------------------------------------------------------

    @Test
    void alias_mergesThePreviousUsersProfileAndRedirectsItsId() {
        handle(identify("m1", "old", null, map("plan", "free", "company", "Acme")), trackCall("m2", "old", null, "Viewed", Map.of()),
                identify("m3", "new", null, map("plan", "pro")));

        Track.Result r = handle(alias("m4", "old", "new"));

        assertEquals(new Track.Result(1, 0), r);
        assertEquals(Optional.of(user("new")), store.alias(WS, "id", "old"));
        assertTrue(store.find(WS, user("old")).isEmpty(), "the previous profile is merged away");
        Person p = store.find(WS, user("new")).orElseThrow();
        assertEquals("pro", p.attributes().get("plan"), "the person's own values win");
        assertEquals("Acme", p.attributes().get("company"));
        assertEquals(List.of("m2"), activityIds(user("new")));

        // A later call with the previous userId reaches the merged person.
        handle(trackCall("m5", "old", null, "Clicked", Map.of()));

        assertTrue(store.find(WS, user("old")).isEmpty());
        assertEquals(List.of("m2", "m5"), activityIds(user("new")));
        assertEquals(user("new"), events.tracked.get(1).personId());
    }

    @Test
    void alias_ofAnAnonymousId_mergesTheAnonymousProfile() {
        handle(page("m1", null, "a1", "Home"));

        handle(alias("m2", "a1", "u1"));

        assertTrue(store.find(WS, anon("a1")).isEmpty());
        assertEquals(Optional.of(user("u1")), store.alias(WS, "anon", "a1"));
        assertEquals(Optional.of(user("u1")), store.alias(WS, "id", "a1"));
        assertEquals(List.of("m1"), activityIds(user("u1")));
        assertEquals("u1", store.find(WS, user("u1")).orElseThrow().externalId());

        handle(page("m3", null, "a1", "Pricing"));

        assertEquals(List.of("m1", "m3"), activityIds(user("u1")));
    }

    @Test
    void alias_ofAnAnonymousIdAlreadyLinkedToTheUser_keepsThePerson() {
        handle(identify("m1", "u1", "a1", map("first_name", "Ada")));

        handle(alias("m2", "a1", "u1"));

        Person p = store.find(WS, user("u1")).orElseThrow();
        assertEquals("Ada", p.attributes().get("first_name"));
        assertEquals(Optional.of(user("u1")), store.alias(WS, "anon", "a1"));
    }

    @Test
    void alias_whenTheUserWasAliasedBefore_mergesIntoTheResolvedPerson() {
        handle(identify("m1", "b", null, map()), alias("m2", "b", "c"));
        handle(identify("m3", "a", null, map("x", "1")));

        handle(alias("m4", "a", "b"));

        assertEquals(Optional.of(user("c")), store.alias(WS, "id", "a"));
        assertEquals("1", store.find(WS, user("c")).orElseThrow().attributes().get("x"));
        assertTrue(store.find(WS, user("b")).isEmpty());
    }

    @Test
    void callWithAPreviousUserId_afterAlias_keepsThePersonsOwnId() {
        handle(identify("m1", "new", null, map()), alias("m2", "old", "new"));
        assertEquals("new", store.find(WS, user("new")).orElseThrow().externalId());

        // A client that still sends the previous userId reaches the merged person, which stays "new".
        handle(trackCall("m3", "old", null, "Clicked", Map.of()));

        assertEquals(List.of("m3"), activityIds(user("new")));
        assertEquals("new", store.find(WS, user("new")).orElseThrow().externalId(),
                "the person keyed by userId 'new' must keep 'new' as its id identifier");
    }

    // ---- group ---------------------------------------------------------------------------------------

    @ParameterizedTest
    @CsvSource(nullValues = "null", value = {"2, null, 2", "null, 3, 3", "4, 3, 4", "null, null, 1"})
    void group_upsertsTheObjectAndTheRelationship(String objectTypeId, String traitsType, String expectedType) {
        Map<String, Object> traits = map("name", "Acme Inc", "employees", new BigDecimal("50"));
        if (traitsType != null) traits.put("object_type_id", traitsType);

        Track.Result r = handle(group("m1", "u1", "acme", objectTypeId, traits));

        assertEquals(new Track.Result(1, 0), r);
        assertEquals(List.of(new RecordingPersonStore.ObjectWrite(WS, expectedType, "acme",
                Map.of("name", "Acme Inc", "employees", new BigDecimal("50")))), people.objectWrites);
        assertEquals(List.of(new Relationship(expectedType, "acme")), store.relationships(WS, user("u1")));
        assertTrue(store.find(WS, user("u1")).isPresent(), "the person is created");
        assertTrue(people.activityWrites.isEmpty());
        assertTrue(events.tracked.isEmpty());
    }

    @Test
    void group_withOnlyAnonymousId_relatesTheAnonymousProfile() {
        handle(call(Type.GROUP, "m1", null, "a1", null, "acme", null, null, null, null, null));

        assertEquals(List.of(new Relationship("1", "acme")), store.relationships(WS, anon("a1")));
    }

    // ---- track, page, screen -------------------------------------------------------------------------

    @Test
    void track_recordsActivityAndPublishesOneEventTracked() {
        Map<String, Object> props = map("total", new BigDecimal("12.50"), "currency", "EUR");

        Track.Result r = handle(trackCall("m1", "u1", null, "Order Completed", props));

        assertEquals(new Track.Result(1, 0), r);
        assertEquals(1, people.activityWrites.size());
        Activity a = people.activityWrites.get(0).activity();
        assertEquals(new Activity(WS, user("u1"), "m1", "track", "Order Completed", null, props,
                Map.of("ip", "203.0.113.9"), EVENT_AT), a);
        assertEquals(List.of("m1"), activityIds(user("u1")));

        assertEquals(1, events.tracked.size());
        assertTrue(events.published.isEmpty());
        EventTracked e = events.tracked.get(0);
        assertTrue(e.eventId().startsWith("evt_"), e.eventId());
        assertEquals(WS, e.workspaceId());
        assertEquals(user("u1"), e.personId());
        assertEquals("u1", e.userId());
        assertEquals("Order Completed", e.name());
        assertEquals(props, e.properties());
        assertEquals(EVENT_AT, e.timestamp());
        assertEquals("u1", store.find(WS, user("u1")).orElseThrow().externalId());
    }

    @Test
    void track_eventIdIsDerivedFromTheMessageId() {
        handle(trackCall("m1", "u1", null, "E", Map.of()));
        String first = events.tracked.get(0).eventId();

        // The same call handled again from scratch (another instance, nothing remembered) gets the same id,
        // so the campaign trigger's record-once write makes it trigger once.
        InMemoryEventPublisher otherEvents = new InMemoryEventPublisher();
        new Track(new InMemoryPersonStore(), new InMemoryIdempotencyStore(), otherEvents, RETENTION,
                new MutableClock(START.plusSeconds(3600))).handle(WS, List.of(trackCall("m1", "u1", null, "E", Map.of())));

        assertEquals(first, otherEvents.tracked.get(0).eventId());

        handle(trackCall("m2", "u1", null, "E", Map.of()));
        assertNotEquals(first, events.tracked.get(1).eventId(), "another messageId is another event");

        track.handle(OTHER_WS, List.of(trackCall("m1", "u1", null, "E", Map.of())));
        assertNotEquals(first, events.tracked.get(2).eventId(), "the same messageId in another workspace is another event");
    }

    @Test
    void track_anonymous_publishesWithTheAnonymousProfileAndNoUserId() {
        handle(trackCall("m1", null, "a1", "Viewed", Map.of()));

        EventTracked e = events.tracked.get(0);
        assertEquals(anon("a1"), e.personId());
        assertNull(e.userId());
        assertEquals(List.of("m1"), activityIds(anon("a1")));
    }

    @ParameterizedTest
    @EnumSource(value = Type.class, names = {"PAGE", "SCREEN"})
    void pageAndScreen_recordActivityButPublishNothing(Type type) {
        TrackCall c = type == Type.PAGE ? page("m1", "u1", null, "Pricing") : screen("m1", "u1", null, "Pricing");

        Track.Result r = handle(c);

        assertEquals(new Track.Result(1, 0), r);
        Activity a = people.activityWrites.get(0).activity();
        assertEquals(type.wireName(), a.type());
        assertEquals("Pricing", a.name());
        assertEquals(user("u1"), a.personId());
        assertEquals(c.properties(), a.properties());
        assertEquals(List.of("m1"), activityIds(user("u1")));
        assertTrue(events.tracked.isEmpty());
        assertTrue(events.published.isEmpty());
    }

    @Test
    void activity_isKeptForTheRetentionFromNow() {
        handle(trackCall("m1", "u1", null, "E", Map.of()));
        clock.advance(Duration.ofHours(5));
        handle(page("m2", "u1", null, "Home"), screen("m3", "u1", null, "Home"));

        assertEquals(List.of(START.plus(RETENTION), START.plus(RETENTION).plus(Duration.ofHours(5)),
                        START.plus(RETENTION).plus(Duration.ofHours(5))),
                people.activityWrites.stream().map(RecordingPersonStore.ActivityWrite::expiresAt).toList());
    }

    @Test
    void activity_retentionComesFromTheConstructor() {
        Track shortLived = new Track(people, seen, events, Duration.ofDays(7), clock);

        shortLived.handle(WS, List.of(page("m1", "u1", null, "Home")));

        assertEquals(START.plus(Duration.ofDays(7)), people.activityWrites.get(0).expiresAt());
    }

    // ---- dedupe --------------------------------------------------------------------------------------

    @Test
    void sameMessageIdTwice_changesNothingTheSecondTime() {
        TrackCall c = trackCall("m1", "u1", null, "E", Map.of());
        handle(c);
        int upserts = store.upserts.size();

        clock.advance(Duration.ofMinutes(10));
        Track.Result r = handle(c);

        assertEquals(new Track.Result(0, 1), r);
        assertEquals(upserts, store.upserts.size());
        assertEquals(1, people.activityWrites.size());
        assertEquals(1, events.tracked.size());
    }

    @Test
    void sameMessageIdWithOtherContent_isStillSkipped() {
        handle(identify("m1", "u1", null, map("plan", "free")));

        Track.Result r = handle(identify("m1", "u1", null, map("plan", "pro")));

        assertEquals(new Track.Result(0, 1), r);
        assertEquals("free", store.find(WS, user("u1")).orElseThrow().attributes().get("plan"));
    }

    @Test
    void sameMessageIdTwiceInOneBatch_isAppliedOnce() {
        TrackCall c = trackCall("m1", "u1", null, "E", Map.of());

        Track.Result r = handle(c, c);

        assertEquals(new Track.Result(1, 1), r);
        assertEquals(1, people.activityWrites.size());
        assertEquals(1, events.tracked.size());
    }

    @Test
    void resentBatch_changesNothing() {
        List<TrackCall> batch = List.of(identify("m1", "u1", "a1", map("plan", "pro")), trackCall("m2", "u1", null, "E", Map.of()),
                page("m3", null, "a1", "Home"), group("m4", "u1", "acme", null, map()), alias("m5", "old", "u1"));
        assertEquals(new Track.Result(5, 0), track.handle(WS, batch));
        int upserts = store.upserts.size();
        int merges = people.merges.size();

        clock.advance(Duration.ofHours(47));
        Track.Result r = track.handle(WS, batch);

        assertEquals(new Track.Result(0, 5), r);
        assertEquals(upserts, store.upserts.size());
        assertEquals(merges, people.merges.size());
        assertEquals(2, people.activityWrites.size());
        assertEquals(1, people.objectWrites.size());
        assertEquals(1, events.tracked.size());
    }

    @Test
    void resentParsedBatch_changesNothing() throws Exception {
        var body = Json.mapper().readTree("""
                {"batch":[
                  {"type":"identify","userId":42.0,"anonymousId":"a1","traits":{"email":"Ada@Example.com"},"messageId":"m1"},
                  {"type":"track","userId":42,"event":"Signed Up","messageId":"m2"},
                  {"type":"page","anonymousId":"a1","messageId":"m3"}
                ]}""");

        assertEquals(new Track.Result(3, 0), track.handle(WS, TrackingJson.batch(body, START)));
        assertEquals(new Track.Result(0, 3), track.handle(WS, TrackingJson.batch(body, START.plusSeconds(60))));

        assertEquals(List.of("m2", "m3"), activityIds(user("42")));
        assertEquals("ada@example.com", store.find(WS, user("42")).orElseThrow().email());
        assertEquals(1, events.tracked.size());
    }

    @Test
    void messageIdsArePerWorkspace() {
        TrackCall c = trackCall("m1", "u1", null, "E", Map.of());

        assertEquals(new Track.Result(1, 0), track.handle(WS, List.of(c)));
        assertEquals(new Track.Result(1, 0), track.handle(OTHER_WS, List.of(c)));

        assertEquals(2, events.tracked.size());
        assertEquals(List.of(WS, OTHER_WS), events.tracked.stream().map(EventTracked::workspaceId).toList());
        assertTrue(store.find(OTHER_WS, Ids.person(OTHER_WS, "id", "u1")).isPresent());
    }

    @Test
    void dedupeIsRememberedFor48Hours() {
        TrackCall c = trackCall("m1", "u1", null, "E", Map.of());
        handle(c);

        clock.advance(Track.DEDUPE_WINDOW.minusMinutes(1));
        assertEquals(new Track.Result(0, 1), handle(c));

        clock.advance(Duration.ofMinutes(2));
        assertEquals(new Track.Result(1, 0), handle(c), "after the window the messageId is forgotten");
    }

    // ---- concurrency and failures --------------------------------------------------------------------

    @Test
    void callInProgressElsewhere_isUnavailableAndNothingIsApplied() {
        seen.seedPending("msg#" + WS + "#m1", "processed", START.plusSeconds(30), START.plus(Duration.ofHours(48)));

        var e = assertThrows(IntakeException.Unavailable.class, () -> handle(trackCall("m1", "u1", null, "E", Map.of())));

        assertEquals("unavailable", e.code());
        assertTrue(e.retryAfterSeconds() > 0);
        assertTrue(e.getMessage().contains("m1"), e.getMessage());
        assertTrue(store.upserts.isEmpty());
        assertTrue(people.activityWrites.isEmpty());
        assertTrue(events.tracked.isEmpty());
        assertTrue(seen.holds("msg#" + WS + "#m1"), "the other request's claim is left alone");

        // Once the other request's lease lapses without completing, a retry takes the claim over.
        clock.advance(Duration.ofSeconds(31));
        assertEquals(new Track.Result(1, 0), handle(trackCall("m1", "u1", null, "E", Map.of())));
        assertEquals(1, events.tracked.size());
    }

    @Test
    void callInProgressElsewhere_inABatch_keepsWhatWasDoneBeforeForTheRetry() {
        seen.seedPending("msg#" + WS + "#m2", "processed", START.plusSeconds(30), START.plus(Duration.ofHours(48)));
        List<TrackCall> batch = List.of(trackCall("m1", "u1", null, "A", Map.of()), trackCall("m2", "u1", null, "B", Map.of()),
                trackCall("m3", "u1", null, "C", Map.of()));

        assertThrows(IntakeException.Unavailable.class, () -> track.handle(WS, batch));

        assertEquals(List.of("A"), events.tracked.stream().map(EventTracked::name).toList(), "calls after the busy one are not applied");

        clock.advance(Duration.ofSeconds(31));
        assertEquals(new Track.Result(2, 1), track.handle(WS, batch));
        assertEquals(List.of("A", "B", "C"), events.tracked.stream().map(EventTracked::name).toList());
    }

    @Test
    void whenApplyingFails_theClaimIsReleasedSoARetryProcessesTheCall() {
        people.upsertsToFail = 1;
        TrackCall c = trackCall("m1", "u1", null, "E", Map.of());

        var e = assertThrows(IllegalStateException.class, () -> handle(c));

        assertEquals("storage failed", e.getMessage());
        assertEquals(List.of("msg#" + WS + "#m1"), seen.released);
        assertFalse(seen.holds("msg#" + WS + "#m1"));
        assertTrue(people.activityWrites.isEmpty());
        assertTrue(events.tracked.isEmpty());

        Track.Result r = handle(c);

        assertEquals(new Track.Result(1, 0), r);
        assertEquals(List.of("m1"), activityIds(user("u1")));
        assertEquals(1, events.tracked.size());
        assertTrue(seen.completed("msg#" + WS + "#m1"));
    }

    @Test
    void whenApplyingFailsMidBatch_earlierCallsStayDoneAndTheRetryFinishesTheRest() {
        List<TrackCall> batch = List.of(trackCall("m1", "u1", null, "A", Map.of()), identify("m2", "u1", null, map("plan", "pro")),
                trackCall("m3", "u1", null, "C", Map.of()));
        people.upsertsBeforeFailing = 1; // m1's upsert succeeds, m2's fails
        people.upsertsToFail = 1;

        assertThrows(IllegalStateException.class, () -> track.handle(WS, batch));

        assertTrue(seen.completed("msg#" + WS + "#m1"));
        assertFalse(seen.holds("msg#" + WS + "#m2"), "the failed call's claim is released");
        assertFalse(seen.holds("msg#" + WS + "#m3"), "calls after the failure are not claimed");
        assertEquals(List.of("A"), events.tracked.stream().map(EventTracked::name).toList());

        assertEquals(new Track.Result(2, 1), track.handle(WS, batch));
        assertEquals(List.of("A", "C"), events.tracked.stream().map(EventTracked::name).toList());
        assertEquals("pro", store.find(WS, user("u1")).orElseThrow().attributes().get("plan"));
    }

    @Test
    void processedCallsAreCompletedInTheStore() {
        handle(trackCall("m1", "u1", null, "E", Map.of()), page("m2", "u1", null, "Home"));

        assertTrue(seen.completed("msg#" + WS + "#m1"));
        assertTrue(seen.completed("msg#" + WS + "#m2"));
        assertEquals(2, seen.size());
    }

    @Test
    void emptyCallList_isNothing() {
        assertEquals(new Track.Result(0, 0), handle());
        assertTrue(store.upserts.isEmpty());
    }
}
