package dev.intake.application.port;

import dev.intake.domain.DomainEvent;

/** Writes an event as its wire envelope: the body a webhook receives, the same JSON the queue carries. */
@FunctionalInterface
public interface EventEncoder {
    byte[] encode(DomainEvent event);
}
