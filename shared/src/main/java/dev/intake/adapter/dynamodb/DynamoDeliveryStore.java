package dev.intake.adapter.dynamodb;

import static dev.intake.adapter.dynamodb.Dynamo.*;

import dev.intake.application.port.DeliveryStore;
import dev.intake.domain.Delivery;
import dev.intake.domain.DomainEvent;
import dev.intake.domain.IntakeException;
import dev.intake.json.EventJson;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * Campaigns table, delivery items: {@code pk = DLV#<workspaceId>#<campaignId>}, {@code sk = <eventId>}. Event
 * ids begin with the event's time, so a reverse query lists a campaign's deliveries newest first, and page
 * 1,000 costs what page 1 does. The item keeps the event itself, gzipped ({@code evz}: a 1 KB submission's
 * event then fits the item in one write unit), so a delivery can be re-fired after SQS has forgotten the message. Items expire ({@code expiresAt}, TTL) {@value #KEEP_DAYS} days after their last change.
 */
public final class DynamoDeliveryStore implements DeliveryStore {
    static final long KEEP_DAYS = 90;
    private static final String IN_PROGRESS = Delivery.Status.IN_PROGRESS.name();

    private final DynamoDbClient db;
    private final String table;

    public DynamoDeliveryStore(DynamoDbClient db, String table) {
        this.db = db;
        this.table = table;
    }

    @Override
    public Claim claim(String campaignId, DomainEvent event, Instant now, Instant leaseUntil) {
        Map<String, String> names = Map.of("#st", "status");
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":inprog", s(IN_PROGRESS));
        values.put(":succeeded", s(Delivery.Status.SUCCEEDED.name()));
        values.put(":zero", n(0));
        values.put(":one", n(1));
        values.put(":lease", n(leaseUntil.toEpochMilli()));
        values.put(":nowms", n(now.toEpochMilli()));
        values.put(":now", s(now.toString()));
        values.put(":ws", s(event.workspaceId()));
        values.put(":cid", s(campaignId));
        values.put(":evz", gzipped(EventJson.write(event)));
        values.put(":exp", n(now.plus(Duration.ofDays(KEEP_DAYS)).getEpochSecond()));
        try {
            var res = call(() -> db.updateItem(r -> r.tableName(table).key(key(event.workspaceId(), campaignId, event.eventId()))
                    .updateExpression("SET #st = :inprog, attempts = if_not_exists(attempts, :zero) + :one, leaseUntil = :lease, "
                            + "updatedAt = :now, createdAt = if_not_exists(createdAt, :now), ws = :ws, campaignId = :cid, "
                            + "evz = if_not_exists(evz, :evz), expiresAt = :exp")
                    .conditionExpression("attribute_not_exists(pk) OR (#st <> :succeeded AND (#st <> :inprog OR leaseUntil < :nowms))")
                    .expressionAttributeNames(names).expressionAttributeValues(values)
                    .returnValues(ReturnValue.ALL_NEW)
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)));
            return new Claim.Granted(delivery(res.attributes()));
        } catch (ConditionalCheckFailedException e) {
            Delivery current = e.hasItem() && !e.item().isEmpty() ? delivery(e.item())
                    : find(event.workspaceId(), campaignId, event.eventId()).orElseThrow();
            return current.status() == Delivery.Status.SUCCEEDED ? new Claim.Done(current) : new Claim.Busy(current);
        }
    }

    @Override
    public boolean finish(Delivery attempt, Delivery result) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":st", s(result.status().name()));
        values.put(":actions", AttributeValue.fromL(result.actions().stream().map(DynamoDeliveryStore::actionResult).toList()));
        values.put(":now", s(result.updatedAt().toString()));
        values.put(":lease", n(attempt.leaseUntil().toEpochMilli()));
        StringBuilder set = new StringBuilder("SET #st = :st, actions = :actions, updatedAt = :now");
        StringBuilder remove = new StringBuilder(" REMOVE leaseUntil");
        if (result.responseCode() != null) {
            set.append(", responseCode = :code");
            values.put(":code", n(result.responseCode()));
        } else {
            remove.append(", responseCode");
        }
        if (result.lastError() != null) {
            set.append(", lastError = :err");
            values.put(":err", s(result.lastError()));
        } else {
            remove.append(", lastError");
        }
        try {
            run(() -> db.updateItem(r -> r.tableName(table).key(key(attempt.workspaceId(), attempt.campaignId(), attempt.eventId()))
                    .updateExpression(set + remove.toString())
                    .conditionExpression("leaseUntil = :lease")
                    .expressionAttributeNames(Map.of("#st", "status")).expressionAttributeValues(values)));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    @Override
    public Optional<Delivery> find(String workspaceId, String campaignId, String eventId) {
        var item = call(() -> db.getItem(r -> r.tableName(table).key(key(workspaceId, campaignId, eventId)).consistentRead(true))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(delivery(item));
    }

    @Override
    public Slice list(String workspaceId, String campaignId, String startAfter, int limit) {
        String pk = pk(workspaceId, campaignId);
        var res = call(() -> db.query(r -> r.tableName(table)
                .keyConditionExpression("pk = :pk")
                .expressionAttributeValues(Map.of(":pk", s(pk)))
                .exclusiveStartKey(startAfter == null ? null : Dynamo.key(pk, startAfter))
                .scanIndexForward(false)
                .limit(limit + 1)));
        List<Delivery> items = res.items().stream().limit(limit).map(DynamoDeliveryStore::delivery).toList();
        boolean more = res.items().size() > limit || (res.hasLastEvaluatedKey() && !res.lastEvaluatedKey().isEmpty());
        return new Slice(items, more && !items.isEmpty());
    }

    @Override
    public Delivery requeue(String workspaceId, String campaignId, String eventId, Instant now) {
        try {
            var res = call(() -> db.updateItem(r -> r.tableName(table).key(key(workspaceId, campaignId, eventId))
                    .updateExpression("SET #st = :requeued, updatedAt = :now REMOVE actions, leaseUntil")
                    .conditionExpression("attribute_exists(pk) AND (#st <> :inprog OR leaseUntil < :nowms)")
                    .expressionAttributeNames(Map.of("#st", "status"))
                    .expressionAttributeValues(Map.of(":requeued", s(Delivery.Status.REQUEUED.name()), ":now", s(now.toString()),
                            ":inprog", s(IN_PROGRESS), ":nowms", n(now.toEpochMilli())))
                    .returnValues(ReturnValue.ALL_NEW)));
            return delivery(res.attributes());
        } catch (ConditionalCheckFailedException e) {
            if (find(workspaceId, campaignId, eventId).isEmpty()) throw new IntakeException.NotFound("Delivery");
            throw new IntakeException.Conflict("The delivery is running now; re-fire it once this attempt has finished");
        }
    }

    @Override
    public void deleteAll(String workspaceId, String campaignId) {
        List<Map<String, AttributeValue>> keys = new ArrayList<>();
        call(() -> db.queryPaginator(r -> r.tableName(table).keyConditionExpression("pk = :pk")
                        .expressionAttributeValues(Map.of(":pk", s(pk(workspaceId, campaignId)))).projectionExpression("pk, sk"))
                .items()).forEach(keys::add);
        Dynamo.deleteAll(db, table, keys);
    }

    private static String pk(String workspaceId, String campaignId) {
        return "DLV#" + workspaceId + "#" + campaignId;
    }

    private static Map<String, AttributeValue> key(String workspaceId, String campaignId, String eventId) {
        return Dynamo.key(pk(workspaceId, campaignId), eventId);
    }

    private static AttributeValue actionResult(Delivery.ActionResult a) {
        Map<String, AttributeValue> m = new HashMap<>();
        m.put("type", s(a.type()));
        m.put("status", s(a.status().name()));
        if (a.responseCode() != null) m.put("code", n(a.responseCode()));
        if (a.error() != null) m.put("error", s(a.error()));
        m.put("at", s(a.at().toString()));
        return AttributeValue.fromM(m);
    }

    /** The stored event: gzipped in {@code evz}; items written before that keep it as text in {@code event}. */
    private static String eventJson(Map<String, AttributeValue> i) {
        return i.containsKey("evz") ? gunzipped(i.get("evz")) : str(i, "event");
    }

    private static Delivery delivery(Map<String, AttributeValue> i) {
        List<Delivery.ActionResult> actions = i.containsKey("actions") ? i.get("actions").l().stream().map(a -> {
            Map<String, AttributeValue> m = a.m();
            return new Delivery.ActionResult(str(m, "type"), Delivery.Status.valueOf(str(m, "status")),
                    m.containsKey("code") ? (int) num(m, "code") : null, str(m, "error"), Instant.parse(str(m, "at")));
        }).toList() : List.of();
        return new Delivery(str(i, "ws"), str(i, "campaignId"), str(i, "sk"), EventJson.read(eventJson(i)),
                Delivery.Status.valueOf(str(i, "status")), (int) num(i, "attempts"), actions,
                i.containsKey("responseCode") ? (int) num(i, "responseCode") : null, str(i, "lastError"),
                Instant.parse(str(i, "createdAt")), Instant.parse(str(i, "updatedAt")),
                i.containsKey("leaseUntil") ? Instant.ofEpochMilli(num(i, "leaseUntil")) : null);
    }
}
