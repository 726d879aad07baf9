package dev.intake.application.port;

import dev.intake.domain.Campaign;
import dev.intake.domain.DomainEvent;
import java.util.List;

/** Campaigns and the record of which campaigns each event triggered. */
public interface CampaignStore {
    void save(Campaign campaign);

    List<Campaign> listByWorkspace(String workspaceId);

    /**
     * Records that {@code event} matched {@code campaignIds}. Returns false, and changes nothing, when
     * the event was already recorded, so a redelivered message causes no second effect.
     */
    boolean recordTrigger(DomainEvent event, List<String> campaignIds);
}
