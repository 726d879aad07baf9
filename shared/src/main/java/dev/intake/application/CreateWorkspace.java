package dev.intake.application;

import dev.intake.application.port.UsageKeys;
import dev.intake.application.port.WorkspaceStore;
import dev.intake.domain.Credential;
import dev.intake.domain.CredentialKind;
import dev.intake.domain.Ids;
import dev.intake.domain.IntakeException;
import dev.intake.domain.Workspace;
import java.time.Clock;
import java.util.List;

/** Creates a workspace with its credentials; the plaintext secrets are returned once and never stored. */
public final class CreateWorkspace {
    private final WorkspaceStore workspaces;
    private final UsageKeys usageKeys;
    private final Clock clock;

    /** The secrets to hand to the operator. Any null input is generated. */
    public record Secrets(String workspaceId, String siteId, String trackKey, String writeKey, String apiKey) {
        public Secrets withDefaults() {
            return new Secrets(
                    workspaceId != null ? workspaceId : Ids.workspace(),
                    siteId != null ? siteId : Ids.siteId(),
                    trackKey != null ? trackKey : Ids.trackKey(),
                    writeKey != null ? writeKey : Ids.writeKey(),
                    apiKey != null ? apiKey : Ids.apiKey());
        }
    }

    public CreateWorkspace(WorkspaceStore workspaces, UsageKeys usageKeys, Clock clock) {
        this.workspaces = workspaces;
        this.usageKeys = usageKeys;
        this.clock = clock;
    }

    /**
     * Registers the API key's usage key first, then writes everything in one transaction. If the write fails
     * (the workspace exists, say), the usage key is left behind unused: it names no credential, so no request
     * is ever metered against it, and it grants nothing.
     */
    /** The longest workspace name. */
    public static final int MAX_NAME = 200;

    public Secrets create(String name, Secrets requested) {
        if (name == null || name.isBlank() || name.length() > MAX_NAME) {
            throw new IntakeException.Invalid("invalid_name", "'name' must be 1 to " + MAX_NAME + " characters", List.of("name"));
        }
        Secrets s = requested.withDefaults();
        var now = clock.instant();
        Credential apiKey = Credential.of(s.apiKey(), CredentialKind.API_KEY, s.workspaceId(), now);
        apiKey = apiKey.withUsageKey(usageKeys.register(s.workspaceId(), apiKey.prefix()));
        workspaces.create(new Workspace(s.workspaceId(), name, s.siteId(), now), List.of(
                apiKey,
                Credential.of(s.trackKey(), CredentialKind.TRACK_KEY, s.workspaceId(), now),
                Credential.of(s.writeKey(), CredentialKind.WRITE_KEY, s.workspaceId(), now)));
        return s;
    }
}
