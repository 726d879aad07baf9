package dev.intake.application;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.intake.application.ManageForms.FieldDraft;
import dev.intake.application.ManageForms.FormDraft;
import dev.intake.application.ManageForms.FormList;
import dev.intake.application.ManageForms.FormPatch;
import dev.intake.application.ManageForms.FormView;
import dev.intake.domain.Field;
import dev.intake.domain.FieldType;
import dev.intake.domain.Form;
import dev.intake.domain.FormSettings;
import dev.intake.domain.FormStatus;
import dev.intake.domain.IntakeException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ManageFormsTest {
    private static final String WS = "ws_a";
    private static final String OTHER_WS = "ws_b";
    private static final Instant NOW = Instant.parse("2025-03-04T05:06:07Z");

    private final InMemoryFormStore store = new InMemoryFormStore();
    private final ManageForms forms = new ManageForms(store, Clock.fixed(NOW, ZoneOffset.UTC));

    private static FieldDraft field(String name, String type) {
        return new FieldDraft(null, name, type, null, null, null, null, null);
    }

    private static FormDraft draft(String name, FieldDraft... fields) {
        return new FormDraft(name, List.of(fields), null, null);
    }

    private FormView contactForm(String ws) {
        return forms.create(ws, draft("Contact", field("email", "email"),
                new FieldDraft(null, "name", null, "Your name", true, null, "Ada", null)));
    }

    private static IntakeException.Invalid invalid(Runnable r) {
        return assertThrows(IntakeException.Invalid.class, r::run);
    }

    @Test
    void create_whenDraftValid_assignsFrmIdAndFldIdsAndStoresForm() {
        FormView view = contactForm(WS);
        Form form = view.form();

        assertTrue(form.id().matches("frm_[0-9A-Za-z]{10}"), form.id());
        assertEquals(2, form.fields().size());
        for (Field f : form.fields()) assertTrue(f.id().matches("fld_[0-9A-Za-z]{8}"), f.id());
        assertNotEquals(form.fields().get(0).id(), form.fields().get(1).id());
        assertEquals(WS, form.workspaceId());
        assertEquals("Contact", form.name());
        assertEquals(NOW, form.createdAt());
        assertEquals(0, view.submissions());
        assertEquals(form, store.find(form.id()).orElseThrow());
    }

    @Test
    void create_whenFieldDraftsGiven_keepsTheirDetailsAndDefaults() {
        Form form = contactForm(WS).form();
        Field email = form.field("email").orElseThrow();
        Field name = form.field("name").orElseThrow();

        assertEquals(FieldType.EMAIL, email.type());
        assertEquals("email", email.label());
        assertEquals("email", email.attribute());
        assertFalse(email.required());
        assertEquals(FieldType.TEXT, name.type());
        assertEquals("Your name", name.label());
        assertEquals("Ada", name.placeholder());
        assertTrue(name.required());
    }

    @Test
    void create_whenNameTrimmedAndSettingsGiven_keepsThem() {
        var settings = new FormSettings("https://example.com/thanks", "Thanks!", List.of("https://example.com"), null, "hp", null);

        Form form = forms.create(WS, new FormDraft("  Signup  ", List.of(field("email", "email")), settings, true)).form();

        assertEquals("Signup", form.name());
        assertEquals(settings, form.settings());
        assertTrue(form.doubleOptIn());
    }

    @Test
    void create_whenAFieldMapsToEmail_isActive() {
        assertEquals(FormStatus.ACTIVE, contactForm(WS).form().status());
    }

    @Test
    void create_whenNoFieldMapsToAnIdentifier_needsMapping() {
        Form form = forms.create(WS, draft("Survey", field("e_mail", "email"), field("comment", "textarea"))).form();

        assertEquals(FormStatus.NEEDS_MAPPING, form.status());
    }

    @Test
    void create_whenNoFields_isActive() {
        assertEquals(FormStatus.ACTIVE, forms.create(WS, draft("Empty")).form().status());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   "})
    void create_whenNameBlank_throwsInvalidMissingName(String name) {
        var e = invalid(() -> forms.create(WS, draft(name, field("email", "email"))));

        assertEquals("missing_name", e.code());
        assertEquals(List.of("name"), e.fields());
        assertEquals(0, store.size());
    }

    @Test
    void create_whenNameNull_throwsInvalidMissingName() {
        var e = invalid(() -> forms.create(WS, new FormDraft(null, null, null, null)));

        assertEquals("missing_name", e.code());
    }

    @ParameterizedTest
    @ValueSource(strings = {"select", "radio"})
    void create_whenChoiceFieldHasNoOptions_throwsInvalidMissingOptions(String type) {
        var e = invalid(() -> forms.create(WS, draft("F", field("plan", type))));

        assertEquals("missing_options", e.code());
        assertEquals(List.of("plan"), e.fields());
        assertEquals(0, store.size());
    }

    @Test
    void create_whenSelectHasOptions_keepsThem() {
        Form form = forms.create(WS, draft("F",
                new FieldDraft(null, "plan", "select", null, null, List.of("free", "pro"), null, null))).form();

        assertEquals(List.of("free", "pro"), form.field("plan").orElseThrow().options());
    }

    @Test
    void create_whenFieldNamesRepeat_throwsInvalidDuplicateField() {
        var e = invalid(() -> forms.create(WS, draft("F", field("email", "email"), field("email", "text"))));

        assertEquals("duplicate_field", e.code());
        assertTrue(e.getMessage().contains("email"), e.getMessage());
        assertEquals(0, store.size());
    }

    @Test
    void create_whenFieldHasNoName_throwsInvalidField() {
        var e = invalid(() -> forms.create(WS, draft("F", field(" ", "text"))));

        assertEquals("invalid_field", e.code());
    }

    @Test
    void create_whenFieldTypeUnknown_throwsInvalidFieldType() {
        var e = invalid(() -> forms.create(WS, draft("F", field("x", "colour"))));

        assertEquals("invalid_field_type", e.code());
    }

    @Test
    void list_whenPaged_returnsSliceTotalAndTotalPages() {
        for (int i = 0; i < 5; i++) forms.create(WS, draft("Form " + i));
        forms.create(OTHER_WS, draft("Not mine"));

        FormList first = forms.list(WS, 1, 2);
        FormList last = forms.list(WS, 3, 2);
        FormList beyond = forms.list(WS, 4, 2);

        assertEquals(2, first.data().size());
        assertEquals(1, first.page());
        assertEquals(2, first.limit());
        assertEquals(5, first.total());
        assertEquals(3, first.totalPages());
        assertEquals(List.of("Form 4", "Form 3"), first.data().stream().map(v -> v.form().name()).toList());
        assertEquals(List.of("Form 0"), last.data().stream().map(v -> v.form().name()).toList());
        assertTrue(beyond.data().isEmpty());
        assertEquals(5, beyond.total());
    }

    @Test
    void list_whenNoPageOrLimitGiven_usesPage1AndDefaultLimit() {
        forms.create(WS, draft("Only"));

        FormList list = forms.list(WS, null, null);

        assertEquals(1, list.page());
        assertEquals(ManageForms.DEFAULT_LIMIT, list.limit());
        assertEquals(1, list.total());
        assertEquals(1, list.totalPages());
    }

    @Test
    void list_whenWorkspaceHasNoForms_returnsZeroTotalAndPages() {
        forms.create(OTHER_WS, draft("Not mine"));

        FormList list = forms.list(WS, 1, 10);

        assertTrue(list.data().isEmpty());
        assertEquals(0, list.total());
        assertEquals(0, list.totalPages());
    }

    @Test
    void list_whenFormsHaveSubmissions_includesTheirCounts() {
        Form a = forms.create(WS, draft("A")).form();
        Form b = forms.create(WS, draft("B")).form();
        store.addToCount(a, 3, null);

        FormList list = forms.list(WS, 1, 10);

        assertEquals(3, list.data().stream().filter(v -> v.form().id().equals(a.id())).findFirst().orElseThrow().submissions());
        assertEquals(0, list.data().stream().filter(v -> v.form().id().equals(b.id())).findFirst().orElseThrow().submissions());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 101})
    void list_whenLimitOutOfBounds_throwsInvalidLimit(int limit) {
        var e = invalid(() -> forms.list(WS, 1, limit));

        assertEquals("invalid_limit", e.code());
        assertEquals(List.of("limit"), e.fields());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 100})
    void list_whenLimitAtBounds_isAccepted(int limit) {
        assertEquals(limit, forms.list(WS, 1, limit).limit());
    }

    @Test
    void list_whenPageBelowOne_throwsInvalidPage() {
        var e = invalid(() -> forms.list(WS, 0, 10));

        assertEquals("invalid_page", e.code());
    }

    @Test
    void list_whenPageHuge_returnsEmptyPageWithoutOverflow() {
        forms.create(WS, draft("A"));

        FormList list = forms.list(WS, Integer.MAX_VALUE, 100);

        assertTrue(list.data().isEmpty());
        assertEquals(1, list.total());
    }

    @Test
    void get_whenFormOfThisWorkspace_returnsItWithCount() {
        Form form = contactForm(WS).form();
        store.addToCount(form, 2, null);

        FormView view = forms.get(WS, form.id());

        assertEquals(form, view.form());
        assertEquals(2, view.submissions());
    }

    @Test
    void get_whenFormOfAnotherWorkspace_throwsNotFound() {
        Form theirs = contactForm(OTHER_WS).form();

        assertThrows(IntakeException.NotFound.class, () -> forms.get(WS, theirs.id()));
    }

    @Test
    void get_whenFormUnknown_throwsNotFound() {
        assertThrows(IntakeException.NotFound.class, () -> forms.get(WS, "frm_doesnotexist"));
        assertThrows(IntakeException.NotFound.class, () -> forms.get(WS, "my-own-id"));
    }

    @Test
    void delete_whenFormOfAnotherWorkspace_throwsNotFoundAndKeepsIt() {
        Form theirs = contactForm(OTHER_WS).form();

        assertThrows(IntakeException.NotFound.class, () -> forms.delete(WS, theirs.id()));
        assertTrue(store.find(theirs.id()).isPresent());
    }

    @Test
    void delete_whenFormOfThisWorkspace_removesIt() {
        Form mine = contactForm(WS).form();

        forms.delete(WS, mine.id());

        assertTrue(store.find(mine.id()).isEmpty());
        assertThrows(IntakeException.NotFound.class, () -> forms.get(WS, mine.id()));
    }

    @Test
    void patch_whenFieldRemappedToEmail_changesAttributeAndBecomesActive() {
        Form form = forms.create(WS, draft("Survey", field("e_mail", "email"), field("comment", "textarea"))).form();
        assertEquals(FormStatus.NEEDS_MAPPING, form.status());
        String fieldId = form.field("e_mail").orElseThrow().id();

        FormView patched = forms.patch(WS, form.id(), new FormPatch(null,
                List.of(new FieldDraft(fieldId, null, null, null, null, null, null, "email")), null, null));

        Field remapped = patched.form().field(fieldId).orElseThrow();
        assertEquals("email", remapped.attribute());
        assertEquals("e_mail", remapped.name());
        assertEquals(FieldType.EMAIL, remapped.type());
        assertEquals(FormStatus.ACTIVE, patched.form().status());
        assertEquals(2, patched.form().fields().size());
        assertEquals(patched.form(), store.find(form.id()).orElseThrow());
    }

    @Test
    void patch_whenEmailRemappedAway_needsMapping() {
        Form form = contactForm(WS).form();

        FormView patched = forms.patch(WS, form.id(), new FormPatch(null,
                List.of(new FieldDraft(null, "email", null, null, null, null, null, "work_email")), null, null));

        assertEquals("work_email", patched.form().field("email").orElseThrow().attribute());
        assertEquals(FormStatus.NEEDS_MAPPING, patched.form().status());
    }

    @Test
    void patch_whenFieldMatchedByName_keepsItsIdAndChangesOnlyGivenParts() {
        Form form = contactForm(WS).form();
        Field before = form.field("name").orElseThrow();

        Form patched = forms.patch(WS, form.id(), new FormPatch(null,
                List.of(new FieldDraft(null, "name", null, "Full name", false, null, null, null)), null, null)).form();

        Field after = patched.field("name").orElseThrow();
        assertEquals(before.id(), after.id());
        assertEquals("Full name", after.label());
        assertFalse(after.required());
        assertEquals(before.placeholder(), after.placeholder());
        assertEquals(before.type(), after.type());
    }

    @Test
    void patch_whenNewFieldListed_addsItWithAnId() {
        Form form = contactForm(WS).form();

        Form patched = forms.patch(WS, form.id(), new FormPatch(null, List.of(field("phone", "tel")), null, null)).form();

        assertEquals(3, patched.fields().size());
        Field phone = patched.field("phone").orElseThrow();
        assertTrue(phone.id().matches("fld_[0-9A-Za-z]{8}"));
        assertEquals(FieldType.TEL, phone.type());
    }

    @Test
    void patch_whenOnlyNameAndDoubleOptInGiven_keepsFieldsAndSettings() {
        var settings = new FormSettings("https://example.com/ok", null, List.of(), List.of(), null, null);
        Form form = forms.create(WS, new FormDraft("Old", List.of(field("email", "email")), settings, false)).form();

        Form patched = forms.patch(WS, form.id(), new FormPatch(" New ", null, null, true)).form();

        assertEquals("New", patched.name());
        assertTrue(patched.doubleOptIn());
        assertEquals(form.fields(), patched.fields());
        assertEquals(settings, patched.settings());
        assertEquals(form.createdAt(), patched.createdAt());
    }

    @Test
    void patch_whenUnknownFieldId_throwsInvalidUnknownField() {
        Form form = contactForm(WS).form();

        var e = invalid(() -> forms.patch(WS, form.id(), new FormPatch(null,
                List.of(new FieldDraft("fld_nope0000", null, null, null, null, null, null, "email")), null, null)));

        assertEquals("unknown_field", e.code());
    }

    @Test
    void patch_whenTypeBecomesSelectWithoutOptions_throwsInvalidAndKeepsForm() {
        Form form = contactForm(WS).form();

        var e = invalid(() -> forms.patch(WS, form.id(), new FormPatch(null,
                List.of(new FieldDraft(null, "name", "select", null, null, null, null, null)), null, null)));

        assertEquals("missing_options", e.code());
        assertEquals(form, store.find(form.id()).orElseThrow());
    }

    @Test
    void patch_whenNameBlank_throwsInvalidMissingName() {
        Form form = contactForm(WS).form();

        var e = invalid(() -> forms.patch(WS, form.id(), new FormPatch("  ", null, null, null)));

        assertEquals("missing_name", e.code());
    }

    @Test
    void patch_whenFormOfAnotherWorkspace_throwsNotFoundAndKeepsIt() {
        Form theirs = contactForm(OTHER_WS).form();

        assertThrows(IntakeException.NotFound.class,
                () -> forms.patch(WS, theirs.id(), new FormPatch("Mine now", null, null, null)));
        assertEquals("Contact", store.find(theirs.id()).orElseThrow().name());
    }

    @Test
    void load_whenCallerChosenIdInAnotherWorkspace_throwsNotFound() {
        Form theirs = new Form(OTHER_WS, "newsletter", "Newsletter", List.of(), null, false, null, NOW, NOW, 1);
        store.create(theirs);

        assertThrows(IntakeException.NotFound.class, () -> forms.load(WS, "newsletter"));
        assertEquals(theirs, forms.load(OTHER_WS, "newsletter"));
    }
}
