package dev.intake.domain;

import java.time.Instant;

/**
 * The record of a GDPR erasure: when it happened and how much was removed, and nothing that identifies
 * the person (not even the person id, which is derived from their email or id).
 */
public record Erasure(String id, Instant at, int submissionsDeleted) {}
