package dev.intake.domain;

import java.time.Instant;
import java.util.List;

/**
 * One execution of a campaign for one event: there is at most one per (campaign, event), created by a
 * conditional write, so a message that SQS delivers twice runs the campaign's actions once.
 *
 * @param actions the result of each of the campaign's actions, by position; empty before the first attempt
 * @param responseCode the last HTTP status a webhook answered, if any
 * @param leaseUntil while {@code IN_PROGRESS}, when the attempt's claim lapses (a crashed attempt can be retried after it)
 */
public record Delivery(String workspaceId, String campaignId, String eventId, DomainEvent event, Status status,
                       int attempts, List<ActionResult> actions, Integer responseCode, String lastError,
                       Instant createdAt, Instant updatedAt, Instant leaseUntil) {

    public Delivery {
        actions = List.copyOf(actions);
    }

    public enum Status {
        /** An attempt is running. */
        IN_PROGRESS,
        /** Every action succeeded; nothing will run again unless it is re-fired. */
        SUCCEEDED,
        /** An action failed in a way a retry may fix; SQS redelivers the event after a backoff. */
        RETRYING,
        /** An action failed for good (refused target, rejected e-mail), or the retries ran out. */
        FAILED,
        /** Re-fired through the API; the next attempt runs every action again. */
        REQUEUED;

        public String wireName() { return name().toLowerCase(java.util.Locale.ROOT); }
    }

    /** The outcome of one action: SUCCEEDED, RETRYING or FAILED. */
    public record ActionResult(String type, Status status, Integer responseCode, String error, Instant at) {}

    /** The public id of a delivery: {@code dlv_} and the event id's own characters. */
    public String id() { return id(eventId); }

    public static String id(String eventId) { return "dlv_" + eventId.substring(eventId.indexOf('_') + 1); }

    /** The event id a delivery id names, or null when {@code deliveryId} is not one. */
    public static String eventId(String deliveryId) {
        return deliveryId != null && deliveryId.matches("dlv_[0-9A-Za-z]{16,40}") ? "evt_" + deliveryId.substring(4) : null;
    }

    public boolean succeeded(int actionIndex) {
        return actionIndex < actions.size() && actions.get(actionIndex).status() == Status.SUCCEEDED;
    }
}
