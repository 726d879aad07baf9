package dev.intake.bench.jmh;

import dev.intake.application.port.FormStore;
import dev.intake.application.port.PersonStore;
import dev.intake.application.port.RateLimiter;
import dev.intake.application.port.SubmissionStore;
import dev.intake.domain.Activity;
import dev.intake.domain.ConsentRecord;
import dev.intake.domain.ConsentState;
import dev.intake.domain.Erasure;
import dev.intake.domain.Form;
import dev.intake.domain.IntakeException;
import dev.intake.domain.Person;
import dev.intake.domain.PersonUpsert;
import dev.intake.domain.Relationship;
import dev.intake.domain.Submission;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * In-memory implementations of the ports a public submit touches (forms, submissions, people, rate limit),
 * thread-safe and with the same semantics as the DynamoDB adapters (conditional create, fixed windows), but
 * no I/O. A benchmark makes millions of calls, so each map is emptied when it passes {@link #CAP} entries:
 * memory stays flat and the per-call work (hash, insert) stays what it is.
 */
final class InMemoryPorts {
    static final int CAP = 4_096;

    private InMemoryPorts() {}

    /** A port nothing on the submit path calls: any call fails, so a benchmark cannot silently skip work. */
    @SuppressWarnings("unchecked")
    static <T> T unused(Class<T> port) {
        return (T) Proxy.newProxyInstance(port.getClassLoader(), new Class<?>[] {port}, (proxy, method, args) -> {
            if (method.getDeclaringClass() == Object.class) {
                return switch (method.getName()) {
                    case "toString" -> "unused " + port.getSimpleName();
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException(method.getName());
                };
            }
            throw new UnsupportedOperationException(port.getSimpleName() + "." + method.getName() + " is not on the submit path");
        });
    }

    static final class Forms implements FormStore {
        private final Map<String, Form> forms = new ConcurrentHashMap<>();
        private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

        @Override
        public void create(Form form) {
            if (forms.putIfAbsent(form.key(), form) != null) throw new IntakeException.Conflict("Form exists");
        }

        @Override
        public Optional<Form> find(String formKey) {
            return Optional.ofNullable(forms.get(formKey));
        }

        @Override
        public List<Form> listByWorkspace(String workspaceId) {
            List<Form> out = new ArrayList<>();
            for (Form f : forms.values()) if (f.workspaceId().equals(workspaceId)) out.add(f);
            return out;
        }

        @Override
        public Form update(Form form) {
            Form saved = new Form(form.workspaceId(), form.id(), form.name(), form.fields(), form.settings(),
                    form.doubleOptIn(), form.status(), form.createdAt(), form.updatedAt(), form.version() + 1);
            if (!forms.replace(form.key(), form, saved)) {
                Form stored = forms.get(form.key());
                if (stored == null || stored.version() != form.version() || !forms.replace(form.key(), stored, saved)) {
                    throw new IntakeException.Conflict("Form changed");
                }
            }
            return saved;
        }

        @Override
        public void delete(Form form) {
            forms.remove(form.key());
            counts.remove(form.key());
        }

        @Override
        public void addToCount(Form form, long delta, String submissionId) {
            counts.computeIfAbsent(form.key(), k -> new LongAdder()).add(delta);
        }

        @Override
        public Map<String, Long> counts(String workspaceId) {
            Map<String, Long> out = new ConcurrentHashMap<>();
            counts.forEach((key, n) -> {
                Form f = forms.get(key);
                if (f != null && f.workspaceId().equals(workspaceId)) out.put(key, n.sum());
            });
            return out;
        }

        @Override
        public long count(Form form) {
            LongAdder n = counts.get(form.key());
            return n == null ? 0 : n.sum();
        }
    }

    /** Per form, ordered by id like the table's sort key. */
    static final class Submissions implements SubmissionStore {
        private final Map<String, ConcurrentSkipListMap<String, Submission>> byForm = new ConcurrentHashMap<>();
        final LongAdder saved = new LongAdder();

        @Override
        public void save(String formKey, Submission s) {
            var form = byForm.computeIfAbsent(formKey, k -> new ConcurrentSkipListMap<>());
            if (form.putIfAbsent(s.id(), s) != null) throw new IntakeException.Conflict("Submission " + s.id() + " already exists");
            saved.increment();
            if (form.size() > CAP) form.clear();
        }

        @Override
        public Optional<Submission> find(String formKey, String submissionId) {
            var form = byForm.get(formKey);
            return Optional.ofNullable(form == null ? null : form.get(submissionId));
        }

        @Override
        public Slice list(String formKey, Range range, int limit) {
            var form = byForm.get(formKey);
            if (form == null || range.fromId().compareTo(range.toId()) > 0) return new Slice(List.of(), false);
            var inRange = form.subMap(range.fromId(), true, range.toId(), true).descendingMap();
            var rest = range.startAfter() == null ? inRange : inRange.tailMap(range.startAfter(), false);
            List<Submission> items = rest.values().stream().limit(limit + 1L).toList();
            return items.size() > limit ? new Slice(items.subList(0, limit), true) : new Slice(items, false);
        }

        @Override
        public Optional<Submission> delete(String formKey, String submissionId) {
            var form = byForm.get(formKey);
            return Optional.ofNullable(form == null ? null : form.remove(submissionId));
        }

        @Override
        public List<Ref> findByPerson(String workspaceId, String personId) {
            List<Ref> out = new ArrayList<>();
            byForm.forEach((key, subs) -> subs.values().stream()
                    .filter(s -> s.workspaceId().equals(workspaceId) && personId.equals(s.personId()))
                    .forEach(s -> out.add(new Ref(key, s.id()))));
            return out;
        }
    }

    /**
     * People as the DynamoDB store keeps them: one upsert, no read first. Consent never goes from OPTED_IN
     * back to PENDING; attributes merge.
     */
    static final class People implements PersonStore {
        private final Map<String, Person> people = new ConcurrentHashMap<>();

        @Override
        public ConsentState upsert(PersonUpsert u) {
            Person merged = people.compute(u.workspaceId() + "/" + u.personId(), (k, old) -> {
                ConsentRecord consent = u.consent() == null
                        || (u.consent().state() == ConsentState.PENDING && old != null && old.consent() != null)
                        ? (old == null ? null : old.consentRecord()) : u.consent();
                Map<String, Object> attributes = new java.util.LinkedHashMap<>(old == null ? Map.of() : old.attributes());
                attributes.putAll(u.attributes());
                List<String> anon = new ArrayList<>(old == null ? List.of() : old.anonymousIds());
                if (u.anonymousId() != null && !anon.contains(u.anonymousId())) anon.add(u.anonymousId());
                return new Person(u.workspaceId(), u.personId(),
                        u.email() != null ? u.email() : old == null ? null : old.email(),
                        u.externalId() != null ? u.externalId() : old == null ? null : old.externalId(),
                        anon, attributes, consent == null ? null : consent.state(), consent,
                        old == null ? u.at() : old.createdAt(), u.at());
            });
            if (people.size() > CAP) people.clear();
            return merged.consent();
        }

        @Override
        public Optional<Person> find(String workspaceId, String personId) {
            return Optional.ofNullable(people.get(workspaceId + "/" + personId));
        }

        @Override
        public void confirmConsent(String workspaceId, String personId, ConsentRecord record) { throw offPath(); }

        @Override
        public Optional<Person> findIdKeyedByEmail(String workspaceId, String email) { throw offPath(); }

        @Override
        public boolean delete(String workspaceId, String personId) { throw offPath(); }

        @Override
        public Optional<String> alias(String workspaceId, String kind, String value) { throw offPath(); }

        @Override
        public void link(String workspaceId, String kind, String value, String personId) { throw offPath(); }

        @Override
        public void merge(String workspaceId, String from, String to, Instant at) { throw offPath(); }

        @Override
        public void upsertObject(String workspaceId, String objectTypeId, String objectId, Map<String, Object> traits, Instant at) {
            throw offPath();
        }

        @Override
        public void relate(String workspaceId, String personId, Relationship relationship, Instant at) { throw offPath(); }

        @Override
        public List<Relationship> relationships(String workspaceId, String personId) { throw offPath(); }

        @Override
        public void recordActivity(Activity activity, Instant expiresAt) { throw offPath(); }

        @Override
        public List<Activity> recentActivity(String workspaceId, String personId, int limit) { throw offPath(); }

        @Override
        public void recordErasure(String workspaceId, Erasure erasure) { throw offPath(); }

        private static UnsupportedOperationException offPath() {
            return new UnsupportedOperationException("not on the submit path");
        }
    }

    /** Fixed windows, one atomic counter per key and window, like the DynamoDB limiter's single ADD. */
    static final class Limiter implements RateLimiter {
        private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();

        @Override
        public Decision hit(String key, int limit, Duration window, Instant now) {
            long w = window.toSeconds();
            long start = now.getEpochSecond() / w * w;
            long n = counts.computeIfAbsent(key + "#" + start, k -> new AtomicLong()).incrementAndGet();
            if (counts.size() > CAP) counts.clear();
            return new Decision(n <= limit, n, (int) Math.max(1, start + w - now.getEpochSecond()));
        }
    }
}
