package dev.intake.application;

import dev.intake.application.port.EventPublisher;
import dev.intake.domain.DomainEvent;
import dev.intake.domain.EventTracked;
import dev.intake.domain.FormSubmitted;
import java.util.ArrayList;
import java.util.List;

/** An {@link EventPublisher} that records what it was given, by kind. */
final class InMemoryEventPublisher implements EventPublisher {
    final List<FormSubmitted> published = new ArrayList<>();
    final List<EventTracked> tracked = new ArrayList<>();

    final List<String> refiredFor = new ArrayList<>();

    @Override
    public void publishFor(DomainEvent event, String campaignId) {
        refiredFor.add(campaignId);
        publish(event);
    }

    @Override
    public void publish(DomainEvent event) {
        switch (event) {
            case FormSubmitted f -> published.add(f);
            case EventTracked t -> tracked.add(t);
        }
    }
}
