package dev.intake.domain;

/** An event for the campaign trigger: a form submission, or a tracked event. */
public sealed interface DomainEvent permits FormSubmitted, EventTracked {
    String eventId();

    /** The wire type: {@code form.submitted} or {@code event.tracked}. */
    default String type() {
        return switch (this) {
            case FormSubmitted f -> FormSubmitted.TYPE;
            case EventTracked t -> EventTracked.TYPE;
        };
    }

    String workspaceId();

    /** The person it happened to, or null when nobody was identified. */
    String personId();
}
