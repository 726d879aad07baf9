package dev.intake.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A form of a workspace. {@code id} is a generated {@code frm_…} id for forms created through the API, or
 * the caller's own string for forms registered by their first submission. {@code version} guards updates.
 */
public record Form(String workspaceId, String id, String name, List<Field> fields, FormSettings settings,
                   boolean doubleOptIn, FormStatus status, Instant createdAt, Instant updatedAt, long version) {

    public static final int MAX_FIELDS = 200;

    public Form {
        fields = List.copyOf(fields);
        settings = settings == null ? FormSettings.DEFAULT : settings;
        status = status == null ? FormStatus.ACTIVE : status;
    }

    /**
     * The storage key: generated ids are globally unique, so public routes find the form by id alone;
     * caller-chosen ids are only unique within their workspace.
     */
    public String key() { return key(workspaceId, id); }

    public static String key(String workspaceId, String formId) {
        return formId.startsWith("frm_") ? formId : workspaceId + ":" + formId;
    }

    /** Finds a field by id first, then by name. */
    public Optional<Field> field(String idOrName) {
        for (Field f : fields) if (f.id().equals(idOrName)) return Optional.of(f);
        for (Field f : fields) if (f.name().equals(idOrName)) return Optional.of(f);
        return Optional.empty();
    }

    /** Fields (and so the status, see {@link #statusFor}) replaced. */
    public Form withFields(List<Field> newFields, Instant now) {
        return new Form(workspaceId, id, name, newFields, settings, doubleOptIn, statusFor(newFields), createdAt, now, version);
    }

    /** A form that has fields but none mapped to {@code email} or {@code id} cannot identify anyone. */
    public static FormStatus statusFor(List<Field> fields) {
        if (fields.isEmpty()) return FormStatus.ACTIVE;
        boolean identified = fields.stream().anyMatch(f -> f.attribute().equals("email") || f.attribute().equals("id"));
        return identified ? FormStatus.ACTIVE : FormStatus.NEEDS_MAPPING;
    }

    /** This form as first stored: version 1 (version 0 is a form that is being registered). */
    public Form registered() {
        return new Form(workspaceId, id, name, fields, settings, doubleOptIn, status, createdAt, updatedAt, 1);
    }

    public Form withAddedFields(List<Field> added, Instant now) {
        List<Field> all = new ArrayList<>(fields);
        all.addAll(added);
        return withFields(all, now);
    }
}
