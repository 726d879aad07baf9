package dev.intake.domain;

import java.time.Instant;

/**
 * A stored secret. Only its SHA-256 digest and a short display prefix are kept.
 *
 * @param usageKey the usage-plan key that meters a management API key; null for other kinds, and for API keys
 *     made before keys were metered
 */
public record Credential(String hash, String prefix, CredentialKind kind, String workspaceId, boolean revoked,
                         Instant createdAt, UsageKey usageKey) {
    public static Credential of(String secret, CredentialKind kind, String workspaceId, Instant now) {
        return new Credential(Ids.sha256(secret), prefixOf(secret), kind, workspaceId, false, now, null);
    }

    /** The part of a secret that may be shown and logged: at most its first 12 characters. */
    public static String prefixOf(String secret) {
        return secret.substring(0, Math.min(secret.length(), 12));
    }

    /** A public, stable name for the credential, derived from its digest; shown in key listings. */
    public String id() {
        return Ids.credentialId(hash);
    }

    public Credential withUsageKey(UsageKey key) {
        return new Credential(hash, prefix, kind, workspaceId, revoked, createdAt, key);
    }

    public Credential asRevoked() {
        return new Credential(hash, prefix, kind, workspaceId, true, createdAt, usageKey);
    }
}
