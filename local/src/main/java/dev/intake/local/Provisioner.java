package dev.intake.local;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.StreamSpecification;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Creates the template's tables and queues, named by their logical ids. Existing tables (a
 * {@code --data-dir} restart) are kept, and get the indexes and stream added to the template since.
 * Queues are created dead-letter queues first, so a redrive policy can name its target.
 */
final class Provisioner {
    private Provisioner() {}

    static void createTables(DynamoDbClient db, Template template) {
        template.tables().forEach((name, props) -> {
            var attributes = list(props.path("AttributeDefinitions"), a -> AttributeDefinition.builder()
                    .attributeName(a.path("AttributeName").asText()).attributeType(a.path("AttributeType").asText()).build());
            var indexes = list(props.path("GlobalSecondaryIndexes"), g -> GlobalSecondaryIndex.builder()
                    .indexName(g.path("IndexName").asText())
                    .keySchema(keys(g.path("KeySchema")))
                    .projection(Projection.builder().projectionType(g.path("Projection").path("ProjectionType").asText("ALL")).build())
                    .build());
            StreamSpecification stream = streamSpecification(props);
            try {
                db.createTable(r -> r.tableName(name)
                        .billingMode(BillingMode.PAY_PER_REQUEST)
                        .attributeDefinitions(attributes)
                        .keySchema(keys(props.path("KeySchema")))
                        .globalSecondaryIndexes(indexes.isEmpty() ? null : indexes)
                        .streamSpecification(stream));
            } catch (ResourceInUseException exists) {
                addMissingIndexes(db, name, attributes, indexes);
                if (stream != null) enableStream(db, name, stream);
                return;
            }
            JsonNode ttl = props.path("TimeToLiveSpecification");
            if (ttl.path("Enabled").asBoolean(false)) {
                db.updateTimeToLive(r -> r.tableName(name).timeToLiveSpecification(t -> t
                        .attributeName(ttl.path("AttributeName").asText()).enabled(true)));
            }
        });
    }

    /** A table kept in a data directory from an older template gets the indexes added since. */
    private static void addMissingIndexes(DynamoDbClient db, String table, List<AttributeDefinition> attributes,
                                          List<GlobalSecondaryIndex> indexes) {
        var existing = db.describeTable(r -> r.tableName(table)).table().globalSecondaryIndexes().stream()
                .map(i -> i.indexName()).toList();
        for (GlobalSecondaryIndex g : indexes) {
            if (existing.contains(g.indexName())) continue;
            db.updateTable(r -> r.tableName(table).attributeDefinitions(attributes)
                    .globalSecondaryIndexUpdates(u -> u.create(c -> c.indexName(g.indexName()).keySchema(g.keySchema())
                            .projection(g.projection()))));
        }
    }

    /** CloudFormation's {@code StreamSpecification} names only the view type; a stream is on when it is present. */
    private static StreamSpecification streamSpecification(JsonNode props) {
        String viewType = props.path("StreamSpecification").path("StreamViewType").asText("");
        return viewType.isEmpty() ? null : StreamSpecification.builder().streamEnabled(true).streamViewType(viewType).build();
    }

    /**
     * A table kept in a data directory from an older template gets its stream. A stream of another view
     * type is replaced, which is how DynamoDB changes one: disable, then enable (a new stream ARN).
     */
    private static void enableStream(DynamoDbClient db, String table, StreamSpecification wanted) {
        StreamSpecification current = db.describeTable(r -> r.tableName(table)).table().streamSpecification();
        boolean enabled = current != null && Boolean.TRUE.equals(current.streamEnabled());
        if (enabled && current.streamViewType() == wanted.streamViewType()) return;
        if (enabled) db.updateTable(r -> r.tableName(table).streamSpecification(s -> s.streamEnabled(false)));
        db.updateTable(r -> r.tableName(table).streamSpecification(wanted));
    }

    /** The ARN of the table's current stream, for a stream poller. */
    static String streamArn(DynamoDbClient db, String tableName) {
        TableDescription table = db.describeTable(r -> r.tableName(tableName)).table();
        if (table.streamSpecification() == null || !Boolean.TRUE.equals(table.streamSpecification().streamEnabled())
                || table.latestStreamArn() == null) {
            throw new IllegalStateException("table " + tableName + " has no stream enabled");
        }
        return table.latestStreamArn();
    }

    /** Returns each queue's URL by logical id. */
    static Map<String, String> createQueues(SqsClient sqs, Template template) {
        Map<String, String> urls = new LinkedHashMap<>();
        List<String> order = new ArrayList<>();
        template.queues().forEach((name, props) -> {
            if (props.has("RedrivePolicy")) order.add(name);
            else order.add(0, name);
        });
        for (String name : order) {
            JsonNode props = template.queues().get(name);
            Map<QueueAttributeName, String> attrs = new LinkedHashMap<>();
            if (props.has("VisibilityTimeout")) attrs.put(QueueAttributeName.VISIBILITY_TIMEOUT, props.path("VisibilityTimeout").asText());
            JsonNode redrive = props.path("RedrivePolicy");
            if (!redrive.isMissingNode()) {
                String dlq = Template.logicalId(redrive.path("deadLetterTargetArn").asText());
                String dlqArn = sqs.getQueueAttributes(r -> r.queueUrl(urls.get(dlq)).attributeNames(QueueAttributeName.QUEUE_ARN))
                        .attributes().get(QueueAttributeName.QUEUE_ARN);
                attrs.put(QueueAttributeName.REDRIVE_POLICY, "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":\""
                        + redrive.path("maxReceiveCount").asText("5") + "\"}");
            }
            urls.put(name, sqs.createQueue(r -> r.queueName(name).attributes(attrs)).queueUrl());
        }
        return urls;
    }

    private static List<KeySchemaElement> keys(JsonNode node) {
        return list(node, k -> KeySchemaElement.builder().attributeName(k.path("AttributeName").asText())
                .keyType(k.path("KeyType").asText()).build());
    }

    private static <T> List<T> list(JsonNode array, java.util.function.Function<JsonNode, T> f) {
        List<T> out = new ArrayList<>();
        array.forEach(n -> out.add(f.apply(n)));
        return out;
    }
}
