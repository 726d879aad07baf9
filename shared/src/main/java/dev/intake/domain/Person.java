package dev.intake.domain;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A contact of a workspace, identified by {@code externalId} (Customer.io's {@code id}) and/or email. */
public record Person(String workspaceId, String id, String email, String externalId, List<String> anonymousIds,
                     Map<String, Object> attributes, ConsentState consent, ConsentRecord consentRecord,
                     Instant createdAt, Instant updatedAt) {
    /** The longest id or e-mail a person can have, in UTF-8 bytes: identifiers go into storage keys, which DynamoDB limits. */
    public static final int MAX_IDENTIFIER_BYTES = 1024;

    /** Whether {@code identifier} is longer than any person's can be. */
    public static boolean identifierTooLong(String identifier) {
        return identifier != null && identifier.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_IDENTIFIER_BYTES;
    }

    public Person {
        anonymousIds = anonymousIds == null ? List.of() : List.copyOf(anonymousIds);
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    }
}
