package dev.intake.application;

import dev.intake.application.port.WorkspaceStore;
import dev.intake.domain.Credential;
import dev.intake.domain.CredentialKind;
import dev.intake.domain.Ids;
import dev.intake.domain.Workspace;
import java.time.Clock;
import java.util.List;

/** Creates a workspace with its credentials; the plaintext secrets are returned once and never stored. */
public final class CreateWorkspace {
    private final WorkspaceStore workspaces;
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

    public CreateWorkspace(WorkspaceStore workspaces, Clock clock) {
        this.workspaces = workspaces;
        this.clock = clock;
    }

    public Secrets create(String name, Secrets requested) {
        Secrets s = requested.withDefaults();
        var now = clock.instant();
        workspaces.create(new Workspace(s.workspaceId(), name, s.siteId(), now), List.of(
                Credential.of(s.apiKey(), CredentialKind.API_KEY, s.workspaceId(), now),
                Credential.of(s.trackKey(), CredentialKind.TRACK_KEY, s.workspaceId(), now),
                Credential.of(s.writeKey(), CredentialKind.WRITE_KEY, s.workspaceId(), now)));
        return s;
    }
}
