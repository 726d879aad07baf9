package dev.intake.application;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.intake.application.ManageForms.FieldDraft;
import dev.intake.application.ManageForms.FormDraft;
import dev.intake.application.ManageSubmissions.Page;
import dev.intake.application.ManageSubmissions.Query;
import dev.intake.domain.Form;
import dev.intake.domain.Ids;
import dev.intake.domain.IntakeException;
import dev.intake.domain.Source;
import dev.intake.domain.Submission;
import dev.intake.domain.SubmissionMetadata;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ManageSubmissionsTest {
    private static final String WS = "ws_a";
    private static final String OTHER_WS = "ws_b";
    private static final Instant START = Instant.parse("2025-03-04T05:06:07.089Z");
    private static final byte[] SECRET = "s".repeat(32).getBytes(StandardCharsets.UTF_8);

    /** A clock the test moves, so each submission gets its own millisecond. */
    private static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant now) { this.now = now; }

        void set(Instant t) { now = t; }

        void advance(Duration d) { now = now.plus(d); }

        @Override public Instant instant() { return now; }
        @Override public ZoneId getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(ZoneId zone) { return this; }
    }

    private final MutableClock clock = new MutableClock(START);
    private final InMemoryFormStore formStore = new InMemoryFormStore();
    // As in production, events come from the table's stream: each insert is relayed.
    private final InMemorySubmissionStore store = new InMemorySubmissionStore()
            .streamTo((formKey, s) -> new RelaySubmissions(this.formStore, this.people, this.events).relay(formKey, s));
    private final InMemoryPersonStore people = new InMemoryPersonStore();
    private final InMemoryEventPublisher events = new InMemoryEventPublisher();
    private final ManageForms forms = new ManageForms(formStore, clock);
    private final SubmitForm submitForm = new SubmitForm(formStore, store, people, new InMemoryRateLimiter(),
            new StubCaptcha(), clock);
    private final ManageSubmissions submissions = new ManageSubmissions(forms, formStore, store, submitForm, SECRET);

    private static Map<String, Object> values(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    private Form contactForm(String ws) {
        return forms.create(ws, new FormDraft("Contact", List.of(
                new FieldDraft(null, "email", "email", null, null, null, null, null),
                new FieldDraft(null, "name", "text", "Your name", true, null, null, null)), null, null)).form();
    }

    /** One submission, a second after the last one. */
    private Submission submit(Form form, String name) {
        clock.advance(Duration.ofSeconds(1));
        return submissions.create(form.workspaceId(), form.id(), values("email", name + "@example.com", "name", name));
    }

    /** One submission at exactly {@code at}. */
    private Submission submitAt(Form form, Instant at) {
        clock.set(at);
        return submissions.create(form.workspaceId(), form.id(), values("email", "x@example.com", "name", "x"));
    }

    /** {@code n} submissions, oldest first. */
    private List<Submission> submitMany(Form form, int n) {
        List<Submission> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add(submit(form, "p" + i));
        return out;
    }

    private Page list(Form form, Integer limit, String cursor) {
        return submissions.list(form.workspaceId(), form.id(), new Query(limit, cursor, null, null));
    }

    private Page between(Form form, String after, String before) {
        return submissions.list(form.workspaceId(), form.id(), new Query(100, null, after, before));
    }

    private static List<String> ids(Page page) {
        return page.data().stream().map(Submission::id).toList();
    }

    private static List<String> ids(Submission... subs) {
        return List.of(subs).stream().map(Submission::id).toList();
    }

    private static List<String> newestFirst(List<Submission> subs) {
        return subs.reversed().stream().map(Submission::id).toList();
    }

    private static IntakeException.Invalid invalid(Runnable r) {
        return assertThrows(IntakeException.Invalid.class, r::run);
    }

    // ---- list: order, limit, paging ----

    @Test
    void list_returnsNewestFirst() {
        Form form = contactForm(WS);
        List<Submission> subs = submitMany(form, 3);

        Page page = list(form, null, null);

        assertEquals(newestFirst(subs), ids(page));
        assertFalse(page.hasMore());
        assertNull(page.nextCursor());
    }

    @Test
    void list_onlyReturnsThisFormsSubmissions() {
        Form form = contactForm(WS);
        Form other = contactForm(WS);
        Submission mine = submit(form, "mine");
        submit(other, "theirs");

        assertEquals(ids(mine), ids(list(form, null, null)));
    }

    @Test
    void list_whenNoSubmissions_isEmptyLastPage() {
        Page page = list(contactForm(WS), null, null);

        assertTrue(page.data().isEmpty());
        assertFalse(page.hasMore());
        assertNull(page.nextCursor());
    }

    @Test
    void list_whenNoLimitGiven_returns25AndACursor() {
        Form form = contactForm(WS);
        List<Submission> subs = submitMany(form, 26);

        Page first = list(form, null, null);
        Page second = list(form, null, first.nextCursor());

        assertEquals(ManageSubmissions.DEFAULT_LIMIT, first.data().size());
        assertEquals(25, first.data().size());
        assertTrue(first.hasMore());
        assertNotNull(first.nextCursor());
        assertEquals(newestFirst(subs).subList(0, 25), ids(first));
        assertEquals(List.of(subs.getFirst().id()), ids(second));
        assertFalse(second.hasMore());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 101, Integer.MIN_VALUE, Integer.MAX_VALUE})
    void list_whenLimitOutOfRange_isInvalidLimit(int limit) {
        Form form = contactForm(WS);

        var e = invalid(() -> list(form, limit, null));

        assertEquals("invalid_limit", e.code());
        assertEquals(List.of("limit"), e.fields());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 100})
    void list_whenLimitAtBounds_isAccepted(int limit) {
        Form form = contactForm(WS);
        List<Submission> subs = submitMany(form, 3);

        Page page = list(form, limit, null);

        assertEquals(Math.min(limit, 3), page.data().size());
        assertEquals(limit < 3, page.hasMore());
        assertEquals(newestFirst(subs).subList(0, Math.min(limit, 3)), ids(page));
    }

    @Test
    void list_whenPagedByTwoOverFive_visitsEachOnceAndEndsWithoutCursor() {
        Form form = contactForm(WS);
        List<Submission> subs = submitMany(form, 5);

        Page p1 = list(form, 2, null);
        Page p2 = list(form, 2, p1.nextCursor());
        Page p3 = list(form, 2, p2.nextCursor());

        assertEquals(newestFirst(subs).subList(0, 2), ids(p1));
        assertEquals(newestFirst(subs).subList(2, 4), ids(p2));
        assertEquals(newestFirst(subs).subList(4, 5), ids(p3));
        assertTrue(p1.hasMore());
        assertTrue(p2.hasMore());
        assertNotNull(p1.nextCursor());
        assertNotNull(p2.nextCursor());
        assertFalse(p3.hasMore());
        assertNull(p3.nextCursor());
    }

    @Test
    void list_whenPagesFollowedToTheEnd_visitEverySubmissionExactlyOnce() {
        Form form = contactForm(WS);
        List<Submission> subs = submitMany(form, 5);

        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            Page page = list(form, 2, cursor);
            seen.addAll(ids(page));
            cursor = page.nextCursor();
            assertEquals(page.hasMore(), cursor != null);
            assertTrue(++pages <= 3, "too many pages");
        } while (cursor != null);

        assertEquals(3, pages);
        assertEquals(5, new HashSet<>(seen).size());
        assertEquals(newestFirst(subs), seen);
    }

    @Test
    void list_whenLastPageIsExactlyFull_hasNoMore() {
        Form form = contactForm(WS);
        List<Submission> subs = submitMany(form, 4);

        Page p1 = list(form, 2, null);
        Page p2 = list(form, 2, p1.nextCursor());

        assertEquals(newestFirst(subs).subList(2, 4), ids(p2));
        assertFalse(p2.hasMore());
        assertNull(p2.nextCursor());
    }

    @Test
    void list_whenSubmissionArrivesBetweenPages_laterPagesNeitherShowItNorSkipAny() {
        Form form = contactForm(WS);
        List<Submission> subs = submitMany(form, 5);

        Page p1 = list(form, 2, null);
        Submission newcomer = submit(form, "newcomer");
        Page p2 = list(form, 2, p1.nextCursor());
        Page p3 = list(form, 2, p2.nextCursor());

        List<String> seen = new ArrayList<>(ids(p1));
        seen.addAll(ids(p2));
        seen.addAll(ids(p3));
        assertEquals(newestFirst(subs), seen);
        assertFalse(seen.contains(newcomer.id()));
        assertNull(p3.nextCursor());
        assertEquals(newcomer.id(), ids(list(form, 2, null)).getFirst());
    }

    @Test
    void list_whenLastSubmissionOfAPageIsDeletedBeforeTheNext_continuesAfterIt() {
        Form form = contactForm(WS);
        List<Submission> subs = submitMany(form, 5);
        Page p1 = list(form, 2, null);

        submissions.delete(WS, form.id(), p1.data().getLast().id());
        Page p2 = list(form, 2, p1.nextCursor());

        assertEquals(newestFirst(subs).subList(2, 4), ids(p2));
    }

    @Test
    void list_whenCursorFromAnotherForm_is400() {
        Form form = contactForm(WS);
        Form other = contactForm(WS);
        submitMany(form, 3);
        submitMany(other, 3);
        String theirs = list(other, 1, null).nextCursor();

        var e = invalid(() -> list(form, 1, theirs));

        assertEquals("invalid_cursor", e.code());
        assertEquals(List.of("cursor"), e.fields());
    }

    @Test
    void list_whenCursorFromAnotherWorkspacesForm_is400() {
        Form mine = contactForm(WS);
        Form theirs = contactForm(OTHER_WS);
        submitMany(mine, 3);
        submitMany(theirs, 3);
        String cursor = list(theirs, 1, null).nextCursor();

        var e = invalid(() -> list(mine, 1, cursor));

        assertEquals("invalid_cursor", e.code());
    }

    @Test
    void list_whenCursorUsedWithAnotherFilter_is400() {
        Form form = contactForm(WS);
        List<Submission> subs = submitMany(form, 5);
        String after = subs.getFirst().submittedAt().toString();
        Page filtered = submissions.list(WS, form.id(), new Query(1, null, after, null));
        assertNotNull(filtered.nextCursor());

        var dropped = invalid(() -> list(form, 1, filtered.nextCursor()));
        var changed = invalid(() -> submissions.list(WS, form.id(),
                new Query(1, filtered.nextCursor(), subs.get(1).submittedAt().toString(), null)));
        var added = invalid(() -> submissions.list(WS, form.id(),
                new Query(1, filtered.nextCursor(), after, "2030-01-01")));

        assertEquals("invalid_cursor", dropped.code());
        assertEquals("invalid_cursor", changed.code());
        assertEquals("invalid_cursor", added.code());
    }

    @Test
    void list_whenCursorUsedWithTheSameBoundsSpelledDifferently_isAccepted() {
        Form form = contactForm(WS);
        submitMany(form, 3);
        Page first = submissions.list(WS, form.id(), new Query(1, null, "2025-01-01", null));

        Page second = submissions.list(WS, form.id(), new Query(1, first.nextCursor(), "2025-01-01T01:00:00+01:00", null));

        assertEquals(1, second.data().size());
        assertTrue(second.data().getFirst().id().compareTo(first.data().getFirst().id()) < 0);
    }

    @Test
    void list_whenCursorIsTampered_is400() {
        Form form = contactForm(WS);
        submitMany(form, 3);
        String cursor = list(form, 1, null).nextCursor();
        char last = cursor.charAt(cursor.length() - 1);
        String tampered = cursor.substring(0, cursor.length() - 1) + (last == 'A' ? 'B' : 'A');

        assertEquals("invalid_cursor", invalid(() -> list(form, 1, tampered)).code());
        assertEquals("invalid_cursor", invalid(() -> list(form, 1, "garbage")).code());
    }

    @Test
    void list_whenFormOfAnotherWorkspace_isNotFound() {
        Form theirs = contactForm(OTHER_WS);
        submit(theirs, "secret");

        assertThrows(IntakeException.NotFound.class, () -> submissions.list(WS, theirs.id(), new Query(null, null, null, null)));
    }

    @Test
    void list_whenFormUnknown_isNotFound() {
        assertThrows(IntakeException.NotFound.class, () -> submissions.list(WS, "frm_doesnotexist", new Query(null, null, null, null)));
    }

    // ---- list: created_after / created_before ----

    @Test
    void list_createdAfterAndBefore_areExclusiveAtMillisecondPrecision() {
        Form form = contactForm(WS);
        Instant t = Instant.parse("2025-06-01T12:00:00.500Z");
        Submission before = submitAt(form, t.minusMillis(1));
        Submission at = submitAt(form, t.plusNanos(123_456)); // stored at t: submitted_at has millisecond precision
        Submission after = submitAt(form, t.plusMillis(1));
        assertEquals(t, at.submittedAt());

        assertEquals(ids(after), ids(between(form, t.toString(), null)));
        assertEquals(ids(before), ids(between(form, null, t.toString())));
        assertEquals(ids(after, at), ids(between(form, t.minusNanos(1).toString(), null)));
        assertEquals(ids(at, before), ids(between(form, null, t.plusNanos(1).toString())));
        assertEquals(ids(at), ids(between(form, t.minusNanos(1).toString(), t.plusNanos(1).toString())));
        assertEquals(List.of(), ids(between(form, t.toString(), t.toString())));
    }

    @Test
    void list_createdAfterWithSubMillisecondPart_excludesTheWholeMillisecondBelowIt() {
        Form form = contactForm(WS);
        Instant t = Instant.parse("2025-06-01T12:00:00.500Z");
        Submission at = submitAt(form, t);
        Submission next = submitAt(form, t.plusMillis(1));

        // Stored at t, so t is not after t + 0.1 ms; t + 1 ms is.
        assertEquals(ids(next), ids(between(form, t.plusNanos(100_000).toString(), null)));
        // Stored at t, which is before t + 0.1 ms; t + 1 ms is not.
        assertEquals(ids(at), ids(between(form, null, t.plusNanos(100_000).toString())));
    }

    @Test
    void list_whenDateOnly_meansUtcMidnight() {
        Form form = contactForm(WS);
        Instant midnight = Instant.parse("2025-01-01T00:00:00Z");
        Submission lastOfOldYear = submitAt(form, midnight.minusMillis(1));
        Submission atMidnight = submitAt(form, midnight);
        Submission firstAfter = submitAt(form, midnight.plusMillis(1));

        assertEquals(ids(lastOfOldYear), ids(between(form, null, "2025-01-01")));
        assertEquals(ids(firstAfter), ids(between(form, "2025-01-01", null)));
        assertEquals(ids(atMidnight), ids(between(form, "2024-12-31T23:59:59.999Z", "2025-01-01T00:00:00.001Z")));
        assertEquals(ids(firstAfter, atMidnight, lastOfOldYear), ids(between(form, "2024-12-31", "2025-01-02")));
    }

    @Test
    void list_whenOffsetGiven_convertsToUtc() {
        Form form = contactForm(WS);
        Instant midnight = Instant.parse("2025-01-01T00:00:00Z");
        Submission early = submitAt(form, midnight.minusMillis(1));
        submitAt(form, midnight);
        Submission late = submitAt(form, midnight.plusMillis(1));

        assertEquals(ids(early), ids(between(form, null, "2025-01-01T01:00:00+01:00")));
        assertEquals(ids(late), ids(between(form, "2024-12-31T19:00:00-05:00", null)));
        assertEquals(ids(late), ids(between(form, " 2025-01-01T00:00:00.000+00:00 ", null)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"yesterday", "2025-13-01", "2025-02-30", "2025/01/01", "2025-01-01T00:00:00",
            "2025-01-01 00:00:00Z", "1735689600", "", "   ", "2025-01-01T25:00:00Z", "2025-01-01T00:00:00+25:00"})
    void list_whenCreatedAfterInvalid_isInvalidCreatedAfter(String value) {
        Form form = contactForm(WS);

        var e = invalid(() -> submissions.list(WS, form.id(), new Query(null, null, value, null)));

        assertEquals("invalid_created_after", e.code());
        assertEquals(List.of("created_after"), e.fields());
    }

    @ParameterizedTest
    @ValueSource(strings = {"tomorrow", "2025-00-10", "2025-02-30", "01-01-2025", "2025-01-01T00:00:00", "2025-01-01Z", ""})
    void list_whenCreatedBeforeInvalid_isInvalidCreatedBefore(String value) {
        Form form = contactForm(WS);

        var e = invalid(() -> submissions.list(WS, form.id(), new Query(null, null, null, value)));

        assertEquals("invalid_created_before", e.code());
        assertEquals(List.of("created_before"), e.fields());
    }

    @Test
    void list_whenCreatedAfterIsLaterThanCreatedBefore_isEmptyPageNotAnError() {
        Form form = contactForm(WS);
        submitMany(form, 3);

        Page page = between(form, "2025-03-05", "2025-03-04");

        assertTrue(page.data().isEmpty());
        assertFalse(page.hasMore());
        assertNull(page.nextCursor());
    }

    @Test
    void list_whenCreatedBeforeIsAtOrBefore1970_isEmpty() {
        Form form = contactForm(WS);
        Submission atEpoch = submitAt(form, Instant.EPOCH);
        Submission oneMsLater = submitAt(form, Instant.EPOCH.plusMillis(1));

        for (String before : List.of("1970-01-01", "1970-01-01T00:00:00Z", "1969-12-31", "1969-12-31T23:59:59.999Z",
                "1900-01-01", "0001-01-01T00:00:00Z")) {
            Page page = between(form, null, before);
            assertTrue(page.data().isEmpty(), before + " gave " + ids(page));
            assertFalse(page.hasMore());
            assertNull(page.nextCursor());
        }
        assertEquals(ids(atEpoch), ids(between(form, null, "1970-01-01T00:00:00.001Z")));
        assertEquals(ids(atEpoch), ids(between(form, null, "1970-01-01T00:00:00.000000001Z")));
        assertEquals(ids(oneMsLater, atEpoch), ids(between(form, "1969-01-01", null)));
    }

    @Test
    void list_whenFilterDatesAreFarInTheFuture_workWithoutError() {
        Form form = contactForm(WS);
        Submission s = submit(form, "now");

        assertEquals(ids(s), ids(between(form, null, "9999-12-31")));
        assertEquals(List.of(), ids(between(form, "9999-12-31", null)));
    }

    // ---- get ----

    @Test
    void get_whenSubmissionOfThisForm_returnsIt() {
        Form form = contactForm(WS);
        Submission s = submit(form, "ada");

        assertEquals(s, submissions.get(WS, form.id(), s.id()));
    }

    @Test
    void get_whenSubmissionUnknownOrMalformed_isNotFound() {
        Form form = contactForm(WS);
        submit(form, "ada");

        for (String id : new String[] {Ids.submission(START), "sub_123", "nope", "", "sub_0123456789abcdef~", null}) {
            assertThrows(IntakeException.NotFound.class, () -> submissions.get(WS, form.id(), id), String.valueOf(id));
        }
    }

    @Test
    void get_whenSubmissionBelongsToAnotherFormOfTheWorkspace_isNotFound() {
        Form form = contactForm(WS);
        Form other = contactForm(WS);
        Submission theirs = submit(other, "ada");

        assertThrows(IntakeException.NotFound.class, () -> submissions.get(WS, form.id(), theirs.id()));
    }

    @Test
    void get_whenFormOfAnotherWorkspace_isNotFound() {
        Form theirs = contactForm(OTHER_WS);
        Submission s = submit(theirs, "ada");

        var e = assertThrows(IntakeException.NotFound.class, () -> submissions.get(WS, theirs.id(), s.id()));
        assertEquals("not_found", e.code());
    }

    // ---- delete ----

    @Test
    void delete_removesTheSubmissionAndLowersTheCountOnce() {
        Form form = contactForm(WS);
        Submission gone = submit(form, "ada");
        Submission kept = submit(form, "bob");
        assertEquals(2, formStore.count(form));

        submissions.delete(WS, form.id(), gone.id());

        assertEquals(1, formStore.count(form));
        assertThrows(IntakeException.NotFound.class, () -> submissions.get(WS, form.id(), gone.id()));
        assertEquals(ids(kept), ids(list(form, null, null)));

        assertThrows(IntakeException.NotFound.class, () -> submissions.delete(WS, form.id(), gone.id()));
        assertEquals(1, formStore.count(form));
        assertEquals(1, forms.get(WS, form.id()).submissions());
    }

    @Test
    void delete_whenSubmissionUnknownOrMalformed_isNotFoundAndKeepsCount() {
        Form form = contactForm(WS);
        submit(form, "ada");

        for (String id : new String[] {Ids.submission(START), "sub_123", "../sub", "", null}) {
            assertThrows(IntakeException.NotFound.class, () -> submissions.delete(WS, form.id(), id), String.valueOf(id));
        }
        assertEquals(1, formStore.count(form));
        assertEquals(1, store.size());
    }

    @Test
    void delete_whenSubmissionBelongsToAnotherForm_isNotFoundAndKeepsIt() {
        Form form = contactForm(WS);
        Form other = contactForm(WS);
        Submission theirs = submit(other, "ada");

        assertThrows(IntakeException.NotFound.class, () -> submissions.delete(WS, form.id(), theirs.id()));
        assertEquals(theirs, submissions.get(WS, other.id(), theirs.id()));
        assertEquals(1, formStore.count(other));
        assertEquals(0, formStore.count(form));
    }

    @Test
    void delete_whenFormOfAnotherWorkspace_isNotFoundAndKeepsIt() {
        Form theirs = contactForm(OTHER_WS);
        Submission s = submit(theirs, "ada");

        assertThrows(IntakeException.NotFound.class, () -> submissions.delete(WS, theirs.id(), s.id()));
        assertEquals(s, submissions.get(OTHER_WS, theirs.id(), s.id()));
        assertEquals(1, formStore.count(theirs));
    }

    // ---- create ----

    @Test
    void create_storesWithApiSourceAndNoRequestMetadata() {
        Form form = contactForm(WS);
        clock.set(START.plusNanos(777_777));

        Submission s = submissions.create(WS, form.id(), values("email", "ada@example.com", "name", "Ada"));

        assertEquals(new SubmissionMetadata(null, null, null, Source.API), s.metadata());
        assertEquals(START, s.submittedAt());
        assertEquals(WS, s.workspaceId());
        assertEquals(form.id(), s.formId());
        assertTrue(Ids.isSubmission(s.id()), s.id());
        assertEquals(Ids.person(WS, "email", "ada@example.com"), s.personId());
        assertEquals(s, store.find(form.key(), s.id()).orElseThrow());
        assertEquals(1, formStore.count(form));
        assertEquals(1, events.published.size());
        assertEquals(Source.API, events.published.getFirst().source());
        assertEquals(s.id(), events.published.getFirst().submissionId());
    }

    @Test
    void create_whenKeyedByFieldNamesOrIds_storesByFieldId() {
        Form form = contactForm(WS);
        String emailId = form.field("email").orElseThrow().id();
        String nameId = form.field("name").orElseThrow().id();

        Submission byName = submissions.create(WS, form.id(), values("email", "ada@example.com", "name", "Ada"));
        clock.advance(Duration.ofMillis(1));
        Submission byId = submissions.create(WS, form.id(), values(emailId, "bob@example.com", nameId, "Bob"));

        assertEquals(Map.of(emailId, "ada@example.com", nameId, "Ada"), byName.data());
        assertEquals(Map.of(emailId, "bob@example.com", nameId, "Bob"), byId.data());
    }

    @Test
    void create_whenRequiredFieldMissing_isInvalidNamingItAndStoresNothing() {
        Form form = contactForm(WS);

        var missing = invalid(() -> submissions.create(WS, form.id(), values("email", "ada@example.com")));
        var blank = invalid(() -> submissions.create(WS, form.id(), values("email", "ada@example.com", "name", "  ")));

        assertEquals("missing_required_fields", missing.code());
        assertTrue(missing.fields().contains("name"), missing.fields().toString());
        assertFalse(missing.fields().contains("email"), missing.fields().toString());
        assertTrue(blank.fields().contains("name"), blank.fields().toString());
        assertEquals(0, store.size());
        assertEquals(0, formStore.count(form));
        assertTrue(events.published.isEmpty());
    }

    @Test
    void create_whenUnknownFieldIdGiven_isInvalidUnknownFields() {
        Form form = contactForm(WS);

        var e = invalid(() -> submissions.create(WS, form.id(),
                values("email", "ada@example.com", "name", "Ada", "fld_XXXXXXXX", "x")));

        assertEquals("unknown_fields", e.code());
        assertEquals(List.of("fld_XXXXXXXX"), e.fields());
        assertEquals(0, store.size());
        assertEquals(0, formStore.count(form));
    }

    @Test
    void create_whenFormOfAnotherWorkspace_isNotFoundAndStoresNothing() {
        Form theirs = contactForm(OTHER_WS);

        assertThrows(IntakeException.NotFound.class,
                () -> submissions.create(WS, theirs.id(), values("email", "ada@example.com", "name", "Ada")));
        assertEquals(0, store.size());
        assertEquals(0, formStore.count(theirs));
    }

    @Test
    void create_thenListAndGet_seeTheSubmission() {
        Form form = contactForm(WS);

        Submission s = submissions.create(WS, form.id(), values("email", "ada@example.com", "name", "Ada"));

        assertEquals(ids(s), ids(list(form, null, null)));
        assertEquals(s, submissions.get(WS, form.id(), s.id()));
    }
}
