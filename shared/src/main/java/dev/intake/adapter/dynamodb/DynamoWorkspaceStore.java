package dev.intake.adapter.dynamodb;

import static dev.intake.adapter.dynamodb.Dynamo.*;

import dev.intake.application.port.WorkspaceStore;
import dev.intake.domain.Credential;
import dev.intake.domain.CredentialKind;
import dev.intake.domain.IntakeException;
import dev.intake.domain.UsageKey;
import dev.intake.domain.Workspace;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * Workspaces table. {@code WS#<id>} holds the workspace, {@code KEY#<sha256>} each credential (found by the
 * digest of the presented secret), and {@code SITE#<siteId>} the public site id's owner. Each credential has a
 * copy under {@code WSKEY#<workspaceId>} / {@code <sha256>}, written and revoked in the same transaction as
 * the original, so that a workspace's keys are one Query (no index on the table).
 */
public final class DynamoWorkspaceStore implements WorkspaceStore {
    private final DynamoDbClient db;
    private final String table;

    public DynamoWorkspaceStore(DynamoDbClient db, String table) {
        this.db = db;
        this.table = table;
    }

    @Override
    public void create(Workspace w, List<Credential> credentials) {
        List<TransactWriteItem> writes = new ArrayList<>();
        Map<String, AttributeValue> ws = new HashMap<>(key("WS#" + w.id(), "WS"));
        ws.put("id", s(w.id()));
        ws.put("name", s(w.name()));
        ws.put("siteId", s(w.siteId()));
        ws.put("createdAt", s(w.createdAt().toString()));
        if (!w.redirectHosts().isEmpty()) ws.put("redirectHosts", AttributeValue.fromL(w.redirectHosts().stream().map(Dynamo::s).toList()));
        ws.put("autoRegister", bool(w.autoRegisterForms()));
        writes.add(put(ws));
        Map<String, AttributeValue> site = new HashMap<>(key("SITE#" + w.siteId(), "SITE"));
        site.put("ws", s(w.id()));
        writes.add(put(site));
        for (Credential c : credentials) {
            writes.add(put(credentialItem(c, byHash(c))));
            writes.add(put(credentialItem(c, byWorkspace(c))));
        }
        try {
            run(() -> db.transactWriteItems(r -> r.transactItems(writes)));
        } catch (TransactionCanceledException e) {
            throw new IntakeException.Conflict("The workspace, its site id or one of its keys already exists");
        }
    }

    @Override
    public Optional<Workspace> find(String workspaceId) {
        var item = call(() -> db.getItem(r -> r.tableName(table).key(key("WS#" + workspaceId, "WS")).consistentRead(true))).item();
        if (item == null || item.isEmpty()) return Optional.empty();
        AttributeValue hosts = item.get("redirectHosts");
        AttributeValue auto = item.get("autoRegister");
        return Optional.of(new Workspace(str(item, "id"), str(item, "name"), str(item, "siteId"),
                Instant.parse(str(item, "createdAt")),
                hosts == null || !hosts.hasL() ? List.of() : hosts.l().stream().map(AttributeValue::s).toList(),
                auto == null || !Boolean.FALSE.equals(auto.bool())));
    }

    @Override
    public Optional<Workspace> findBySite(String siteId) {
        if (siteId == null || siteId.isBlank() || siteId.length() > 128) return Optional.empty();
        var item = call(() -> db.getItem(r -> r.tableName(table).key(key("SITE#" + siteId, "SITE")))).item();
        if (item == null || item.isEmpty()) return Optional.empty();
        return find(str(item, "ws"));
    }

    @Override
    public Optional<Credential> findCredential(String hash) {
        var item = call(() -> db.getItem(r -> r.tableName(table).key(key("KEY#" + hash, "KEY")))).item();
        if (item == null || item.isEmpty()) return Optional.empty();
        return Optional.of(credential(hash, item));
    }

    @Override
    public void addCredential(Credential c) {
        TransactWriteItem workspaceExists = TransactWriteItem.builder().conditionCheck(ConditionCheck.builder().tableName(table)
                .key(key("WS#" + c.workspaceId(), "WS")).conditionExpression("attribute_exists(pk)").build()).build();
        try {
            run(() -> db.transactWriteItems(r -> r.transactItems(workspaceExists, put(credentialItem(c, byHash(c))),
                    put(credentialItem(c, byWorkspace(c))))));
        } catch (TransactionCanceledException e) {
            if (e.hasCancellationReasons() && "ConditionalCheckFailed".equals(e.cancellationReasons().getFirst().code())) {
                throw new IntakeException.NotFound("Workspace");
            }
            throw new IntakeException.Conflict("The key already exists");
        }
    }

    @Override
    public List<Credential> listCredentials(String workspaceId) {
        List<Credential> out = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            var page = call(() -> db.query(r -> r.tableName(table).consistentRead(true)
                    .keyConditionExpression("pk = :pk").expressionAttributeValues(Map.of(":pk", s("WSKEY#" + workspaceId)))
                    .exclusiveStartKey(from)));
            page.items().forEach(item -> out.add(credential(str(item, "sk"), item)));
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        out.sort(Comparator.comparing(Credential::createdAt).thenComparing(Credential::prefix));
        return out;
    }

    @Override
    public void revoke(Credential c) {
        try {
            run(() -> db.transactWriteItems(r -> r.transactItems(markRevoked(byHash(c)), markRevoked(byWorkspace(c)))));
        } catch (TransactionCanceledException e) {
            throw new IntakeException.NotFound("Key");
        }
    }

    private static Map<String, AttributeValue> byHash(Credential c) {
        return key("KEY#" + c.hash(), "KEY");
    }

    private static Map<String, AttributeValue> byWorkspace(Credential c) {
        return key("WSKEY#" + c.workspaceId(), c.hash());
    }

    private static Map<String, AttributeValue> credentialItem(Credential c, Map<String, AttributeValue> key) {
        Map<String, AttributeValue> item = new HashMap<>(key);
        item.put("ws", s(c.workspaceId()));
        item.put("kind", s(c.kind().name()));
        item.put("prefix", s(c.prefix()));
        item.put("revoked", bool(c.revoked()));
        item.put("createdAt", s(c.createdAt().toString()));
        if (c.usageKey() != null) {
            item.put("usageKey", s(c.usageKey().value()));
            if (c.usageKey().id() != null) item.put("usageKeyId", s(c.usageKey().id()));
        }
        return item;
    }

    private static Credential credential(String hash, Map<String, AttributeValue> item) {
        String usageKey = str(item, "usageKey");
        return new Credential(hash, str(item, "prefix"), CredentialKind.valueOf(str(item, "kind")), str(item, "ws"),
                Boolean.TRUE.equals(item.get("revoked").bool()), Instant.parse(str(item, "createdAt")),
                usageKey == null ? null : new UsageKey(str(item, "usageKeyId"), usageKey));
    }

    private TransactWriteItem markRevoked(Map<String, AttributeValue> key) {
        return TransactWriteItem.builder().update(Update.builder().tableName(table).key(key)
                .updateExpression("SET revoked = :t").conditionExpression("attribute_exists(pk)")
                .expressionAttributeValues(Map.of(":t", bool(true))).build()).build();
    }

    private TransactWriteItem put(Map<String, AttributeValue> item) {
        return TransactWriteItem.builder().put(Put.builder().tableName(table).item(item)
                .conditionExpression("attribute_not_exists(pk)").build()).build();
    }
}
