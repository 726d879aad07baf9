package dev.intake.adapter.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.intake.application.port.CampaignStore;
import dev.intake.domain.Campaign;
import dev.intake.domain.CampaignAction;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RecentCampaignsTest {
    private final AtomicLong nanos = new AtomicLong();
    private final CountingStore store = new CountingStore();
    private final RecentCampaigns recent = new RecentCampaigns(store, nanos::get);

    @Test
    void listRecent_withinTheTtl_readsTheStoreOnce() {
        store.campaigns.add(campaign("ws_a", "cmp_1"));
        assertEquals(1, recent.listRecent("ws_a").size());
        nanos.addAndGet(RecentCampaigns.TTL.minusMillis(1).toNanos());
        assertEquals(1, recent.listRecent("ws_a").size());
        assertEquals(1, store.lists);
    }

    @Test
    void listRecent_afterTheTtl_readsAgainAndSeesAnotherContainersChange() {
        recent.listRecent("ws_a");
        store.campaigns.add(campaign("ws_a", "cmp_1")); // written elsewhere: not seen until the entry expires
        assertEquals(0, recent.listRecent("ws_a").size());
        nanos.addAndGet(RecentCampaigns.TTL.toNanos());
        assertEquals(1, recent.listRecent("ws_a").size());
        assertEquals(2, store.lists);
    }

    @Test
    void createUpdateDelete_throughThisInstance_areSeenAtOnce() {
        recent.listRecent("ws_a");
        recent.create(campaign("ws_a", "cmp_1"));
        assertEquals(1, recent.listRecent("ws_a").size());
        recent.update(campaign("ws_a", "cmp_1"));
        recent.listRecent("ws_a");
        recent.delete("ws_a", "cmp_1");
        assertEquals(0, recent.listRecent("ws_a").size());
        assertEquals(4, store.lists);
    }

    @Test
    void listRecent_keepsWorkspacesApart_andManagementListsAlwaysReadTheStore() {
        store.campaigns.add(campaign("ws_a", "cmp_1"));
        assertEquals(0, recent.listRecent("ws_b").size());
        assertEquals(1, recent.listRecent("ws_a").size());
        recent.listByWorkspace("ws_a");
        recent.listByWorkspace("ws_a");
        assertEquals(4, store.lists);
    }

    private static Campaign campaign(String ws, String id) {
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        return new Campaign(ws, id, "C", new Campaign.Trigger(Campaign.Trigger.FORM_SUBMITTED, null, null),
                List.of(new CampaignAction.Webhook("https://hooks.example.com/x", "whsec_x")), true, t, t);
    }

    private static final class CountingStore implements CampaignStore {
        final List<Campaign> campaigns = new ArrayList<>();
        int lists;

        @Override public void create(Campaign c) { campaigns.add(c); }
        @Override public void update(Campaign c) { campaigns.removeIf(x -> x.id().equals(c.id())); campaigns.add(c); }
        @Override public Optional<Campaign> find(String ws, String id) {
            return campaigns.stream().filter(c -> c.workspaceId().equals(ws) && c.id().equals(id)).findFirst();
        }
        @Override public List<Campaign> listByWorkspace(String ws) {
            lists++;
            return campaigns.stream().filter(c -> c.workspaceId().equals(ws)).toList();
        }
        @Override public boolean delete(String ws, String id) { return campaigns.removeIf(c -> c.id().equals(id)); }
    }
}
