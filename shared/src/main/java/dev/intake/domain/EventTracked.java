package dev.intake.domain;

import java.time.Instant;
import java.util.Map;

/**
 * The {@code event.tracked} event, one per accepted {@code track} call, for campaigns with an
 * {@code event} trigger. Its id is derived from the call's {@code messageId}, so a track call processed
 * twice triggers once.
 */
public record EventTracked(String eventId, String workspaceId, String personId, String userId, String name,
                           Map<String, Object> properties, Instant timestamp) implements DomainEvent {
    public static final String TYPE = "event.tracked";

    public EventTracked {
        properties = properties == null ? Map.of() : properties;
    }
}
