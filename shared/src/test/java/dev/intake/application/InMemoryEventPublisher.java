package dev.intake.application;

import dev.intake.application.port.EventPublisher;
import dev.intake.domain.FormSubmitted;
import java.util.ArrayList;
import java.util.List;

/** An {@link EventPublisher} that records what it was given. */
final class InMemoryEventPublisher implements EventPublisher {
    final List<FormSubmitted> published = new ArrayList<>();

    @Override
    public void publish(FormSubmitted event) {
        published.add(event);
    }
}
