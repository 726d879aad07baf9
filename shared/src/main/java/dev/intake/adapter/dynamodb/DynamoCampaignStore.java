package dev.intake.adapter.dynamodb;

import static dev.intake.adapter.dynamodb.Dynamo.*;

import dev.intake.application.port.CampaignStore;
import dev.intake.domain.Campaign;
import dev.intake.domain.CampaignAction;
import dev.intake.domain.IntakeException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

/**
 * Campaigns table, campaign items: {@code pk = WS#<workspaceId>}, {@code sk = CMP#<campaignId>}. A
 * workspace's campaigns are one partition, read with one query by the campaign trigger. Delivery records
 * live in the same table ({@link DynamoDeliveryStore}).
 */
public final class DynamoCampaignStore implements CampaignStore {
    private final DynamoDbClient db;
    private final String table;

    public DynamoCampaignStore(DynamoDbClient db, String table) {
        this.db = db;
        this.table = table;
    }

    @Override
    public void create(Campaign c) {
        try {
            run(() -> db.putItem(r -> r.tableName(table).item(item(c)).conditionExpression("attribute_not_exists(pk)")));
        } catch (ConditionalCheckFailedException e) {
            throw new IntakeException.Conflict("Campaign " + c.id() + " already exists");
        }
    }

    @Override
    public void update(Campaign c) {
        try {
            run(() -> db.putItem(r -> r.tableName(table).item(item(c)).conditionExpression("attribute_exists(pk)")));
        } catch (ConditionalCheckFailedException e) {
            throw new IntakeException.NotFound("Campaign");
        }
    }

    @Override
    public Optional<Campaign> find(String workspaceId, String campaignId) {
        var item = call(() -> db.getItem(r -> r.tableName(table).key(key(workspaceId, campaignId)).consistentRead(true))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(campaign(workspaceId, item));
    }

    @Override
    public List<Campaign> listByWorkspace(String workspaceId) {
        return call(() -> db.queryPaginator(r -> r.tableName(table)
                        .keyConditionExpression("pk = :pk AND begins_with(sk, :cmp)")
                        .expressionAttributeValues(Map.of(":pk", s("WS#" + workspaceId), ":cmp", s("CMP#"))))
                .items().stream()
                .map(i -> campaign(workspaceId, i))
                .sorted(java.util.Comparator.comparing(Campaign::createdAt))
                .toList());
    }

    @Override
    public boolean delete(String workspaceId, String campaignId) {
        var res = call(() -> db.deleteItem(r -> r.tableName(table).key(key(workspaceId, campaignId)).returnValues(ReturnValue.ALL_OLD)));
        return res.hasAttributes() && !res.attributes().isEmpty();
    }

    private static Map<String, AttributeValue> key(String workspaceId, String campaignId) {
        return Dynamo.key("WS#" + workspaceId, "CMP#" + campaignId);
    }

    private static Map<String, AttributeValue> item(Campaign c) {
        Map<String, AttributeValue> item = new HashMap<>(key(c.workspaceId(), c.id()));
        item.put("id", s(c.id()));
        item.put("name", s(c.name()));
        item.put("triggerType", s(c.trigger().type()));
        if (c.trigger().formId() != null) item.put("triggerForm", s(c.trigger().formId()));
        if (c.trigger().eventName() != null) item.put("triggerEvent", s(c.trigger().eventName()));
        item.put("actions", AttributeValue.fromL(c.actions().stream().map(DynamoCampaignStore::action).toList()));
        item.put("enabled", bool(c.enabled()));
        item.put("createdAt", s(c.createdAt().toString()));
        item.put("updatedAt", s(c.updatedAt().toString()));
        return item;
    }

    private static AttributeValue action(CampaignAction a) {
        Map<String, AttributeValue> m = new HashMap<>();
        m.put("type", s(a.type()));
        switch (a) {
            case CampaignAction.Webhook w -> {
                m.put("url", s(w.url()));
                m.put("secret", s(w.secret()));
            }
            case CampaignAction.Email e -> {
                m.put("to", s(e.to()));
                m.put("subject", s(e.subject()));
                if (e.text() != null) m.put("text", s(e.text()));
                if (e.html() != null) m.put("html", s(e.html()));
            }
        }
        return AttributeValue.fromM(m);
    }

    private static Campaign campaign(String workspaceId, Map<String, AttributeValue> i) {
        List<CampaignAction> actions = i.containsKey("actions")
                ? i.get("actions").l().stream().map(a -> action(a.m())).toList() : List.of();
        Instant created = Instant.parse(str(i, "createdAt"));
        return new Campaign(workspaceId, str(i, "id"), str(i, "name"),
                new Campaign.Trigger(str(i, "triggerType"), str(i, "triggerForm"), str(i, "triggerEvent")), actions,
                Boolean.TRUE.equals(i.get("enabled").bool()), created,
                i.containsKey("updatedAt") ? Instant.parse(str(i, "updatedAt")) : created);
    }

    private static CampaignAction action(Map<String, AttributeValue> m) {
        return switch (str(m, "type")) {
            case CampaignAction.Webhook.TYPE -> new CampaignAction.Webhook(str(m, "url"), str(m, "secret"));
            case CampaignAction.Email.TYPE -> new CampaignAction.Email(str(m, "to"), str(m, "subject"), str(m, "text"), str(m, "html"));
            default -> throw new IllegalStateException("unknown action type " + str(m, "type"));
        };
    }
}
