package dev.intake.domain;

import java.time.Instant;

/** A tenant; a "site" in Customer.io terms. {@code siteId} is public and appears in action URLs. */
public record Workspace(String id, String name, String siteId, Instant createdAt) {}
