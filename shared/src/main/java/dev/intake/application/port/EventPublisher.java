package dev.intake.application.port;

import dev.intake.domain.DomainEvent;

/** Hands events to the campaign trigger. */
public interface EventPublisher {
    void publish(DomainEvent event);
}
