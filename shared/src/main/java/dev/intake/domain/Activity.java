package dev.intake.domain;

import java.time.Instant;
import java.util.Map;

/** A track, page or screen call kept on a person for the retention period. */
public record Activity(String workspaceId, String personId, String messageId, String type, String event, String name,
                       Map<String, Object> properties, Map<String, Object> context, Instant timestamp) {
    public Activity {
        properties = properties == null ? Map.of() : properties;
        context = context == null ? Map.of() : context;
    }
}
