package dev.intake.application;

import dev.intake.application.port.UsageKeys;
import dev.intake.application.port.WorkspaceStore;
import dev.intake.domain.Credential;
import dev.intake.domain.CredentialKind;
import dev.intake.domain.Ids;
import dev.intake.domain.IntakeException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * An operator's work on a workspace's keys: create another management API key, list the keys, revoke one.
 * The plaintext of a new key is returned once; listings show what identifies a key, never its digest.
 */
public final class ManageKeys {
    private final WorkspaceStore workspaces;
    private final UsageKeys usageKeys;
    private final Clock clock;

    /** What a listing shows of a credential. {@code id} and {@code prefix} both name it for {@link #revokeApiKey}. */
    public record KeyInfo(String id, String prefix, CredentialKind kind, boolean revoked, Instant createdAt) {
        static KeyInfo of(Credential c) {
            return new KeyInfo(c.id(), c.prefix(), c.kind(), c.revoked(), c.createdAt());
        }
    }

    /** A new API key: {@code apiKey} is the secret, shown this once. */
    public record NewKey(String apiKey, KeyInfo key) {}

    public ManageKeys(WorkspaceStore workspaces, UsageKeys usageKeys, Clock clock) {
        this.workspaces = workspaces;
        this.usageKeys = usageKeys;
        this.clock = clock;
    }

    /** A new management API key for the workspace, metered by a usage key of its own. */
    public NewKey createApiKey(String workspaceId) {
        requireWorkspace(workspaceId);
        String secret = Ids.apiKey();
        Credential key = Credential.of(secret, CredentialKind.API_KEY, workspaceId, clock.instant());
        key = key.withUsageKey(usageKeys.register(workspaceId, key.prefix()));
        workspaces.addCredential(key);
        return new NewKey(secret, KeyInfo.of(key));
    }

    /** Every key of the workspace (API, track and write keys), revoked ones included, oldest first. */
    public List<KeyInfo> list(String workspaceId) {
        requireWorkspace(workspaceId);
        return workspaces.listCredentials(workspaceId).stream().map(KeyInfo::of).toList();
    }

    /**
     * Revokes the workspace's API key named by its id ({@code key_…}) or its prefix ({@code sk_live_…}): first
     * in the store, which stops it at once, then its usage key. Revoking a revoked key repeats both steps, so a
     * second call finishes what a failed first one left undone.
     */
    public KeyInfo revokeApiKey(String workspaceId, String idOrPrefix) {
        requireWorkspace(workspaceId);
        if (idOrPrefix == null || idOrPrefix.isBlank()) {
            throw new IntakeException.Invalid("missing_key", "Name the API key by its id (key_…) or its prefix (sk_live_…)", List.of("id", "prefix"));
        }
        String name = idOrPrefix.trim();
        List<Credential> matches = workspaces.listCredentials(workspaceId).stream()
                .filter(c -> c.kind() == CredentialKind.API_KEY)
                .filter(c -> c.id().equals(name) || c.prefix().equals(name))
                .toList();
        if (matches.isEmpty()) throw new IntakeException.NotFound("API key " + name);
        if (matches.size() > 1) {
            throw new IntakeException.Invalid("ambiguous_key", matches.size() + " API keys start with " + name + "; revoke one by its id (key_…)",
                    List.of("prefix"));
        }
        Credential key = matches.getFirst();
        workspaces.revoke(key);
        if (key.usageKey() != null) usageKeys.disable(key.usageKey());
        return KeyInfo.of(key.asRevoked());
    }

    private void requireWorkspace(String workspaceId) {
        if (workspaceId == null || workspaceId.isBlank() || workspaces.find(workspaceId).isEmpty()) {
            throw new IntakeException.NotFound("Workspace");
        }
    }
}
