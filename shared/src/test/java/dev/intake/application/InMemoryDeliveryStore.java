package dev.intake.application;

import dev.intake.application.port.DeliveryStore;
import dev.intake.domain.Delivery;
import dev.intake.domain.DomainEvent;
import dev.intake.domain.IntakeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A {@link DeliveryStore} in sorted maps, one per (workspace, campaign) keyed by event id like the real
 * table's partition, with the same claim, lease and requeue conditions.
 */
final class InMemoryDeliveryStore implements DeliveryStore {
    private final Map<String, NavigableMap<String, Delivery>> partitions = new HashMap<>();

    private static String pk(String workspaceId, String campaignId) { return workspaceId + "#" + campaignId; }

    private NavigableMap<String, Delivery> partition(String workspaceId, String campaignId) {
        return partitions.computeIfAbsent(pk(workspaceId, campaignId), k -> new TreeMap<>());
    }

    /** Stores {@code d} as it is, replacing any record of the same (workspace, campaign, event). */
    void put(Delivery d) {
        partition(d.workspaceId(), d.campaignId()).put(d.eventId(), d);
    }

    int count(String workspaceId, String campaignId) {
        var p = partitions.get(pk(workspaceId, campaignId));
        return p == null ? 0 : p.size();
    }

    @Override
    public synchronized Claim claim(String campaignId, DomainEvent event, Instant now, Instant leaseUntil) {
        var p = partition(event.workspaceId(), campaignId);
        Delivery current = p.get(event.eventId());
        if (current != null) {
            if (current.status() == Delivery.Status.SUCCEEDED) return new Claim.Done(current);
            if (current.status() == Delivery.Status.IN_PROGRESS && current.leaseUntil() != null && !current.leaseUntil().isBefore(now)) {
                return new Claim.Busy(current);
            }
        }
        Delivery claimed = new Delivery(event.workspaceId(), campaignId, event.eventId(),
                current == null ? event : current.event(), Delivery.Status.IN_PROGRESS,
                current == null ? 1 : current.attempts() + 1, current == null ? List.of() : current.actions(),
                current == null ? null : current.responseCode(), current == null ? null : current.lastError(),
                current == null ? now : current.createdAt(), now, leaseUntil);
        p.put(event.eventId(), claimed);
        return new Claim.Granted(claimed);
    }

    @Override
    public synchronized boolean finish(Delivery attempt, Delivery result) {
        var p = partition(attempt.workspaceId(), attempt.campaignId());
        Delivery current = p.get(attempt.eventId());
        if (current == null || current.leaseUntil() == null || !current.leaseUntil().equals(attempt.leaseUntil())) return false;
        p.put(attempt.eventId(), new Delivery(result.workspaceId(), result.campaignId(), result.eventId(), current.event(),
                result.status(), current.attempts(), result.actions(), result.responseCode(), result.lastError(),
                current.createdAt(), result.updatedAt(), null));
        return true;
    }

    @Override
    public synchronized Optional<Delivery> find(String workspaceId, String campaignId, String eventId) {
        return Optional.ofNullable(partition(workspaceId, campaignId).get(eventId));
    }

    @Override
    public synchronized Slice list(String workspaceId, String campaignId, String startAfter, int limit) {
        var p = partition(workspaceId, campaignId).descendingMap();
        var from = startAfter == null ? p : p.tailMap(startAfter, false);
        List<Delivery> items = new ArrayList<>();
        for (Delivery d : from.values()) {
            if (items.size() == limit) return new Slice(items, true);
            items.add(d);
        }
        return new Slice(items, false);
    }

    @Override
    public synchronized Delivery requeue(String workspaceId, String campaignId, String eventId, Instant now) {
        var p = partition(workspaceId, campaignId);
        Delivery current = p.get(eventId);
        if (current == null) throw new IntakeException.NotFound("Delivery");
        if (current.status() == Delivery.Status.IN_PROGRESS && current.leaseUntil() != null && !current.leaseUntil().isBefore(now)) {
            throw new IntakeException.Conflict("The delivery is running now; re-fire it once this attempt has finished");
        }
        Delivery requeued = new Delivery(workspaceId, campaignId, eventId, current.event(), Delivery.Status.REQUEUED,
                current.attempts(), List.of(), current.responseCode(), current.lastError(), current.createdAt(), now, null);
        p.put(eventId, requeued);
        return requeued;
    }

    @Override
    public synchronized void deleteAll(String workspaceId, String campaignId) {
        partitions.remove(pk(workspaceId, campaignId));
    }
}
