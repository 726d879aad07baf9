package dev.intake.domain;

import java.time.Instant;
import java.util.List;

/**
 * A campaign: a trigger, and the actions it runs once for each event the trigger matches. A
 * {@code form_submitted} trigger with a null {@code formId} matches any form of the workspace; an
 * {@code event} trigger matches a tracked event by name.
 */
public record Campaign(String workspaceId, String id, String name, Trigger trigger, List<CampaignAction> actions,
                       boolean enabled, Instant createdAt, Instant updatedAt) {
    public static final int MAX_ACTIONS = 5;

    public Campaign {
        actions = List.copyOf(actions);
    }

    public record Trigger(String type, String formId, String eventName) {
        public static final String FORM_SUBMITTED = "form_submitted";
        public static final String EVENT = "event";
    }

    public boolean matches(DomainEvent event) {
        return enabled && switch (event) {
            case FormSubmitted f -> Trigger.FORM_SUBMITTED.equals(trigger.type())
                    && (trigger.formId() == null || trigger.formId().equals(f.formId()));
            case EventTracked t -> Trigger.EVENT.equals(trigger.type()) && t.name().equals(trigger.eventName());
        };
    }
}
