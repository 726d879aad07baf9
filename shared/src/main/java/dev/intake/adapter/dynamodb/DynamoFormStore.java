package dev.intake.adapter.dynamodb;

import static dev.intake.adapter.dynamodb.Dynamo.*;

import dev.intake.application.port.FormStore;
import dev.intake.domain.Form;
import dev.intake.domain.FormStatus;
import dev.intake.domain.IntakeException;
import dev.intake.json.FormJson;
import dev.intake.json.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;

/**
 * Forms table.
 * <ul>
 *   <li>{@code FORM#<formKey>} / {@code FORM}: the form. Public routes and the stream relay read it by
 *       key alone, eventually consistent ({@link #findRecent}); management reads are strongly consistent. The sparse GSI {@code byWorkspace} ({@code ws}, {@code gsk = <zero-padded epoch millis>#<id>}) lists a
 *       workspace's forms newest first.</li>
 *   <li>{@code COUNT#<workspaceId>#<shard>} / {@code <formKey>}: one of {@value #SHARDS} counter shards. A
 *       submission adds 1 to a random shard, so no single item is written on every submission; a
 *       workspace's counts are {@value #SHARDS} small queries, whatever the page size.</li>
 * </ul>
 */
public final class DynamoFormStore implements FormStore {
    /** Counter shards per workspace; each takes up to 1,000 writes/s, see docs/scaling.md. */
    public static final int SHARDS = 10;
    /**
     * Picks a counter shard. SecureRandom, not ThreadLocalRandom: SnapStart restores many instances from one
     * snapshot, and Lambda reseeds SecureRandom on restore, whereas a seed taken before the snapshot would
     * make every instance pick the same sequence of shards.
     */
    private static final java.security.SecureRandom SHARD_CHOICE = new java.security.SecureRandom();
    public static final String BY_WORKSPACE = "byWorkspace";

    private final DynamoDbClient db;
    private final String table;

    public DynamoFormStore(DynamoDbClient db, String table) {
        this.db = db;
        this.table = table;
    }

    @Override
    public void create(Form form) {
        try {
            run(() -> db.putItem(r -> r.tableName(table).item(item(form)).conditionExpression("attribute_not_exists(pk)")));
        } catch (ConditionalCheckFailedException e) {
            throw new IntakeException.Conflict("A form with id '" + form.id() + "' already exists");
        }
    }

    @Override
    public Optional<Form> find(String formKey) {
        var item = call(() -> db.getItem(r -> r.tableName(table).key(key("FORM#" + formKey, "FORM")).consistentRead(true))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(form(item));
    }

    @Override
    public Optional<Form> findRecent(String formKey) {
        var item = call(() -> db.getItem(r -> r.tableName(table).key(key("FORM#" + formKey, "FORM")))).item();
        return item == null || item.isEmpty() ? find(formKey) : Optional.of(form(item));
    }

    @Override
    public List<Form> listByWorkspace(String workspaceId) {
        return call(() -> db.queryPaginator(r -> r.tableName(table).indexName(BY_WORKSPACE)
                        .keyConditionExpression("ws = :ws")
                        .expressionAttributeValues(Map.of(":ws", s(workspaceId)))
                        .scanIndexForward(false))
                .items().stream().map(DynamoFormStore::form).toList());
    }

    @Override
    public Form update(Form form) {
        Form next = new Form(form.workspaceId(), form.id(), form.name(), form.fields(), form.settings(), form.doubleOptIn(),
                form.status(), form.createdAt(), form.updatedAt(), form.version() + 1);
        try {
            run(() -> db.putItem(r -> r.tableName(table).item(item(next))
                    .conditionExpression("version = :v")
                    .expressionAttributeValues(Map.of(":v", n(form.version())))));
        } catch (ConditionalCheckFailedException e) {
            throw new IntakeException.Conflict("The form was changed or deleted by another request; retry");
        }
        return next;
    }

    @Override
    public void delete(Form form) {
        List<Map<String, AttributeValue>> keys = new ArrayList<>();
        keys.add(key("FORM#" + form.key(), "FORM"));
        for (int shard = 0; shard < SHARDS; shard++) keys.add(key(countPk(form.workspaceId(), shard), form.key()));
        deleteAll(db, table, keys);
    }

    /**
     * One {@code ADD} on a random shard. With a submission id, the shard also keeps it ({@code last}), and the
     * update is conditional on it being another: when DynamoDB applied the change but its answer was lost, the
     * SDK's retry of the same request finds its own id there and changes nothing. A retry that lands after
     * another submission's change to the same shard still counts twice; that takes a lost answer and a second
     * submission on one of ten shards within the SDK's backoff.
     */
    @Override
    public void addToCount(Form form, long delta, String submissionId) {
        int shard = SHARD_CHOICE.nextInt(SHARDS);
        Map<String, AttributeValue> key = key(countPk(form.workspaceId(), shard), form.key());
        if (submissionId == null) {
            run(() -> db.updateItem(r -> r.tableName(table).key(key).updateExpression("ADD n :d")
                    .expressionAttributeValues(Map.of(":d", n(delta)))));
            return;
        }
        try {
            run(() -> db.updateItem(r -> r.tableName(table).key(key)
                    .updateExpression("SET #last = :s ADD n :d")
                    .conditionExpression("attribute_not_exists(#last) OR #last <> :s")
                    .expressionAttributeNames(Map.of("#last", "last"))
                    .expressionAttributeValues(Map.of(":d", n(delta), ":s", s(submissionId + (delta < 0 ? "-" : "+"))))));
        } catch (ConditionalCheckFailedException alreadyCounted) {
            // This very change was applied, and its answer lost on the way back.
        }
    }

    @Override
    public Map<String, Long> counts(String workspaceId) {
        Map<String, Long> out = new HashMap<>();
        for (int shard = 0; shard < SHARDS; shard++) {
            String pk = countPk(workspaceId, shard);
            call(() -> db.queryPaginator(r -> r.tableName(table).keyConditionExpression("pk = :pk")
                            .expressionAttributeValues(Map.of(":pk", s(pk))))
                    .items().stream().toList())
                    .forEach(i -> out.merge(str(i, "sk"), num(i, "n"), Long::sum));
        }
        return out;
    }

    @Override
    public long count(Form form) {
        List<Map<String, AttributeValue>> keys = new ArrayList<>();
        for (int shard = 0; shard < SHARDS; shard++) keys.add(key(countPk(form.workspaceId(), shard), form.key()));
        long total = 0;
        Map<String, KeysAndAttributes> request = Map.of(table, KeysAndAttributes.builder().keys(keys).build());
        while (!request.isEmpty()) {
            Map<String, KeysAndAttributes> req = request;
            var res = call(() -> db.batchGetItem(r -> r.requestItems(req)));
            for (var item : res.responses().getOrDefault(table, List.of())) total += num(item, "n");
            request = res.hasUnprocessedKeys() ? res.unprocessedKeys() : Map.of();
        }
        return total;
    }

    private static String countPk(String workspaceId, int shard) {
        return "COUNT#" + workspaceId + "#" + shard;
    }

    private static Map<String, AttributeValue> item(Form f) {
        Map<String, AttributeValue> item = new HashMap<>(key("FORM#" + f.key(), "FORM"));
        item.put("ws", s(f.workspaceId()));
        item.put("gsk", s(String.format("%015d#%s", f.createdAt().toEpochMilli(), f.id())));
        item.put("id", s(f.id()));
        item.put("name", s(f.name()));
        item.put("fields", s(Json.write(FormJson.fields(f.fields()))));
        item.put("settings", s(Json.write(FormJson.storedSettings(f.settings()))));
        item.put("doubleOptIn", bool(f.doubleOptIn()));
        item.put("status", s(f.status().name()));
        item.put("createdAt", s(f.createdAt().toString()));
        item.put("updatedAt", s(f.updatedAt().toString()));
        item.put("version", n(f.version()));
        return item;
    }

    private static Form form(Map<String, AttributeValue> item) {
        try {
            return new Form(str(item, "ws"), str(item, "id"), str(item, "name"),
                    FormJson.parseStoredFields(Json.readTree(str(item, "fields"))),
                    FormJson.parseSettings(Json.readTree(str(item, "settings"))),
                    Boolean.TRUE.equals(item.get("doubleOptIn").bool()), FormStatus.valueOf(str(item, "status")),
                    Instant.parse(str(item, "createdAt")), Instant.parse(str(item, "updatedAt")), num(item, "version"));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("stored form " + str(item, "pk") + " is not readable", e);
        }
    }
}
