package dev.intake.json;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.intake.domain.Submission;
import dev.intake.domain.SubmissionMetadata;

/** The API shape of a submission (seed 001): values keyed by field id, metadata with its source. */
public final class SubmissionJson {
    private SubmissionJson() {}

    public static ObjectNode view(Submission s) {
        ObjectNode o = Json.object();
        o.put("id", s.id());
        o.put("form_id", s.formId());
        o.set("data", Json.valuesNode(s.data()));
        SubmissionMetadata m = s.metadata();
        ObjectNode meta = o.putObject("metadata");
        meta.put("ip", m.ip());
        meta.put("user_agent", m.userAgent());
        meta.put("referrer", m.referrer());
        meta.put("source", m.source().wireName());
        o.put("submitted_at", s.submittedAt().toString());
        return o;
    }
}
