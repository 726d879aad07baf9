package dev.intake.application;

import dev.intake.application.port.CampaignStore;
import dev.intake.domain.Campaign;
import dev.intake.domain.IntakeException;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A {@link CampaignStore} in a map, keyed by workspace and id like the real one. */
final class InMemoryCampaignStore implements CampaignStore {
    private final Map<String, Campaign> campaigns = new LinkedHashMap<>();

    private static String key(String workspaceId, String campaignId) { return workspaceId + "#" + campaignId; }

    @Override
    public void create(Campaign campaign) {
        if (campaigns.putIfAbsent(key(campaign.workspaceId(), campaign.id()), campaign) != null) {
            throw new IntakeException.Conflict("Campaign " + campaign.id() + " already exists");
        }
    }

    @Override
    public void update(Campaign campaign) {
        if (campaigns.replace(key(campaign.workspaceId(), campaign.id()), campaign) == null) throw new IntakeException.NotFound("Campaign");
    }

    @Override
    public Optional<Campaign> find(String workspaceId, String campaignId) {
        return Optional.ofNullable(campaigns.get(key(workspaceId, campaignId)));
    }

    /** Oldest first; a stable sort, so campaigns created at one instant keep their insertion order. */
    @Override
    public List<Campaign> listByWorkspace(String workspaceId) {
        return campaigns.values().stream().filter(c -> c.workspaceId().equals(workspaceId))
                .sorted(Comparator.comparing(Campaign::createdAt)).toList();
    }

    @Override
    public boolean delete(String workspaceId, String campaignId) {
        return campaigns.remove(key(workspaceId, campaignId)) != null;
    }

    int size() { return campaigns.size(); }
}
