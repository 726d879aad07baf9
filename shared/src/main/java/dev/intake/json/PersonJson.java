package dev.intake.json;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.intake.domain.ConsentRecord;
import dev.intake.domain.Person;

/** The API shape of a person: identifiers, anonymous ids, attributes, consent with its record, timestamps. */
public final class PersonJson {
    private PersonJson() {}

    public static ObjectNode view(Person p) {
        ObjectNode o = Json.object();
        o.put("id", p.id());
        o.putObject("identifiers").put("id", p.externalId()).put("email", p.email());
        var anonymous = o.putArray("anonymousIds");
        p.anonymousIds().forEach(anonymous::add);
        o.set("attributes", Json.valuesNode(p.attributes()));
        if (p.consent() == null) {
            o.putNull("consent");
        } else {
            ObjectNode consent = o.putObject("consent");
            consent.put("state", p.consent().name());
            ConsentRecord r = p.consentRecord();
            if (r == null) {
                consent.putNull("record");
            } else {
                consent.putObject("record").put("state", r.state().name()).put("at", r.at().toString()).put("ip", r.ip())
                        .put("formId", r.formId()).put("source", r.source().wireName());
            }
        }
        o.put("createdAt", p.createdAt().toString());
        o.put("updatedAt", p.updatedAt().toString());
        return o;
    }
}
