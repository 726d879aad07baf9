package dev.intake.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SubmissionValidatorTest {
    private static final Instant NOW = Instant.parse("2025-01-02T03:04:05Z");

    private static final Field EMAIL = field("fld_email", "email", FieldType.EMAIL, true);
    private static final Field WORK_EMAIL = field("fld_work", "work_email", FieldType.EMAIL, false);
    private static final Field NAME = field("fld_name", "name", FieldType.TEXT, true);
    private static final Field MESSAGE = field("fld_msg", "message", FieldType.TEXTAREA, false);
    private static final Field AGE = field("fld_age", "age", FieldType.NUMBER, false);
    private static final Field PLAN = new Field("fld_plan", "plan", FieldType.SELECT, "Plan", false,
            List.of("free", "pro"), null, null);
    private static final Field SIZE = new Field("fld_size", "size", FieldType.RADIO, "Size", false,
            List.of("s", "m", "l"), null, null);
    private static final Field ANY = new Field("fld_any", "any", FieldType.SELECT, "Any", false, List.of(), null, null);
    private static final Field AGREE = field("fld_agree", "agree", FieldType.CHECKBOX, false);
    private static final Field TOPICS = new Field("fld_topics", "topics", FieldType.CHECKBOX, "Topics", false,
            List.of("news", "offers", "events"), null, null);

    private static final Form FORM = form(List.of(EMAIL, WORK_EMAIL, NAME, MESSAGE, AGE, PLAN, SIZE, ANY, AGREE, TOPICS));

    private static Field field(String id, String name, FieldType type, boolean required) {
        return new Field(id, name, type, name, required, List.of(), null, null);
    }

    private static Form form(List<Field> fields) {
        return new Form("ws_1", "frm_test", "Test", fields, null, false, null, NOW, NOW, 1);
    }

    /** The required fields plus {@code extra}. */
    private static Map<String, Object> valid(Object... extra) {
        Map<String, Object> raw = new LinkedHashMap<>();
        raw.put("email", "ada@example.com");
        raw.put("name", "Ada");
        for (int i = 0; i < extra.length; i += 2) raw.put((String) extra[i], extra[i + 1]);
        return raw;
    }

    private static IntakeException.Invalid invalid(Form form, Map<String, Object> raw) {
        return assertThrows(IntakeException.Invalid.class, () -> SubmissionValidator.validate(form, raw));
    }

    @ParameterizedTest
    @ValueSource(strings = {"42", "42.0", "4.2E1", "42.000"})
    void validate_aNumberSentToAnIdField_isStoredInOneCanonicalForm(String number) {
        Field id = new Field("fld_ident001", "id", FieldType.TEXT, "id", false, List.of(), null, "id");
        var result = SubmissionValidator.validate(form(List.of(id)), Map.of("id", new BigDecimal(number)));
        assertEquals(Map.of("fld_ident001", "42"), result.data(), "one person whatever the number's spelling");
        var text = SubmissionValidator.validate(form(List.of(id)), Map.of("id", "42.0"));
        assertEquals(Map.of("fld_ident001", "42.0"), text.data(), "a string id is kept as sent");
    }

    @Test
    void validate_anUnknownKeyShapedLikeAFieldId_isRejectedNotLearned() {
        var e = invalid(FORM, valid("fld_a1B2c3D4", "x"));
        assertEquals("unknown_fields", e.code());
        assertEquals(List.of("fld_a1B2c3D4"), e.fields());
        assertEquals(1, SubmissionValidator.validate(FORM, valid("fld_short", "x")).learned().size(), "other names are learned");
    }

    @Test
    void validate_whenRequiredFieldsMissing_throwsInvalidNamingEachMissingField() {
        var e = invalid(FORM, Map.of("message", "hello"));

        assertEquals("missing_required_fields", e.code());
        assertEquals(List.of("email", "name"), e.fields());
        assertTrue(e.getMessage().contains("email") && e.getMessage().contains("name"), e.getMessage());
    }

    @Test
    void validate_whenOneRequiredFieldMissing_namesOnlyThatField() {
        var e = invalid(FORM, Map.of("email", "ada@example.com"));

        assertEquals("missing_required_fields", e.code());
        assertEquals(List.of("name"), e.fields());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "\t\n  "})
    void validate_whenRequiredValueIsBlank_treatsItAsMissing(String blank) {
        var e = invalid(FORM, valid("name", blank));

        assertEquals("missing_required_fields", e.code());
        assertEquals(List.of("name"), e.fields());
    }

    @Test
    void validate_whenOptionalValuesBlankNullOrEmptyList_leavesThemOut() {
        Map<String, Object> raw = valid("message", "   ", "topics", List.of());
        raw.put("age", null);

        var result = SubmissionValidator.validate(FORM, raw);

        assertEquals(Map.of("fld_email", "ada@example.com", "fld_name", "Ada"), result.data());
    }

    @Test
    void validate_whenValuesSentByName_keysThemByFieldId() {
        var result = SubmissionValidator.validate(FORM, valid("message", "Hi"));

        assertEquals(Map.of("fld_email", "ada@example.com", "fld_name", "Ada", "fld_msg", "Hi"), result.data());
        assertTrue(result.learned().isEmpty());
    }

    @Test
    void validate_whenValuesSentById_keysThemByFieldIdWithoutLearning() {
        var result = SubmissionValidator.validate(FORM,
                Map.of("fld_email", "ada@example.com", "fld_name", "Ada", "fld_msg", "Hi"));

        assertEquals(Map.of("fld_email", "ada@example.com", "fld_name", "Ada", "fld_msg", "Hi"), result.data());
        assertTrue(result.learned().isEmpty());
    }

    @Test
    void validate_whenIdsAndNamesMixed_keysAllByFieldId() {
        var result = SubmissionValidator.validate(FORM, Map.of("fld_email", "ada@example.com", "name", "Ada"));

        assertEquals(Map.of("fld_email", "ada@example.com", "fld_name", "Ada"), result.data());
    }

    @Test
    void validate_whenUnknownNameSent_learnsTextFieldAndKeysValueByItsId() {
        var result = SubmissionValidator.validate(FORM, valid("utm_source", "newsletter"));

        assertEquals(1, result.learned().size());
        Field learned = result.learned().get(0);
        assertEquals("utm_source", learned.name());
        assertEquals("utm_source", learned.attribute());
        assertEquals(FieldType.TEXT, learned.type());
        assertFalse(learned.required());
        assertTrue(learned.id().matches("fld_[0-9A-Za-z]{8}"), learned.id());
        assertEquals("newsletter", result.data().get(learned.id()));
        assertFalse(result.data().containsKey("utm_source"));
    }

    @Test
    void validate_whenFormHasNoFields_learnsEveryName() {
        var result = SubmissionValidator.validate(form(List.of()), Map.of("a", "1", "b", "2"));

        assertEquals(2, result.learned().size());
        assertEquals(2, result.data().size());
        for (Field f : result.learned()) assertTrue(result.data().containsKey(f.id()));
    }

    @Test
    void validate_whenEmailValid_storesItTrimmed() {
        var result = SubmissionValidator.validate(FORM, valid("email", "  Ada@Example.com "));

        assertEquals("Ada@Example.com", result.data().get("fld_email"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ada", "ada@", "@example.com", "ada@example", "ada lovelace@example.com", "a@b@c.com"})
    void validate_whenEmailMalformed_throwsInvalidFieldValuesNamingField(String email) {
        var e = invalid(FORM, valid("work_email", email));

        assertEquals("invalid_field_values", e.code());
        assertEquals(List.of("work_email"), e.fields());
    }

    @Test
    void validate_whenNumberSentAsText_storesBigDecimal() {
        var result = SubmissionValidator.validate(FORM, valid("age", " 42.5 "));

        assertEquals(new BigDecimal("42.5"), result.data().get("fld_age"));
    }

    @Test
    void validate_whenNumberSentAsNumber_storesItUnchanged() {
        var result = SubmissionValidator.validate(FORM, valid("age", new BigDecimal("7")));

        assertEquals(new BigDecimal("7"), result.data().get("fld_age"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"forty", "4 2", "1,5", "NaN"})
    void validate_whenNumberNotNumeric_throwsInvalidNamingField(String value) {
        var e = invalid(FORM, valid("age", value));

        assertEquals("invalid_field_values", e.code());
        assertEquals(List.of("age"), e.fields());
    }

    @Test
    void validate_whenSelectValueIsAnOption_storesIt() {
        var result = SubmissionValidator.validate(FORM, valid("plan", "pro", "size", "m"));

        assertEquals("pro", result.data().get("fld_plan"));
        assertEquals("m", result.data().get("fld_size"));
    }

    @Test
    void validate_whenSelectValueNotAnOption_throwsInvalidNamingField() {
        var e = invalid(FORM, valid("plan", "enterprise"));

        assertEquals("invalid_field_values", e.code());
        assertEquals(List.of("plan"), e.fields());
        assertTrue(e.getMessage().contains("enterprise"), e.getMessage());
    }

    @Test
    void validate_whenRadioValueNotAnOption_throwsInvalidNamingField() {
        var e = invalid(FORM, valid("size", "xl"));

        assertEquals(List.of("size"), e.fields());
    }

    @Test
    void validate_whenSelectGetsAList_throwsInvalid() {
        var e = invalid(FORM, valid("plan", List.of("free", "pro")));

        assertEquals("invalid_field_values", e.code());
        assertEquals(List.of("plan"), e.fields());
    }

    @Test
    void validate_whenSelectHasNoOptions_acceptsAnyValue() {
        var result = SubmissionValidator.validate(FORM, valid("any", "whatever"));

        assertEquals("whatever", result.data().get("fld_any"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"true", "on", "YES", "1"})
    void validate_whenCheckboxWithoutOptionsIsTruthy_storesTrue(String value) {
        var result = SubmissionValidator.validate(FORM, valid("agree", value));

        assertEquals(Boolean.TRUE, result.data().get("fld_agree"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"false", "off", "no", "0"})
    void validate_whenCheckboxWithoutOptionsIsFalsy_storesFalse(String value) {
        var result = SubmissionValidator.validate(FORM, valid("agree", value));

        assertEquals(Boolean.FALSE, result.data().get("fld_agree"));
    }

    @Test
    void validate_whenCheckboxWithoutOptionsGetsBoolean_storesIt() {
        var result = SubmissionValidator.validate(FORM, valid("agree", false));

        assertEquals(Boolean.FALSE, result.data().get("fld_agree"));
    }

    @Test
    void validate_whenCheckboxWithoutOptionsGetsOtherText_throwsInvalid() {
        var e = invalid(FORM, valid("agree", "maybe"));

        assertEquals(List.of("agree"), e.fields());
    }

    @Test
    void validate_whenCheckboxWithOptionsGetsListOfOptions_storesTheList() {
        var result = SubmissionValidator.validate(FORM, valid("topics", List.of("news", "events")));

        assertEquals(List.of("news", "events"), result.data().get("fld_topics"));
    }

    @Test
    void validate_whenCheckboxWithOptionsGetsSingleOption_storesOneElementList() {
        var result = SubmissionValidator.validate(FORM, valid("topics", "offers"));

        assertEquals(List.of("offers"), result.data().get("fld_topics"));
    }

    @Test
    void validate_whenCheckboxWithOptionsGetsUnknownOption_throwsInvalid() {
        var e = invalid(FORM, valid("topics", List.of("news", "spam")));

        assertEquals("invalid_field_values", e.code());
        assertEquals(List.of("topics"), e.fields());
        assertTrue(e.getMessage().contains("spam"), e.getMessage());
    }

    @Test
    void validate_whenSeveralValuesInvalid_namesEveryOne() {
        var e = invalid(FORM, valid("work_email", "nope", "age", "old", "plan", "gold"));

        assertEquals("invalid_field_values", e.code());
        assertEquals(List.of("work_email", "age", "plan"), e.fields());
    }

    @Test
    void validate_whenValueExactly10KB_acceptsIt() {
        String max = "a".repeat(SubmissionValidator.MAX_VALUE_BYTES);

        var result = SubmissionValidator.validate(FORM, valid("message", max));

        assertEquals(max, result.data().get("fld_msg"));
    }

    @Test
    void validate_whenValueOver10KB_throwsTooLarge() {
        String tooLong = "a".repeat(SubmissionValidator.MAX_VALUE_BYTES + 1);

        var e = assertThrows(IntakeException.TooLarge.class,
                () -> SubmissionValidator.validate(FORM, valid("message", tooLong)));

        assertEquals("payload_too_large", e.code());
        assertTrue(e.getMessage().contains("message"), e.getMessage());
    }

    @Test
    void validate_whenListValuesTogetherOver10KB_throwsTooLarge() {
        String half = "n".repeat(SubmissionValidator.MAX_VALUE_BYTES / 2 + 1);

        assertThrows(IntakeException.TooLarge.class,
                () -> SubmissionValidator.validate(FORM, valid("tags", List.of(half, half))));
    }

    @Test
    void validate_whenMoreThan200FieldsSent_throwsInvalidTooManyFields() {
        Map<String, Object> raw = valid();
        for (int i = 0; raw.size() <= Form.MAX_FIELDS; i++) raw.put("extra" + i, "x");

        var e = invalid(FORM, raw);

        assertEquals("too_many_fields", e.code());
    }

    @Test
    void validate_whenExactly200FieldsSent_acceptsThem() {
        Map<String, Object> raw = new HashMap<>();
        for (int i = 0; i < Form.MAX_FIELDS; i++) raw.put("f" + i, "x");

        var result = SubmissionValidator.validate(form(List.of()), raw);

        assertEquals(Form.MAX_FIELDS, result.data().size());
    }

    @Test
    void validate_whenLearnedFieldsWouldPushFormOver200_throwsInvalidTooManyFields() {
        List<Field> fields = new ArrayList<>();
        for (int i = 0; i < Form.MAX_FIELDS - 1; i++) fields.add(field("fld_" + i, "f" + i, FieldType.TEXT, false));

        var e = invalid(form(fields), Map.of("new1", "x", "new2", "y"));

        assertEquals("too_many_fields", e.code());
    }

    @Test
    void validate_whenValueIsNestedObject_throwsInvalidNamingField() {
        var e = invalid(FORM, valid("message", Map.of("nested", "object")));

        assertEquals("invalid_field_values", e.code());
        assertEquals(List.of("message"), e.fields());
    }

    @Test
    void validate_whenListHoldsNonStrings_throwsInvalidNamingField() {
        var e = invalid(FORM, valid("topics", List.of("news", Map.of("a", "b"))));

        assertEquals("invalid_field_values", e.code());
        assertEquals(List.of("topics"), e.fields());
    }

    @Test
    void validate_whenValueIsUnsupportedJavaType_throwsInvalid() {
        var e = invalid(FORM, valid("message", new Object()));

        assertEquals(List.of("message"), e.fields());
    }

    @ParameterizedTest
    @ValueSource(strings = {"1e999999999", "1e200", "1e-200", "123456789012345678901234567890123456789"})
    void validate_whenNumberIsOutsideWhatDynamoDbStores_throwsInvalidInsteadOfCrashing(String number) {
        var e = invalid(FORM, valid("age", new BigDecimal(number)));
        assertEquals("invalid_field_values", e.code());
        assertEquals(List.of("age"), e.fields());
        var asText = invalid(FORM, valid("message", new BigDecimal(number)));
        assertEquals(List.of("message"), asText.fields());
    }

    @Test
    void validate_whenNumberIsSentToTextField_keepsItsPlainDigits() {
        var r = SubmissionValidator.validate(FORM, valid("message", new BigDecimal("100.0")));
        assertEquals("100.0", r.data().get("fld_msg"));
    }

    @Test
    void validate_whenRequiredFieldHasInvalidValue_reportsItInvalidNotMissing() {
        var e = invalid(FORM, Map.of("email", "ada@", "name", "Ada"));
        assertEquals("invalid_field_values", e.code());
        assertEquals(List.of("email"), e.fields());
    }

    @Test
    void validate_whenUnknownNameHasEmptyValue_learnsNothing() {
        var r = SubmissionValidator.validate(FORM, valid("utm", "", "ref", "x"));
        assertEquals(List.of("ref"), r.learned().stream().map(Field::name).toList());
    }

    @Test
    void validate_whenValueIsOverTenKilobytesInUtf8_throwsTooLarge() {
        String multiByte = "\u00e9".repeat(SubmissionValidator.MAX_VALUE_BYTES / 2 + 1);
        assertThrows(IntakeException.TooLarge.class, () -> SubmissionValidator.validate(FORM, valid("message", multiByte)));
    }
}
