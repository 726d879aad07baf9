package dev.intake.adapter.dynamodb;

import static dev.intake.adapter.dynamodb.Dynamo.*;

import dev.intake.application.port.SubmissionStore;
import dev.intake.domain.IntakeException;
import dev.intake.domain.Source;
import dev.intake.domain.Submission;
import dev.intake.domain.SubmissionMetadata;
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
 * Submissions table: {@code pk = <formKey>}, {@code sk = <submission id>}. Submission ids begin with their
 * creation time, so the sort key orders a form's submissions by time: newest first is a reverse query,
 * {@code created_after}/{@code created_before} are key conditions, and a page starts after the last key
 * returned ({@code ExclusiveStartKey}), so page 1,000 reads as few items as page 1.
 *
 * <p>The values are stored as gzipped JSON ({@code dataz}): a 1 KB submission then fits its item in one write
 * unit instead of two. Items written before that hold a map in {@code data}; both are read.
 *
 * <p>{@code owner = <workspaceId>#<personId>} keys the sparse, keys-only GSI {@value #BY_PERSON}, which
 * finds a person's submissions across forms for erasure.
 */
public final class DynamoSubmissionStore implements SubmissionStore {
    public static final String BY_PERSON = "byPerson";

    private final DynamoDbClient db;
    private final String table;

    public DynamoSubmissionStore(DynamoDbClient db, String table) {
        this.db = db;
        this.table = table;
    }

    @Override
    public void save(String formKey, Submission s) {
        Map<String, AttributeValue> item = new HashMap<>(key(formKey, s.id()));
        item.put("ws", s(s.workspaceId()));
        item.put("formId", s(s.formId()));
        item.put("dataz", gzippedValues(s.data()));
        SubmissionMetadata m = s.metadata();
        if (m.ip() != null) item.put("ip", s(m.ip()));
        if (m.userAgent() != null) item.put("ua", s(m.userAgent()));
        if (m.referrer() != null) item.put("ref", s(m.referrer()));
        item.put("source", s(m.source().wireName()));
        item.put("at", s(s.submittedAt().toString()));
        if (s.personId() != null) {
            item.put("person", s(s.personId()));
            item.put("owner", s(owner(s.workspaceId(), s.personId())));
        }
        try {
            run(() -> db.putItem(r -> r.tableName(table).item(item).conditionExpression("attribute_not_exists(sk)")));
        } catch (ConditionalCheckFailedException e) {
            throw new IntakeException.Conflict("Submission " + s.id() + " already exists");
        }
    }

    @Override
    public Optional<Submission> find(String formKey, String submissionId) {
        var item = call(() -> db.getItem(r -> r.tableName(table).key(key(formKey, submissionId)).consistentRead(true))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(submission(item));
    }

    @Override
    public Slice list(String formKey, Range range, int limit) {
        if (range.fromId().compareTo(range.toId()) > 0) return new Slice(List.of(), false);
        var res = call(() -> db.query(r -> r.tableName(table)
                .keyConditionExpression("pk = :pk AND sk BETWEEN :from AND :to")
                .expressionAttributeValues(Map.of(":pk", s(formKey), ":from", s(range.fromId()), ":to", s(range.toId())))
                .exclusiveStartKey(range.startAfter() == null ? null : key(formKey, range.startAfter()))
                .scanIndexForward(false)
                .limit(limit + 1)));
        List<Submission> items = res.items().stream().limit(limit).map(DynamoSubmissionStore::submission).toList();
        // One item past the page says whether there are more; a 1 MB response cut short says so too.
        boolean more = res.items().size() > limit || (res.hasLastEvaluatedKey() && !res.lastEvaluatedKey().isEmpty());
        return new Slice(items, more && !items.isEmpty());
    }

    @Override
    public Optional<Submission> delete(String formKey, String submissionId) {
        var res = call(() -> db.deleteItem(r -> r.tableName(table).key(key(formKey, submissionId)).returnValues(ReturnValue.ALL_OLD)));
        return res.hasAttributes() && !res.attributes().isEmpty() ? Optional.of(submission(res.attributes())) : Optional.empty();
    }

    @Override
    public List<Ref> findByPerson(String workspaceId, String personId) {
        return call(() -> db.queryPaginator(r -> r.tableName(table).indexName(BY_PERSON)
                        .keyConditionExpression("#o = :o")
                        .expressionAttributeNames(Map.of("#o", "owner"))
                        .expressionAttributeValues(Map.of(":o", s(owner(workspaceId, personId)))))
                .items().stream().map(i -> new Ref(str(i, "pk"), str(i, "sk"))).toList());
    }

    private static String owner(String workspaceId, String personId) {
        return workspaceId + "#" + personId;
    }

    /** The form key an item is stored under (its partition key). */
    public static String formKey(Map<String, AttributeValue> item) {
        return str(item, "pk");
    }

    /** The submission an item holds, as read from the table or from its stream. */
    public static Submission submission(Map<String, AttributeValue> item) {
        return new Submission(str(item, "sk"), str(item, "ws"), str(item, "formId"), item.containsKey("dataz") ? fromGzippedValues(item.get("dataz")) : fromValues(item.get("data")),
                new SubmissionMetadata(str(item, "ip"), str(item, "ua"), str(item, "ref"), Source.parse(str(item, "source"))),
                Instant.parse(str(item, "at")), str(item, "person"));
    }
}
