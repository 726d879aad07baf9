package dev.intake.adapter.dynamodb;

import static dev.intake.adapter.dynamodb.Dynamo.*;

import dev.intake.application.port.WorkspaceStore;
import dev.intake.domain.Credential;
import dev.intake.domain.CredentialKind;
import dev.intake.domain.IntakeException;
import dev.intake.domain.Workspace;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * Workspaces table. {@code WS#<id>} holds the workspace, {@code KEY#<sha256>} each credential (found by the
 * digest of the presented secret), and {@code SITE#<siteId>} the public site id's owner.
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
            Map<String, AttributeValue> item = new HashMap<>(key("KEY#" + c.hash(), "KEY"));
            item.put("ws", s(c.workspaceId()));
            item.put("kind", s(c.kind().name()));
            item.put("prefix", s(c.prefix()));
            item.put("revoked", bool(c.revoked()));
            item.put("createdAt", s(c.createdAt().toString()));
            writes.add(put(item));
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
        return Optional.of(new Credential(hash, str(item, "prefix"), CredentialKind.valueOf(str(item, "kind")),
                str(item, "ws"), Boolean.TRUE.equals(item.get("revoked").bool()), Instant.parse(str(item, "createdAt"))));
    }

    private TransactWriteItem put(Map<String, AttributeValue> item) {
        return TransactWriteItem.builder().put(Put.builder().tableName(table).item(item)
                .conditionExpression("attribute_not_exists(pk)").build()).build();
    }
}
