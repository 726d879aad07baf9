package dev.intake.domain;

import java.util.Map;

/**
 * What one submission changes on a person: the identifiers it carries, the attribute values it sets, and
 * the consent it asks for. {@code consent} is {@code PENDING} for double opt-in forms, which never
 * downgrades a person who already opted in.
 */
public record PersonUpsert(String workspaceId, String personId, String email, String externalId,
                           Map<String, Object> attributes, ConsentRecord consent) {}
