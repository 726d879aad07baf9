package dev.intake.adapter.dynamodb;

import static dev.intake.adapter.dynamodb.Dynamo.*;

import dev.intake.application.port.PersonStore;
import dev.intake.domain.ConsentRecord;
import dev.intake.domain.ConsentState;
import dev.intake.domain.Erasure;
import dev.intake.domain.IntakeException;
import dev.intake.domain.Person;
import dev.intake.domain.PersonUpsert;
import dev.intake.domain.Source;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

/**
 * People table: {@code PERSON#<workspaceId>#<personId>} / {@code PERSON}. The person id is derived from
 * the identifier, so a submission upserts its person with one {@code UpdateItem} and no read. Attributes
 * are top-level {@code a.<name>} attributes, so each is set without rewriting the others. A person keyed
 * by their {@code id} who also has an email carries {@code emailKey = <workspaceId>#<email>}, which keys
 * the sparse, keys-only GSI {@value #BY_EMAIL}; people keyed by email need no index. Erasures are
 * recorded as {@code ERASURE#<workspaceId>} / {@code <era id>} items with counts only.
 */
public final class DynamoPersonStore implements PersonStore {
    public static final String BY_EMAIL = "byEmail";
    private static final String ATTR = "a.";

    private final DynamoDbClient db;
    private final String table;

    public DynamoPersonStore(DynamoDbClient db, String table) {
        this.db = db;
        this.table = table;
    }

    @Override
    public ConsentState upsert(PersonUpsert u) {
        List<String> set = new ArrayList<>();
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> values = new HashMap<>();
        ConsentRecord c = u.consent();
        String now = c.at().toString();
        values.put(":ws", s(u.workspaceId()));
        values.put(":id", s(u.personId()));
        values.put(":now", s(now));
        set.add("ws = :ws");
        set.add("id = :id");
        set.add("createdAt = if_not_exists(createdAt, :now)");
        set.add("updatedAt = :now");
        if (u.email() != null) {
            set.add("email = :email");
            values.put(":email", s(u.email()));
        }
        if (u.externalId() != null) {
            set.add("extId = :ext");
            values.put(":ext", s(u.externalId()));
            if (u.email() != null) {
                set.add("emailKey = :emailKey");
                values.put(":emailKey", s(emailKey(u.workspaceId(), u.email())));
            }
        }
        int i = 0;
        for (var e : u.attributes().entrySet()) {
            names.put("#a" + i, ATTR + e.getKey());
            values.put(":a" + i, value(e.getValue()));
            set.add("#a" + i + " = :a" + i);
            i++;
        }
        Map<String, AttributeValue> record = new LinkedHashMap<>();
        record.put("state", s(c.state().name()));
        record.put("at", s(now));
        if (c.ip() != null) record.put("ip", s(c.ip()));
        record.put("formId", s(c.formId()));
        record.put("source", s(c.source().wireName()));
        values.put(":consent", s(c.state().name()));
        values.put(":record", AttributeValue.fromM(record));
        if (c.state() == ConsentState.OPTED_IN) {
            set.add("consent = :consent");
            set.add("consentRecord = :record");
        } else {
            // Double opt-in never downgrades someone who already confirmed.
            set.add("consent = if_not_exists(consent, :consent)");
            set.add("consentRecord = if_not_exists(consentRecord, :record)");
        }
        String expression = "SET " + String.join(", ", set);
        var res = call(() -> db.updateItem(r -> r.tableName(table).key(key(pk(u.workspaceId(), u.personId()), "PERSON"))
                .updateExpression(expression)
                .expressionAttributeNames(names.isEmpty() ? null : names)
                .expressionAttributeValues(values)
                .returnValues(ReturnValue.UPDATED_NEW)));
        String consent = res.hasAttributes() ? str(res.attributes(), "consent") : null;
        return consent == null ? c.state() : ConsentState.valueOf(consent);
    }

    @Override
    public void confirmConsent(String workspaceId, String personId, ConsentRecord c) {
        Map<String, AttributeValue> record = new LinkedHashMap<>();
        record.put("state", s(c.state().name()));
        record.put("at", s(c.at().toString()));
        if (c.ip() != null) record.put("ip", s(c.ip()));
        record.put("formId", s(c.formId()));
        record.put("source", s(c.source().wireName()));
        try {
            run(() -> db.updateItem(r -> r.tableName(table).key(key(pk(workspaceId, personId), "PERSON"))
                    .updateExpression("SET consent = :c, consentRecord = :r, updatedAt = :now")
                    .conditionExpression("attribute_exists(pk)")
                    .expressionAttributeValues(Map.of(":c", s(c.state().name()), ":r", AttributeValue.fromM(record),
                            ":now", s(c.at().toString())))));
        } catch (ConditionalCheckFailedException e) {
            throw new IntakeException.NotFound("Person");
        }
    }

    @Override
    public Optional<Person> find(String workspaceId, String personId) {
        var item = call(() -> db.getItem(r -> r.tableName(table).key(key(pk(workspaceId, personId), "PERSON")).consistentRead(true))).item();
        if (item == null || item.isEmpty()) return Optional.empty();
        Map<String, Object> attributes = new LinkedHashMap<>();
        item.forEach((k, v) -> {
            if (k.startsWith(ATTR)) attributes.put(k.substring(ATTR.length()), fromValue(v));
        });
        ConsentRecord record = null;
        AttributeValue r = item.get("consentRecord");
        if (r != null && r.hasM()) {
            Map<String, AttributeValue> m = r.m();
            record = new ConsentRecord(ConsentState.valueOf(str(m, "state")), Instant.parse(str(m, "at")), str(m, "ip"),
                    str(m, "formId"), Source.parse(str(m, "source")));
        }
        String consent = str(item, "consent");
        return Optional.of(new Person(workspaceId, personId, str(item, "email"), str(item, "extId"), List.of(), attributes,
                consent == null ? null : ConsentState.valueOf(consent), record,
                Instant.parse(str(item, "createdAt")), Instant.parse(str(item, "updatedAt"))));
    }

    @Override
    public Optional<Person> findIdKeyedByEmail(String workspaceId, String email) {
        var res = call(() -> db.query(r -> r.tableName(table).indexName(BY_EMAIL)
                .keyConditionExpression("emailKey = :e")
                .expressionAttributeValues(Map.of(":e", s(emailKey(workspaceId, email))))
                .limit(1)));
        if (res.items().isEmpty()) return Optional.empty();
        String pk = str(res.items().get(0), "pk");
        return find(workspaceId, pk.substring(pk.lastIndexOf('#') + 1));
    }

    @Override
    public boolean delete(String workspaceId, String personId) {
        var res = call(() -> db.deleteItem(r -> r.tableName(table).key(key(pk(workspaceId, personId), "PERSON"))
                .returnValues(ReturnValue.ALL_OLD)));
        return res.hasAttributes() && !res.attributes().isEmpty();
    }

    @Override
    public void recordErasure(String workspaceId, Erasure e) {
        run(() -> db.putItem(r -> r.tableName(table).item(Map.of(
                "pk", s("ERASURE#" + workspaceId), "sk", s(e.id()),
                "at", s(e.at().toString()), "submissionsDeleted", n(e.submissionsDeleted())))));
    }

    private static String emailKey(String workspaceId, String email) {
        return workspaceId + "#" + email;
    }

    private static String pk(String workspaceId, String personId) {
        return "PERSON#" + workspaceId + "#" + personId;
    }
}
