package dev.intake.application.port;

import dev.intake.domain.Campaign;
import java.util.List;
import java.util.Optional;

/** A workspace's campaigns. */
public interface CampaignStore {
    /** Creates a campaign; throws {@code Conflict} if its id exists. */
    void create(Campaign campaign);

    /** Replaces an existing campaign; throws {@code NotFound} if it does not exist. */
    void update(Campaign campaign);

    Optional<Campaign> find(String workspaceId, String campaignId);

    /** Every campaign of the workspace, oldest first. */
    List<Campaign> listByWorkspace(String workspaceId);

    /**
     * The workspace's campaigns for matching events: as {@link #listByWorkspace}, but a change of the last
     * half minute may not be seen yet (the store may keep the list per container).
     */
    default List<Campaign> listRecent(String workspaceId) {
        return listByWorkspace(workspaceId);
    }

    /** Removes the campaign; true when it existed. */
    boolean delete(String workspaceId, String campaignId);
}
