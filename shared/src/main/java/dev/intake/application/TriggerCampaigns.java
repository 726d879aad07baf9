package dev.intake.application;

import dev.intake.application.port.CampaignStore;
import dev.intake.domain.Campaign;
import dev.intake.domain.FormSubmitted;
import java.util.List;

/** Finds the campaigns an event triggers and records the match once per event. */
public final class TriggerCampaigns {
    private final CampaignStore campaigns;

    /** {@code firstDelivery} is false when this event was handled before (a redelivery). */
    public record Outcome(List<String> matchedCampaignIds, boolean firstDelivery) {}

    public TriggerCampaigns(CampaignStore campaigns) {
        this.campaigns = campaigns;
    }

    public Outcome handle(FormSubmitted event) {
        List<String> matched = campaigns.listByWorkspace(event.workspaceId()).stream()
                .filter(c -> c.matches(event))
                .map(Campaign::id)
                .toList();
        boolean first = campaigns.recordTrigger(event, matched);
        return new Outcome(matched, first);
    }
}
