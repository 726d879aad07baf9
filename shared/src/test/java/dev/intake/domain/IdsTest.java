package dev.intake.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class IdsTest {
    private static final Instant AT = Instant.parse("2025-06-01T12:00:00.123Z");

    /** Increasing instants, including each carry of a base62 digit and the far future. */
    private static final List<Instant> INCREASING = List.of(
            Instant.EPOCH,
            Instant.ofEpochMilli(1),
            Instant.ofEpochMilli(9),
            Instant.ofEpochMilli(10),
            Instant.ofEpochMilli(35),
            Instant.ofEpochMilli(36),
            Instant.ofEpochMilli(61),
            Instant.ofEpochMilli(62),
            Instant.ofEpochMilli(62L * 62 - 1),
            Instant.ofEpochMilli(62L * 62),
            Instant.parse("2001-09-09T01:46:40Z"),
            Instant.parse("2025-06-01T12:00:00.123Z"),
            Instant.parse("2025-06-01T12:00:00.124Z"),
            Instant.parse("2025-06-01T12:00:01Z"),
            Instant.parse("2100-01-01T00:00:00Z"));

    private static void assertAllMatch(Supplier<String> ids, String regex) {
        for (int i = 0; i < 50; i++) {
            String id = ids.get();
            assertTrue(id.matches(regex), id + " does not match " + regex);
        }
    }

    @Test
    void form_whenGenerated_isFrmPrefixAnd10Base62Chars() {
        assertAllMatch(Ids::form, "frm_[0-9A-Za-z]{10}");
    }

    @Test
    void field_whenGenerated_isFldPrefixAnd8Base62Chars() {
        assertAllMatch(Ids::field, "fld_[0-9A-Za-z]{8}");
    }

    @Test
    void submission_whenGenerated_isSubPrefixAnd16Base62Chars() {
        assertAllMatch(() -> Ids.submission(AT), "sub_[0-9A-Za-z]{16}");
    }

    @Test
    void apiKey_whenGenerated_isSkLivePrefixAnd32Base62Chars() {
        assertAllMatch(Ids::apiKey, "sk_live_[0-9A-Za-z]{32}");
    }

    @Test
    void trackedEvent_whenGenerated_isEvtPrefixAnd24Base62Chars() {
        assertTrue(Ids.trackedEvent("ws_1", "msg-1", AT).matches("evt_[0-9A-Za-z]{24}"));
    }

    @Test
    void trackedEvent_whenSameMessageAndTime_isTheSameId() {
        assertEquals(Ids.trackedEvent("ws_1", "msg-1", AT), Ids.trackedEvent("ws_1", "msg-1", AT));
        assertNotEquals(Ids.trackedEvent("ws_1", "msg-1", AT), Ids.trackedEvent("ws_2", "msg-1", AT));
        assertNotEquals(Ids.trackedEvent("ws_1", "msg-1", AT), Ids.trackedEvent("ws_1", "msg-2", AT));
    }

    @Test
    void otherIds_whenGenerated_haveTheirPrefixes() {
        assertTrue(Ids.workspace().matches("ws_[0-9A-Za-z]{10}"));
        assertTrue(Ids.campaign().matches("cmp_[0-9A-Za-z]{10}"));
        assertTrue(Ids.trackKey().matches("tk_[0-9A-Za-z]{32}"));
        assertTrue(Ids.writeKey().matches("wk_[0-9A-Za-z]{32}"));
        assertTrue(Ids.siteId().matches("[0-9a-f]{20}"));
    }

    @Test
    void form_whenGeneratedMany_neverRepeats() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) assertTrue(seen.add(Ids.form()));
    }

    @Test
    void submission_whenInstantsIncrease_idsCompareIncreasingAsStrings() {
        for (int i = 1; i < INCREASING.size(); i++) {
            Instant earlier = INCREASING.get(i - 1);
            Instant later = INCREASING.get(i);
            for (int n = 0; n < 20; n++) {
                String a = Ids.submission(earlier);
                String b = Ids.submission(later);
                assertTrue(a.compareTo(b) < 0, a + " (" + earlier + ") should sort before " + b + " (" + later + ")");
            }
        }
    }

    @Test
    void trackedEvent_whenInstantsIncrease_idsCompareIncreasingAsStrings() {
        for (int i = 1; i < INCREASING.size(); i++) {
            String a = Ids.trackedEvent("ws", "m", INCREASING.get(i - 1));
            String b = Ids.trackedEvent("ws", "m", INCREASING.get(i));
            assertTrue(a.compareTo(b) < 0, a + " should sort before " + b);
        }
    }

    @Test
    void submissionLowerBound_whenComparedWithIdsOfSameInstant_isNotGreater() {
        for (Instant t : INCREASING) {
            String bound = Ids.submissionLowerBound(t);
            for (int n = 0; n < 20; n++) {
                String id = Ids.submission(t);
                assertTrue(bound.compareTo(id) <= 0, bound + " should be <= " + id);
                assertTrue(id.startsWith(bound), id + " should start with " + bound);
            }
        }
    }

    @Test
    void submissionLowerBound_whenOneMillisecondLater_isAboveEveryIdOfTheEarlierInstant() {
        for (Instant t : INCREASING) {
            String nextBound = Ids.submissionLowerBound(t.plusMillis(1));
            for (int n = 0; n < 20; n++) {
                String id = Ids.submission(t);
                assertTrue(id.compareTo(nextBound) < 0, id + " should be < " + nextBound);
            }
        }
    }

    @Test
    void submissionLowerBound_whenInstantBeforeEpoch_clampsToEpoch() {
        assertEquals(Ids.submissionLowerBound(Instant.EPOCH), Ids.submissionLowerBound(Instant.ofEpochMilli(-5)));
        assertEquals("sub_00000000", Ids.submissionLowerBound(Instant.EPOCH));
    }

    @Test
    void isSubmission_whenGivenIdsOrOtherStrings_acceptsOnlySubmissionIds() {
        assertTrue(Ids.isSubmission(Ids.submission(AT)));
        assertFalse(Ids.isSubmission(null));
        assertFalse(Ids.isSubmission("sub_short"));
        assertFalse(Ids.isSubmission(Ids.submission(AT) + "x"));
        assertFalse(Ids.isSubmission(Ids.trackedEvent("ws", "m", AT)));
        assertFalse(Ids.isSubmission("sub_00000000-0000000"));
    }

    @Test
    void person_whenSameWorkspaceKindAndValue_isDeterministic() {
        String a = Ids.person("ws_1", "email", "ada@example.com");
        String b = Ids.person("ws_1", "email", "ada@example.com");

        assertEquals(a, b);
        assertTrue(a.matches("per_[0-9A-Za-z]{16}"), a);
    }

    @Test
    void person_whenWorkspacesDiffer_differs() {
        assertNotEquals(Ids.person("ws_1", "email", "ada@example.com"), Ids.person("ws_2", "email", "ada@example.com"));
    }

    @Test
    void person_whenKindOrValueDiffers_differs() {
        String email = Ids.person("ws_1", "email", "42");
        assertNotEquals(email, Ids.person("ws_1", "id", "42"));
        assertNotEquals(email, Ids.person("ws_1", "email", "43"));
    }

    @Test
    void person_whenPartsShiftAcrossBoundaries_differs() {
        // The separator keeps ("ws_1", "emailx", "y") and ("ws_1", "email", "xy") apart.
        assertNotEquals(Ids.person("ws_1", "emailx", "y"), Ids.person("ws_1", "email", "xy"));
        assertNotEquals(Ids.person("ws_1e", "mail", "x"), Ids.person("ws_1", "email", "x"));
    }

    @Test
    void sha256_whenGivenKnownVectors_returnsLowercaseHexDigest() {
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Ids.sha256("abc"));
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Ids.sha256(""));
    }

    @Test
    void sha256_whenInputIsNonAscii_hashesItsUtf8Bytes() {
        // SHA-256 of the UTF-8 bytes C3 A9 ("é"), not of the Latin-1 byte E9.
        assertEquals("4a99557e4033c3539de2eb65472017cad5f9557f7a0625a09f1c3f6e2ba69c4c", Ids.sha256("\u00e9"));
    }

    @Test
    void random_whenManyCharactersDrawn_usesEachOfThe62AboutEquallyOften() {
        String alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        String drawn = Ids.random(62 * 5_000);
        int[] counts = new int[128];
        for (char c : drawn.toCharArray()) counts[c]++;

        assertEquals(62 * 5_000, drawn.length());
        assertTrue(drawn.matches("[0-9A-Za-z]*"));
        // 5,000 expected each, with a standard deviation of about 70: 4,000 to 6,000 is never missed by chance.
        for (char c : alphabet.toCharArray()) assertTrue(counts[c] > 4_000 && counts[c] < 6_000, c + " drawn " + counts[c] + " times");
    }

    @Test
    void random_whenShort_hasTheLengthAsked() {
        assertEquals("", Ids.random(0));
        assertTrue(Ids.random(1).matches("[0-9A-Za-z]"));
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 1_000; i++) ids.add(Ids.random(8));
        assertEquals(1_000, ids.size());
    }

    @Test
    void person_whenCalledFromManyThreads_isTheSameId() throws Exception {
        String expected = Ids.person("ws_1", "email", "ada@example.com");
        var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<Boolean>> results = new java.util.ArrayList<>();
            for (int t = 0; t < 8; t++) {
                results.add(pool.submit(() -> {
                    for (int i = 0; i < 2_000; i++) if (!Ids.person("ws_1", "email", "ada@example.com").equals(expected)) return false;
                    return true;
                }));
            }
            for (var r : results) assertTrue(r.get());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void attempt_readsBackItsTime_andMakesASubmissionIdThatSortsByIt() {
        for (Instant at : List.of(Instant.EPOCH, Instant.parse("2026-11-24T04:05:06.789Z"), Instant.parse("2999-01-01T00:00:00.001Z"))) {
            String attempt = Ids.attempt(at);
            assertTrue(Ids.isAttempt(attempt), attempt);
            assertEquals(at, Ids.attemptTime(attempt));
            assertTrue(Ids.isSubmission("sub_" + attempt));
            assertTrue(("sub_" + attempt).compareTo(Ids.submissionLowerBound(at)) >= 0
                    && ("sub_" + attempt).compareTo(Ids.submissionUpperBound(at)) <= 0, attempt);
        }
        for (String notOne : new String[] {null, "", "short", "0VbrJtUKq80zfil", "0VbrJtUKq80zfil6x", "0VbrJtUK-80zfil6"}) {
            assertFalse(Ids.isAttempt(notOne), String.valueOf(notOne));
        }
    }
}
