package dev.intake.application.port;

import dev.intake.domain.Delivery;
import dev.intake.domain.DomainEvent;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The record of each (campaign, event) delivery. {@link #claim} is the guard that makes a campaign's
 * actions run once per event: it is a conditional write, so of two workers handling the same event only one
 * gets to run the actions, and an event whose delivery has succeeded is never run again by a redelivery.
 */
public interface DeliveryStore {

    /** What {@link #claim} found. */
    sealed interface Claim {
        /** This attempt may run the actions; {@code delivery} is IN_PROGRESS with a fresh lease and one more attempt. */
        record Granted(Delivery delivery) implements Claim {}
        /** The delivery has succeeded: nothing to do. */
        record Done(Delivery delivery) implements Claim {}
        /** Another attempt holds an unexpired lease: try again later. */
        record Busy(Delivery delivery) implements Claim {}
    }

    /**
     * Takes the delivery of {@code event} for {@code campaignId} until {@code leaseUntil}, creating it on the
     * first attempt. Granted when it does not exist, or it is not SUCCEEDED and no other attempt holds a
     * live lease.
     */
    Claim claim(String campaignId, DomainEvent event, Instant now, Instant leaseUntil);

    /**
     * Records the attempt's result. Writes only while the attempt still holds its lease
     * ({@code attempt.leaseUntil()} unchanged); returns false when it does not, because a later attempt took over.
     */
    boolean finish(Delivery attempt, Delivery result);

    Optional<Delivery> find(String workspaceId, String campaignId, String eventId);

    /** A campaign's deliveries, newest event first, starting after event id {@code startAfter} (null: the start). */
    Slice list(String workspaceId, String campaignId, String startAfter, int limit);

    record Slice(List<Delivery> items, boolean hasMore) {}

    /**
     * Marks a delivery REQUEUED so the next attempt runs all its actions again. Throws {@code Conflict} while
     * an attempt holds a live lease, {@code NotFound} when there is no such delivery.
     */
    Delivery requeue(String workspaceId, String campaignId, String eventId, Instant now);

    /** Removes a campaign's delivery records (when the campaign is deleted). */
    void deleteAll(String workspaceId, String campaignId);
}
