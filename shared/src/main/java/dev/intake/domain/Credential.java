package dev.intake.domain;

import java.time.Instant;

/** A stored secret. Only its SHA-256 digest and a short display prefix are kept. */
public record Credential(String hash, String prefix, CredentialKind kind, String workspaceId, boolean revoked,
                         Instant createdAt) {
    public static Credential of(String secret, CredentialKind kind, String workspaceId, Instant now) {
        return new Credential(Ids.sha256(secret), secret.substring(0, Math.min(secret.length(), 12)), kind,
                workspaceId, false, now);
    }
}
