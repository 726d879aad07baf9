package dev.intake.domain;

import java.time.Instant;
import java.util.Map;

/**
 * What one submission or tracking call changes on a person: the identifiers it carries, the attribute
 * values it sets, the consent it asks for, and an anonymous id to link. {@code consent} is null for calls
 * that say nothing about consent, and {@code PENDING} for double opt-in forms, which never downgrades a
 * person who already opted in.
 */
public record PersonUpsert(String workspaceId, String personId, String email, String externalId,
                           Map<String, Object> attributes, ConsentRecord consent, String anonymousId, Instant at) {}
