package dev.intake.json;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.intake.application.ManagePeople;
import dev.intake.domain.Activity;
import dev.intake.domain.ConsentRecord;
import dev.intake.domain.Person;

/**
 * The API shape of a person: identifiers, anonymous ids, attributes, consent with its record, relationships,
 * latest events and timestamps.
 */
public final class PersonJson {
    private PersonJson() {}

    /** A person with their relationships and latest activity, newest first. */
    public static ObjectNode view(ManagePeople.Profile profile) {
        ObjectNode o = view(profile.person());
        var rels = o.putArray("relationships");
        profile.relationships().forEach(r -> rels.addObject().put("objectTypeId", r.objectTypeId()).put("objectId", r.objectId()));
        var events = o.putArray("events");
        for (Activity a : profile.recentActivity()) {
            ObjectNode e = events.addObject();
            e.put("type", a.type()).put("event", a.event()).put("name", a.name());
            e.set("properties", Json.valueNode(a.properties()));
            e.put("timestamp", a.timestamp().toString()).put("messageId", a.messageId());
        }
        // Timestamps last, as in the plain view.
        o.set("createdAt", o.remove("createdAt"));
        o.set("updatedAt", o.remove("updatedAt"));
        return o;
    }

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
