package dev.intake.application.port;

import dev.intake.domain.DomainEvent;

/** Hands events to the campaign trigger. */
public interface EventPublisher {
    void publish(DomainEvent event);

    /** Hands {@code event} to the campaign trigger again, for campaign {@code campaignId} only (a re-fired delivery). */
    void publishFor(DomainEvent event, String campaignId);
}
