package dev.intake.domain;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A contact of a workspace, identified by {@code externalId} (Customer.io's {@code id}) and/or email. */
public record Person(String workspaceId, String id, String email, String externalId, List<String> anonymousIds,
                     Map<String, Object> attributes, ConsentState consent, ConsentRecord consentRecord,
                     Instant createdAt, Instant updatedAt) {
    public Person {
        anonymousIds = anonymousIds == null ? List.of() : List.copyOf(anonymousIds);
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    }
}
