package dev.intake.application.port;

import dev.intake.domain.FormSubmitted;

/** Hands events to the campaign trigger. */
public interface EventPublisher {
    void publish(FormSubmitted event);
}
