package dev.intake.adapter.cache;

import dev.intake.application.port.CampaignStore;
import dev.intake.domain.Campaign;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Keeps each workspace's campaigns, as {@link #listRecent} found them, for {@link #TTL}, per container: the
 * campaign trigger then queries them once every half minute per workspace, not once per event. Every other
 * call goes to the store, and this instance's own writes forget the workspace at once. A campaign created or
 * paused through the campaigns function (another container, on AWS) applies to events within {@link #TTL}.
 */
public final class RecentCampaigns implements CampaignStore {
    public static final Duration TTL = Duration.ofSeconds(30);

    private final CampaignStore store;
    private final Expiring<String, List<Campaign>> recent;

    public RecentCampaigns(CampaignStore store) {
        this(store, System::nanoTime);
    }

    RecentCampaigns(CampaignStore store, LongSupplier nanoTime) {
        this.store = store;
        this.recent = new Expiring<>(TTL, 10_000, nanoTime);
    }

    @Override
    public List<Campaign> listRecent(String workspaceId) {
        return recent.get(workspaceId, ws -> Optional.of(store.listRecent(ws))).orElseThrow();
    }

    @Override
    public void create(Campaign campaign) {
        try {
            store.create(campaign);
        } finally {
            recent.invalidate(campaign.workspaceId());
        }
    }

    @Override
    public void update(Campaign campaign) {
        try {
            store.update(campaign);
        } finally {
            recent.invalidate(campaign.workspaceId());
        }
    }

    @Override
    public Optional<Campaign> find(String workspaceId, String campaignId) {
        return store.find(workspaceId, campaignId);
    }

    @Override
    public List<Campaign> listByWorkspace(String workspaceId) {
        return store.listByWorkspace(workspaceId);
    }

    @Override
    public boolean delete(String workspaceId, String campaignId) {
        try {
            return store.delete(workspaceId, campaignId);
        } finally {
            recent.invalidate(workspaceId);
        }
    }
}
