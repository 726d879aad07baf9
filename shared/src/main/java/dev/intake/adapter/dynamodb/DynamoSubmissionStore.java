package dev.intake.adapter.dynamodb;

import static dev.intake.adapter.dynamodb.Dynamo.*;

import dev.intake.application.port.SubmissionStore;
import dev.intake.domain.IntakeException;
import dev.intake.domain.Source;
import dev.intake.domain.Submission;
import dev.intake.domain.SubmissionMetadata;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * Submissions table: {@code pk = <formKey>}, {@code sk = <submission id>}. Submission ids begin with their
 * creation time, so the sort key orders a form's submissions by time: newest first is a reverse query,
 * {@code created_after}/{@code created_before} are key conditions, and a cursor is the last key returned.
 */
public final class DynamoSubmissionStore implements SubmissionStore {
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
        item.put("data", values(s.data()));
        SubmissionMetadata m = s.metadata();
        if (m.ip() != null) item.put("ip", s(m.ip()));
        if (m.userAgent() != null) item.put("ua", s(m.userAgent()));
        if (m.referrer() != null) item.put("ref", s(m.referrer()));
        item.put("source", s(m.source().wireName()));
        item.put("at", s(s.submittedAt().toString()));
        if (s.personId() != null) item.put("person", s(s.personId()));
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

    static Submission submission(Map<String, AttributeValue> item) {
        return new Submission(str(item, "sk"), str(item, "ws"), str(item, "formId"), fromValues(item.get("data")),
                new SubmissionMetadata(str(item, "ip"), str(item, "ua"), str(item, "ref"), Source.parse(str(item, "source"))),
                Instant.parse(str(item, "at")), str(item, "person"));
    }
}
