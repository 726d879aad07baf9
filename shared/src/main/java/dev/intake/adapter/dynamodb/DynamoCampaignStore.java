package dev.intake.adapter.dynamodb;

import static dev.intake.adapter.dynamodb.Dynamo.*;

import dev.intake.application.port.CampaignStore;
import dev.intake.domain.Campaign;
import dev.intake.domain.DomainEvent;
import dev.intake.domain.EventTracked;
import dev.intake.domain.FormSubmitted;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * Campaigns table: {@code WS#<workspaceId>} / {@code CMP#<id>} holds a campaign, and
 * {@code EVT#<eventId>} / {@code TRIGGER} records, once, which campaigns an event matched.
 */
public final class DynamoCampaignStore implements CampaignStore {
    private final DynamoDbClient db;
    private final String table;

    public DynamoCampaignStore(DynamoDbClient db, String table) {
        this.db = db;
        this.table = table;
    }

    @Override
    public void save(Campaign c) {
        Map<String, AttributeValue> item = new HashMap<>(key("WS#" + c.workspaceId(), "CMP#" + c.id()));
        item.put("id", s(c.id()));
        item.put("name", s(c.name()));
        item.put("triggerType", s(c.trigger().type()));
        if (c.trigger().formId() != null) item.put("triggerForm", s(c.trigger().formId()));
        if (c.trigger().eventName() != null) item.put("triggerEvent", s(c.trigger().eventName()));
        item.put("enabled", bool(c.enabled()));
        item.put("createdAt", s(c.createdAt().toString()));
        run(() -> db.putItem(r -> r.tableName(table).item(item)));
    }

    @Override
    public List<Campaign> listByWorkspace(String workspaceId) {
        return call(() -> db.queryPaginator(r -> r.tableName(table)
                        .keyConditionExpression("pk = :pk AND begins_with(sk, :cmp)")
                        .expressionAttributeValues(Map.of(":pk", s("WS#" + workspaceId), ":cmp", s("CMP#"))))
                .items().stream()
                .map(i -> new Campaign(workspaceId, str(i, "id"), str(i, "name"),
                        new Campaign.Trigger(str(i, "triggerType"), str(i, "triggerForm"), str(i, "triggerEvent")),
                        Boolean.TRUE.equals(i.get("enabled").bool()), Instant.parse(str(i, "createdAt"))))
                .toList());
    }

    @Override
    public boolean recordTrigger(DomainEvent event, List<String> campaignIds) {
        Map<String, AttributeValue> item = new HashMap<>(key("EVT#" + event.eventId(), "TRIGGER"));
        item.put("ws", s(event.workspaceId()));
        switch (event) {
            case FormSubmitted f -> {
                item.put("formId", s(f.formId()));
                item.put("submissionId", s(f.submissionId()));
            }
            case EventTracked t -> item.put("event", s(t.name()));
        }
        item.put("campaigns", AttributeValue.fromL(campaignIds.stream().map(Dynamo::s).toList()));
        item.put("at", s(Instant.now().toString()));
        try {
            run(() -> db.putItem(r -> r.tableName(table).item(item).conditionExpression("attribute_not_exists(pk)")));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }
}
