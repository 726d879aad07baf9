package dev.intake.adapter.dynamodb;

import static dev.intake.adapter.dynamodb.Dynamo.*;

import dev.intake.application.port.PersonStore;
import dev.intake.domain.Activity;
import dev.intake.domain.ConsentRecord;
import dev.intake.domain.ConsentState;
import dev.intake.domain.Erasure;
import dev.intake.domain.Ids;
import dev.intake.domain.IntakeException;
import dev.intake.domain.Person;
import dev.intake.domain.PersonUpsert;
import dev.intake.domain.Relationship;
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
 * are top-level {@code a.<name>} attributes, so each is set without rewriting the others; a text value over
 * {@value #LONG_TEXT_BYTES} bytes (a message, say) is stored {@link Dynamo#gzipped gzipped}, since every
 * upsert is charged for the whole item by the KB (docs/decisions.md, "Fewer capacity units"). A person keyed
 * by their {@code id} who also has an email carries {@code emailKey = <workspaceId>#<email>}, which keys
 * the sparse, keys-only GSI {@value #BY_EMAIL}; people keyed by email need no index. Erasures are
 * recorded as {@code ERASURE#<workspaceId>} / {@code <era id>} items with counts only.
 */
public final class DynamoPersonStore implements PersonStore {
    public static final String BY_EMAIL = "byEmail";
    private static final int ATTRIBUTES_PER_UPDATE = 100;
    private static final String ATTR = "a.";
    static final int LONG_TEXT_BYTES = 256;

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
        String now = u.at().toString();
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
            // Only people whose key is not their email need the index to be found by it.
            if (!u.personId().equals(Ids.person(u.workspaceId(), "email", u.email()))) {
                set.add("emailKey = :emailKey");
                values.put(":emailKey", s(emailKey(u.workspaceId(), u.email())));
            }
        }
        if (u.externalId() != null) {
            set.add("extId = :ext");
            values.put(":ext", s(u.externalId()));
        }
        // Attributes past the first chunk go in further updates, so no expression nears DynamoDB's 4 KB.
        List<Map.Entry<String, Object>> attributes = new ArrayList<>(u.attributes().entrySet());
        for (int i = 0; i < Math.min(ATTRIBUTES_PER_UPDATE, attributes.size()); i++) {
            names.put("#a" + i, ATTR + attributes.get(i).getKey());
            values.put(":a" + i, attribute(attributes.get(i).getValue()));
            set.add("#a" + i + " = :a" + i);
        }
        if (c != null) {
            values.put(":consent", s(c.state().name()));
            values.put(":record", record(c));
            if (c.state() == ConsentState.OPTED_IN) {
                set.add("consent = :consent");
                set.add("consentRecord = :record");
            } else {
                // Double opt-in never downgrades someone who already confirmed.
                set.add("consent = if_not_exists(consent, :consent)");
                set.add("consentRecord = if_not_exists(consentRecord, :record)");
            }
        }
        String expression = "SET " + String.join(", ", set) + (u.anonymousId() != null ? " ADD anon :anon" : "");
        if (u.anonymousId() != null) values.put(":anon", AttributeValue.fromSs(List.of(u.anonymousId())));
        var res = call(() -> db.updateItem(r -> r.tableName(table).key(key(pk(u.workspaceId(), u.personId()), "PERSON"))
                .updateExpression(expression)
                .expressionAttributeNames(names.isEmpty() ? null : names)
                .expressionAttributeValues(values)
                .returnValues(ReturnValue.UPDATED_NEW)));
        for (int from = ATTRIBUTES_PER_UPDATE; from < attributes.size(); from += ATTRIBUTES_PER_UPDATE) {
            List<String> more = new ArrayList<>();
            Map<String, String> moreNames = new HashMap<>();
            Map<String, AttributeValue> moreValues = new HashMap<>();
            for (int i = from; i < Math.min(from + ATTRIBUTES_PER_UPDATE, attributes.size()); i++) {
                moreNames.put("#a" + i, ATTR + attributes.get(i).getKey());
                moreValues.put(":a" + i, attribute(attributes.get(i).getValue()));
                more.add("#a" + i + " = :a" + i);
            }
            run(() -> db.updateItem(r -> r.tableName(table).key(key(pk(u.workspaceId(), u.personId()), "PERSON"))
                    .updateExpression("SET " + String.join(", ", more))
                    .expressionAttributeNames(moreNames).expressionAttributeValues(moreValues)));
        }
        String consent = res.hasAttributes() ? str(res.attributes(), "consent") : null;
        return consent != null ? ConsentState.valueOf(consent) : c == null ? null : c.state();
    }

    @Override
    public void confirmConsent(String workspaceId, String personId, ConsentRecord c) {
        AttributeValue record = record(c);
        try {
            run(() -> db.updateItem(r -> r.tableName(table).key(key(pk(workspaceId, personId), "PERSON"))
                    .updateExpression("SET consent = :c, consentRecord = :r, updatedAt = :now")
                    .conditionExpression("attribute_exists(pk)")
                    .expressionAttributeValues(Map.of(":c", s(c.state().name()), ":r", record,
                            ":now", s(c.at().toString())))));
        } catch (ConditionalCheckFailedException e) {
            throw new IntakeException.NotFound("Person");
        }
    }

    /** A person attribute's stored value: long text gzipped (JSON has no binary, so a binary value is always that). */
    static AttributeValue attribute(Object v) {
        if (v instanceof String text && text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > LONG_TEXT_BYTES) return gzipped(text);
        return value(v);
    }

    /** The value of an {@link #attribute}. */
    static Object fromAttribute(AttributeValue v) {
        return v.b() != null ? gunzipped(v) : fromValue(v);
    }

    @Override
    public Optional<Person> find(String workspaceId, String personId) {
        var item = call(() -> db.getItem(r -> r.tableName(table).key(key(pk(workspaceId, personId), "PERSON")).consistentRead(true))).item();
        if (item == null || item.isEmpty()) return Optional.empty();
        Map<String, Object> attributes = new LinkedHashMap<>();
        item.forEach((k, v) -> {
            if (k.startsWith(ATTR)) attributes.put(k.substring(ATTR.length()), fromAttribute(v));
        });
        ConsentRecord record = null;
        AttributeValue r = item.get("consentRecord");
        if (r != null && r.hasM()) {
            Map<String, AttributeValue> m = r.m();
            record = new ConsentRecord(ConsentState.valueOf(str(m, "state")), Instant.parse(str(m, "at")), str(m, "ip"),
                    str(m, "formId"), Source.parse(str(m, "source")));
        }
        String consent = str(item, "consent");
        List<String> anon = item.containsKey("anon") ? item.get("anon").ss() : List.of();
        return Optional.of(new Person(workspaceId, personId, str(item, "email"), str(item, "extId"), anon, attributes,
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
        List<Map<String, AttributeValue>> items = partition(workspaceId, personId);
        Map<String, AttributeValue> person = items.stream().filter(i -> "PERSON".equals(str(i, "sk"))).findFirst().orElse(null);
        List<Map<String, AttributeValue>> keys = new ArrayList<>();
        if (person != null && person.containsKey("aliases")) {
            for (String a : person.get("aliases").ss()) keys.add(key(aliasPk(workspaceId, a), "ALIAS"));
        }
        // The person item goes last, so an erasure that dies half-way is found and finished by a retry.
        items.stream().filter(i -> i != person).forEach(i -> keys.add(key(str(i, "pk"), str(i, "sk"))));
        deleteAll(db, table, keys);
        if (person == null) return false;
        run(() -> db.deleteItem(r -> r.tableName(table).key(key(pk(workspaceId, personId), "PERSON"))));
        return true;
    }

    @Override
    public Optional<String> alias(String workspaceId, String kind, String value) {
        var item = call(() -> db.getItem(r -> r.tableName(table).key(key(aliasPk(workspaceId, kind + ":" + value), "ALIAS"))
                .consistentRead(true))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.ofNullable(str(item, "person"));
    }

    @Override
    public void link(String workspaceId, String kind, String value, String personId) {
        String alias = kind + ":" + value;
        run(() -> db.putItem(r -> r.tableName(table).item(Map.of("pk", s(aliasPk(workspaceId, alias)), "sk", s("ALIAS"),
                "person", s(personId)))));
        run(() -> db.updateItem(r -> r.tableName(table).key(key(pk(workspaceId, personId), "PERSON"))
                .updateExpression("SET ws = :ws, id = :id, createdAt = if_not_exists(createdAt, :now), updatedAt = if_not_exists(updatedAt, :now) ADD aliases :a")
                .expressionAttributeValues(Map.of(":ws", s(workspaceId), ":id", s(personId), ":now", s(Instant.now().toString()),
                        ":a", AttributeValue.fromSs(List.of(alias))))));
    }

    @Override
    public void merge(String workspaceId, String from, String to, Instant at) {
        if (from.equals(to)) return;
        List<Map<String, AttributeValue>> items = partition(workspaceId, from);
        Map<String, AttributeValue> person = items.stream().filter(i -> "PERSON".equals(str(i, "sk"))).findFirst().orElse(null);
        if (person == null) return;
        // Attributes the target lacks, in chunks that keep each expression well under DynamoDB's 4 KB.
        List<Map.Entry<String, AttributeValue>> copy = new ArrayList<>();
        person.forEach((k, v) -> { if (k.startsWith(ATTR) || k.equals("email")) copy.add(Map.entry(k, v)); });
        // The merged person may now be found by the email it took over; the target is never keyed by it.
        String email = str(person, "email");
        if (email != null) copy.add(Map.entry("emailKey", s(emailKey(workspaceId, email))));
        // The merged person is as old as the older of the two.
        AttributeValue created = person.getOrDefault("createdAt", s(at.toString()));
        for (int from0 = 0; from0 == 0 || from0 < copy.size(); from0 += 40) {
            List<String> set = new ArrayList<>(List.of("ws = :ws", "id = :id", "createdAt = if_not_exists(createdAt, :created)", "updatedAt = :now"));
            Map<String, String> names = new HashMap<>();
            Map<String, AttributeValue> values = new HashMap<>(Map.of(":ws", s(workspaceId), ":id", s(to), ":now", s(at.toString()),
                    ":created", created));
            for (int i = from0; i < Math.min(copy.size(), from0 + 40); i++) {
                names.put("#a" + i, copy.get(i).getKey());
                values.put(":a" + i, copy.get(i).getValue());
                set.add("#a" + i + " = if_not_exists(#a" + i + ", :a" + i + ")");
            }
            List<String> add = new ArrayList<>();
            if (from0 == 0) {
                for (String setName : List.of("anon", "aliases")) {
                    if (person.containsKey(setName) && person.get(setName).hasSs()) {
                        add.add(setName + " :" + setName);
                        values.put(":" + setName, person.get(setName));
                    }
                }
            }
            String expression = "SET " + String.join(", ", set) + (add.isEmpty() ? "" : " ADD " + String.join(", ", add));
            run(() -> db.updateItem(r -> r.tableName(table).key(key(pk(workspaceId, to), "PERSON"))
                    .updateExpression(expression).expressionAttributeNames(names.isEmpty() ? null : names)
                    .expressionAttributeValues(values)));
        }
        for (var item : items) {
            if (item == person) continue;
            Map<String, AttributeValue> moved = new HashMap<>(item);
            moved.put("pk", s(pk(workspaceId, to)));
            run(() -> db.putItem(r -> r.tableName(table).item(moved)));
        }
        if (person.containsKey("aliases")) {
            for (String a : person.get("aliases").ss()) {
                run(() -> db.putItem(r -> r.tableName(table).item(Map.of("pk", s(aliasPk(workspaceId, a)), "sk", s("ALIAS"),
                        "person", s(to)))));
            }
        }
        List<Map<String, AttributeValue>> keys = new ArrayList<>();
        items.forEach(i -> keys.add(key(str(i, "pk"), str(i, "sk"))));
        deleteAll(db, table, keys);
    }

    @Override
    public void upsertObject(String workspaceId, String objectTypeId, String objectId, Map<String, Object> traits, Instant at) {
        List<String> set = new ArrayList<>(List.of("ws = :ws", "typeId = :t", "objectId = :o", "createdAt = if_not_exists(createdAt, :now)", "updatedAt = :now"));
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":ws", s(workspaceId), ":t", s(objectTypeId), ":o", s(objectId),
                ":now", s(at.toString())));
        int i = 0;
        for (var e : traits.entrySet()) {
            if (e.getValue() == null) continue;
            names.put("#t" + i, ATTR + e.getKey());
            values.put(":t" + i, value(e.getValue()));
            set.add("#t" + i + " = :t" + i);
            i++;
        }
        run(() -> db.updateItem(r -> r.tableName(table).key(key("OBJECT#" + workspaceId + "#" + objectTypeId + "#" + objectId, "OBJECT"))
                .updateExpression("SET " + String.join(", ", set))
                .expressionAttributeNames(names.isEmpty() ? null : names).expressionAttributeValues(values)));
    }

    @Override
    public void relate(String workspaceId, String personId, Relationship rel, Instant at) {
        run(() -> db.putItem(r -> r.tableName(table).item(Map.of("pk", s(pk(workspaceId, personId)),
                "sk", s("REL#" + rel.objectTypeId() + "#" + rel.objectId()), "typeId", s(rel.objectTypeId()),
                "objectId", s(rel.objectId()), "at", s(at.toString())))));
    }

    @Override
    public List<Relationship> relationships(String workspaceId, String personId) {
        return call(() -> db.queryPaginator(r -> r.tableName(table)
                        .keyConditionExpression("pk = :pk AND begins_with(sk, :rel)")
                        .expressionAttributeValues(Map.of(":pk", s(pk(workspaceId, personId)), ":rel", s("REL#")))))
                .items().stream().map(i -> new Relationship(str(i, "typeId"), str(i, "objectId"))).toList();
    }

    @Override
    public void recordActivity(Activity a, Instant expiresAt) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("pk", s(pk(a.workspaceId(), a.personId())));
        item.put("sk", s(String.format("ACT#%015d#%s", Math.max(0, a.timestamp().toEpochMilli()), a.messageId())));
        item.put("type", s(a.type()));
        item.put("messageId", s(a.messageId()));
        if (a.event() != null) item.put("event", s(a.event()));
        if (a.name() != null) item.put("name", s(a.name()));
        item.put("props", value(a.properties()));
        item.put("ctx", value(a.context()));
        item.put("ts", s(a.timestamp().toString()));
        item.put("expiresAt", n(expiresAt.getEpochSecond()));
        run(() -> db.putItem(r -> r.tableName(table).item(item)));
    }

    @Override
    @SuppressWarnings("unchecked")
    public List<Activity> recentActivity(String workspaceId, String personId, int limit) {
        var res = call(() -> db.query(r -> r.tableName(table)
                .keyConditionExpression("pk = :pk AND begins_with(sk, :act)")
                .expressionAttributeValues(Map.of(":pk", s(pk(workspaceId, personId)), ":act", s("ACT#")))
                .scanIndexForward(false).limit(limit)));
        return res.items().stream().map(i -> new Activity(workspaceId, personId, str(i, "messageId"), str(i, "type"),
                str(i, "event"), str(i, "name"), (Map<String, Object>) fromValue(i.get("props")),
                (Map<String, Object>) fromValue(i.get("ctx")), Instant.parse(str(i, "ts")))).toList();
    }

    /** Every item of a person's partition: the person, relationships and activity. */
    private List<Map<String, AttributeValue>> partition(String workspaceId, String personId) {
        return call(() -> db.queryPaginator(r -> r.tableName(table).keyConditionExpression("pk = :pk").consistentRead(true)
                .expressionAttributeValues(Map.of(":pk", s(pk(workspaceId, personId))))).items().stream().toList());
    }

    private static AttributeValue record(ConsentRecord c) {
        Map<String, AttributeValue> record = new LinkedHashMap<>();
        record.put("state", s(c.state().name()));
        record.put("at", s(c.at().toString()));
        if (c.ip() != null) record.put("ip", s(c.ip()));
        record.put("formId", s(c.formId()));
        record.put("source", s(c.source().wireName()));
        return AttributeValue.fromM(record);
    }

    private static String aliasPk(String workspaceId, String alias) {
        return "ALIAS#" + workspaceId + "#" + alias;
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
