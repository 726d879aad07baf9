package dev.intake.application;

import dev.intake.application.port.WorkspaceStore;
import dev.intake.domain.Credential;
import dev.intake.domain.CredentialKind;
import dev.intake.domain.Ids;
import dev.intake.domain.IntakeException;

/** Resolves a presented secret to the workspace that owns it. */
public final class Authenticator {
    private final WorkspaceStore workspaces;

    public Authenticator(WorkspaceStore workspaces) {
        this.workspaces = workspaces;
    }

    /** Returns the workspace id of a live management API key, or throws {@code Unauthorized}. */
    public String workspaceForApiKey(String presented) {
        if (presented == null || presented.isBlank()) {
            throw new IntakeException.Unauthorized("Missing API key: send 'Authorization: Bearer sk_…' or 'x-api-key: sk_…'");
        }
        Credential c = workspaces.findCredential(Ids.sha256(presented.trim()))
                .filter(k -> k.kind() == CredentialKind.API_KEY && !k.revoked())
                .orElseThrow(() -> new IntakeException.Unauthorized("Invalid or revoked API key"));
        return c.workspaceId();
    }

    /** A workspace in the path that is not the key's own is reported as absent, never as forbidden. */
    public static void requireSameWorkspace(String keyWorkspace, String pathWorkspace) {
        if (!keyWorkspace.equals(pathWorkspace)) throw new IntakeException.NotFound("Workspace");
    }
}
