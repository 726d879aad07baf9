package dev.intake.domain;

/** An event for the campaign trigger: a form submission, or a tracked event. */
public sealed interface DomainEvent permits FormSubmitted, EventTracked {
    String eventId();

    String workspaceId();

    /** The person it happened to, or null when nobody was identified. */
    String personId();
}
