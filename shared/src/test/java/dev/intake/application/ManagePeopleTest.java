package dev.intake.application;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.intake.application.ManageForms.FieldDraft;
import dev.intake.application.ManageForms.FormDraft;
import dev.intake.application.port.SubmissionStore;
import dev.intake.domain.Erasure;
import dev.intake.domain.Form;
import dev.intake.domain.Ids;
import dev.intake.domain.IntakeException;
import dev.intake.domain.Person;
import dev.intake.domain.Source;
import dev.intake.domain.Submission;
import dev.intake.domain.SubmissionMetadata;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ManagePeopleTest {
    private static final String WS = "ws_a";
    private static final String OTHER_WS = "ws_b";
    private static final Instant START = Instant.parse("2025-03-04T05:06:07.089Z");
    private static final SubmissionMetadata META = new SubmissionMetadata(null, null, null, Source.API);

    /** A clock the test moves, so submissions and the erasure get their own times. */
    private static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant now) { this.now = now; }

        void advance(Duration d) { now = now.plus(d); }

        @Override public Instant instant() { return now; }
        @Override public ZoneId getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(ZoneId zone) { return this; }
    }

    private final MutableClock clock = new MutableClock(START);
    private final InMemoryFormStore formStore = new InMemoryFormStore();
    private final InMemorySubmissionStore submissions = new InMemorySubmissionStore();
    private final InMemoryPersonStore people = new InMemoryPersonStore();
    private final ManageForms forms = new ManageForms(formStore, clock);
    private final SubmitForm submitForm = new SubmitForm(formStore, submissions, people,
            new InMemoryRateLimiter(), new StubCaptcha(), clock);
    private final ManagePeople managePeople = new ManagePeople(people, submissions, formStore, clock);

    /**
     * A submission store whose by-person index lags, like DynamoDB's eventually consistent GSI: it still
     * lists refs of submissions that were deleted.
     */
    private static final class LaggingIndexStore implements SubmissionStore {
        private final InMemorySubmissionStore delegate;
        final List<Ref> stale = new ArrayList<>();

        LaggingIndexStore(InMemorySubmissionStore delegate) { this.delegate = delegate; }

        @Override public void save(String formKey, Submission s) { delegate.save(formKey, s); }
        @Override public Optional<Submission> find(String formKey, String id) { return delegate.find(formKey, id); }
        @Override public Slice list(String formKey, Range range, int limit) { return delegate.list(formKey, range, limit); }
        @Override public Optional<Submission> delete(String formKey, String id) { return delegate.delete(formKey, id); }

        @Override
        public List<Ref> findByPerson(String workspaceId, String personId) {
            List<Ref> out = new ArrayList<>(stale);
            out.addAll(delegate.findByPerson(workspaceId, personId));
            return out;
        }
    }

    private static Map<String, Object> values(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    /** A form with an email field, an id field (optional) and a message. */
    private Form form(String ws, String name) {
        return forms.create(ws, new FormDraft(name, List.of(
                new FieldDraft(null, "email", "email", null, null, null, null, null),
                new FieldDraft(null, "id", "text", null, null, null, null, null),
                new FieldDraft(null, "message", "textarea", null, null, null, null, null)), null, null)).form();
    }

    private Submission submit(Form form, Object... kv) {
        clock.advance(Duration.ofMillis(1));
        Form current = formStore.find(form.key()).orElseThrow();
        return ((SubmitForm.Outcome.Accepted) submitForm.submit(current, values(kv), META, SubmitForm.Checks.API)).submission();
    }

    private static IntakeException.Invalid invalid(Runnable r) {
        return assertThrows(IntakeException.Invalid.class, r::run);
    }

    private Set<String> storedIds() {
        return submissions.all().stream().map(Submission::id).collect(Collectors.toSet());
    }

    // ---- find ----

    @Test
    void find_byEmail_ignoresCaseAndSurroundingWhitespace() {
        Form f = form(WS, "Contact");
        submit(f, "email", "Ada@Example.COM", "message", "hi");

        Person p = managePeople.find(WS, "  aDA@example.com \t", null);

        assertEquals(Ids.person(WS, "email", "ada@example.com"), p.id());
        assertEquals("ada@example.com", p.email());
        assertEquals(WS, p.workspaceId());
    }

    @Test
    void find_byId_trimsIt() {
        Form f = form(WS, "Contact");
        submit(f, "id", "user-42", "message", "hi");

        Person p = managePeople.find(WS, null, " user-42 ");

        assertEquals(Ids.person(WS, "id", "user-42"), p.id());
        assertEquals("user-42", p.externalId());
    }

    @Test
    void find_whenTheIdentifierIsLongerThanAnyPersonsCanBe_isNotFoundWithoutAStorageCall() {
        int findsBefore = people.finds;
        assertThrows(IntakeException.NotFound.class, () -> managePeople.find(WS, null, "x".repeat(Person.MAX_IDENTIFIER_BYTES + 1)));
        assertThrows(IntakeException.NotFound.class, () -> managePeople.find(WS, "é".repeat(600) + "@example.com", null));
        assertEquals(findsBefore, people.finds, "no key that long is looked up");
    }

    @Test
    void find_byIdIsCaseSensitive() {
        Form f = form(WS, "Contact");
        submit(f, "id", "User-42");

        assertEquals("User-42", managePeople.find(WS, null, "User-42").externalId());
        assertThrows(IntakeException.NotFound.class, () -> managePeople.find(WS, null, "user-42"));
    }

    @Test
    void find_byEmail_whenPersonIsKeyedByIdWithThatEmail_findsThem() {
        Form f = form(WS, "Signup");
        submit(f, "id", "user-7", "email", "Grace@Example.com");

        Person p = managePeople.find(WS, "GRACE@example.com ", null);

        assertEquals(Ids.person(WS, "id", "user-7"), p.id());
        assertEquals("user-7", p.externalId());
        assertEquals("grace@example.com", p.email());
    }

    @Test
    void find_byEmail_whenBothAnEmailKeyedAndAnIdKeyedPersonExist_prefersTheEmailKeyedOne() {
        Form f = form(WS, "Signup");
        submit(f, "email", "grace@example.com");
        submit(f, "id", "user-7", "email", "grace@example.com");

        assertEquals(Ids.person(WS, "email", "grace@example.com"), managePeople.find(WS, "grace@example.com", null).id());
    }

    @Test
    void find_whenBothEmailAndIdGiven_isInvalidLookup() {
        Form f = form(WS, "Signup");
        submit(f, "id", "user-7", "email", "grace@example.com");

        var e = invalid(() -> managePeople.find(WS, "grace@example.com", "user-7"));

        assertEquals("invalid_lookup", e.code());
        assertEquals(List.of("email", "id"), e.fields());
    }

    @Test
    void find_whenNeitherEmailNorIdGiven_isInvalidLookup() {
        var e = invalid(() -> managePeople.find(WS, null, null));

        assertEquals("invalid_lookup", e.code());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "\t\n"})
    void find_whenEmailBlank_isInvalidEmail(String email) {
        var e = invalid(() -> managePeople.find(WS, email, null));

        assertEquals("invalid_email", e.code());
        assertEquals(List.of("email"), e.fields());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "\t\n"})
    void find_whenIdBlank_isInvalidId(String id) {
        var e = invalid(() -> managePeople.find(WS, null, id));

        assertEquals("invalid_id", e.code());
        assertEquals(List.of("id"), e.fields());
    }

    @Test
    void find_whenUnknown_isNotFound() {
        Form f = form(WS, "Contact");
        submit(f, "email", "ada@example.com", "id", "user-1");

        var byEmail = assertThrows(IntakeException.NotFound.class, () -> managePeople.find(WS, "bob@example.com", null));
        assertThrows(IntakeException.NotFound.class, () -> managePeople.find(WS, null, "user-2"));
        assertEquals("not_found", byEmail.code());
    }

    @Test
    void find_byPersonIdInsteadOfExternalId_isNotFound() {
        Form f = form(WS, "Contact");
        submit(f, "email", "ada@example.com");
        String personId = Ids.person(WS, "email", "ada@example.com");

        assertThrows(IntakeException.NotFound.class, () -> managePeople.find(WS, null, personId));
    }

    @Test
    void find_whenPersonIsInAnotherWorkspace_isNotFound() {
        Form theirs = form(OTHER_WS, "Contact");
        submit(theirs, "email", "ada@example.com");
        submit(theirs, "id", "user-7", "email", "grace@example.com");

        assertThrows(IntakeException.NotFound.class, () -> managePeople.find(WS, "ada@example.com", null));
        assertThrows(IntakeException.NotFound.class, () -> managePeople.find(WS, "grace@example.com", null));
        assertThrows(IntakeException.NotFound.class, () -> managePeople.find(WS, null, "user-7"));
        assertEquals("user-7", managePeople.find(OTHER_WS, null, "user-7").externalId());
    }

    // ---- erase ----

    @Test
    void erase_deletesAllTheirSubmissionsAcrossFormsAndOnlyTheirs() {
        Form a = form(WS, "A");
        Form b = form(WS, "B");
        Submission ada1 = submit(a, "email", "ada@example.com", "message", "one");
        Submission bob1 = submit(a, "email", "bob@example.com");
        Submission ada2 = submit(a, "email", "ADA@example.com", "message", "two");
        Submission ada3 = submit(b, "email", "ada@example.com");
        Submission bob2 = submit(b, "email", "bob@example.com");
        Submission anonymous = submit(b, "message", "no identifier");
        String ada = managePeople.find(WS, "ada@example.com", null).id();
        assertEquals(3, formStore.count(a));
        assertEquals(3, formStore.count(b));
        clock.advance(Duration.ofHours(1));

        Erasure erasure = managePeople.erase(WS, ada);

        assertEquals(3, erasure.submissionsDeleted());
        assertEquals(Set.of(bob1.id(), bob2.id(), anonymous.id()), storedIds());
        for (Submission s : List.of(ada1, ada2, ada3)) assertTrue(submissions.find(s.formId(), s.id()).isEmpty(), s.id());
        assertEquals(1, formStore.count(a));
        assertEquals(2, formStore.count(b));
        assertTrue(people.find(WS, ada).isEmpty());
        assertEquals(Ids.person(WS, "email", "bob@example.com"), managePeople.find(WS, "bob@example.com", null).id());
        assertEquals(List.of(erasure), people.erasures);
        assertEquals(clock.instant(), erasure.at());
        assertTrue(erasure.id().startsWith("era_"), erasure.id());
    }

    @Test
    void erase_whenPersonKeyedById_deletesTheirSubmissions() {
        Form a = form(WS, "A");
        submit(a, "id", "user-7", "email", "grace@example.com");
        submit(a, "id", "user-7");
        Submission other = submit(a, "id", "user-8");
        String grace = managePeople.find(WS, "grace@example.com", null).id();

        Erasure erasure = managePeople.erase(WS, grace);

        assertEquals(2, erasure.submissionsDeleted());
        assertEquals(Set.of(other.id()), storedIds());
        assertEquals(1, formStore.count(a));
        assertThrows(IntakeException.NotFound.class, () -> managePeople.find(WS, null, "user-7"));
        assertThrows(IntakeException.NotFound.class, () -> managePeople.find(WS, "grace@example.com", null));
    }

    @Test
    void erase_whenPersonHasNoSubmissionsLeft_deletesThemAndRecordsZero() {
        Form a = form(WS, "A");
        Submission s = submit(a, "email", "ada@example.com");
        submissions.delete(a.key(), s.id());
        String ada = Ids.person(WS, "email", "ada@example.com");

        Erasure erasure = managePeople.erase(WS, ada);

        assertEquals(0, erasure.submissionsDeleted());
        assertTrue(people.find(WS, ada).isEmpty());
        assertEquals(1, formStore.count(a));
        assertEquals(List.of(erasure), people.erasures);
    }

    @Test
    void erase_twice_isNotFoundTheSecondTimeAndRecordsOneErasure() {
        Form a = form(WS, "A");
        submit(a, "email", "ada@example.com");
        submit(a, "email", "bob@example.com");
        String ada = Ids.person(WS, "email", "ada@example.com");
        managePeople.erase(WS, ada);

        var e = assertThrows(IntakeException.NotFound.class, () -> managePeople.erase(WS, ada));

        assertEquals("not_found", e.code());
        assertEquals(1, people.erasures.size());
        assertEquals(1, formStore.count(a));
        assertEquals(1, submissions.size());
    }

    @Test
    void erase_whenPersonIdMalformed_isNotFoundAndDeletesNothing() {
        Form a = form(WS, "A");
        submit(a, "email", "ada@example.com");

        for (String id : new String[] {"ada@example.com", "per_", "per_short", "per_0123456789abcdef0", "sub_0123456789abcdef",
                "", null}) {
            assertThrows(IntakeException.NotFound.class, () -> managePeople.erase(WS, id), String.valueOf(id));
        }
        assertEquals(1, submissions.size());
        assertEquals(1, formStore.count(a));
        assertTrue(people.erasures.isEmpty());
    }

    @Test
    void erase_whenPersonIdUnknown_isNotFoundAndRecordsNothing() {
        Form a = form(WS, "A");
        submit(a, "email", "ada@example.com");

        assertThrows(IntakeException.NotFound.class,
                () -> managePeople.erase(WS, Ids.person(WS, "email", "nobody@example.com")));
        assertEquals(1, submissions.size());
        assertTrue(people.erasures.isEmpty());
    }

    @Test
    void erase_whenPersonOfAnotherWorkspace_isNotFoundAndDeletesNothing() {
        Form mine = form(WS, "Mine");
        Form theirs = form(OTHER_WS, "Theirs");
        submit(mine, "email", "ada@example.com");
        Submission their1 = submit(theirs, "email", "ada@example.com");
        Submission their2 = submit(theirs, "email", "ada@example.com");
        String theirAda = managePeople.find(OTHER_WS, "ada@example.com", null).id();

        assertThrows(IntakeException.NotFound.class, () -> managePeople.erase(WS, theirAda));

        assertTrue(storedIds().containsAll(Set.of(their1.id(), their2.id())));
        assertEquals(3, submissions.size());
        assertEquals(2, formStore.count(theirs));
        assertEquals(1, formStore.count(mine));
        assertTrue(people.find(OTHER_WS, theirAda).isPresent());
        assertTrue(people.find(WS, Ids.person(WS, "email", "ada@example.com")).isPresent());
        assertTrue(people.erasures.isEmpty());
    }

    @Test
    void erase_whenAFormOfTheirsWasDeleted_stillDeletesTheSubmissionsAndCountsTheRest() {
        Form a = form(WS, "A");
        Form b = form(WS, "B");
        submit(a, "email", "ada@example.com");
        submit(b, "email", "ada@example.com");
        forms.delete(WS, b.id());
        String ada = Ids.person(WS, "email", "ada@example.com");

        Erasure erasure = managePeople.erase(WS, ada);

        assertEquals(2, erasure.submissionsDeleted());
        assertEquals(0, submissions.size());
        assertEquals(0, formStore.count(a));
    }

    @Test
    void erase_whenIndexStillListsAnAlreadyDeletedSubmission_neitherCountsItNorLowersTheFormCountForIt() {
        Form a = form(WS, "A");
        Submission gone = submit(a, "email", "ada@example.com");
        Submission kept = submit(a, "email", "ada@example.com");
        submissions.delete(a.key(), gone.id());
        formStore.addToCount(a, -1, "sub_0VbfzDeleted00001"); // as ManageSubmissions.delete does
        var lagging = new LaggingIndexStore(submissions);
        lagging.stale.add(new SubmissionStore.Ref(a.key(), gone.id()));
        String ada = Ids.person(WS, "email", "ada@example.com");

        Erasure erasure = new ManagePeople(people, lagging, formStore, clock).erase(WS, ada);

        assertEquals(1, erasure.submissionsDeleted());
        assertTrue(submissions.find(a.key(), kept.id()).isEmpty());
        assertEquals(0, formStore.count(a));
    }
}
