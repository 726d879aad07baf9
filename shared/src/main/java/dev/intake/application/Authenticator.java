package dev.intake.application;

import dev.intake.application.port.WorkspaceStore;
import dev.intake.domain.Credential;
import dev.intake.domain.CredentialKind;
import dev.intake.domain.Ids;
import dev.intake.domain.IntakeException;
import dev.intake.domain.Workspace;

/** Resolves a presented secret to the workspace that owns it. */
public final class Authenticator {
    private final WorkspaceStore workspaces;

    public Authenticator(WorkspaceStore workspaces) {
        this.workspaces = workspaces;
    }

    /** Returns the workspace id of a live management API key, or throws {@code Unauthorized}. */
    public String workspaceForApiKey(String presented) {
        return liveApiKey(presented).workspaceId();
    }

    /**
     * The stored credential of a live management API key, or {@code Unauthorized} with the message the caller
     * sees (the request authorizer and the handlers give the same one).
     */
    public Credential liveApiKey(String presented) {
        if (presented == null || presented.isBlank()) {
            throw new IntakeException.Unauthorized("Missing API key: send 'Authorization: Bearer sk_…' or 'x-api-key: sk_…'");
        }
        return workspaces.findCredential(Ids.sha256(presented.trim()))
                .filter(k -> k.kind() == CredentialKind.API_KEY && !k.revoked())
                .orElseThrow(() -> new IntakeException.Unauthorized("Invalid or revoked API key"));
    }

    /** The workspace of a tracking write key (Basic {@code write_key:}, or {@code writeKey} in the body). */
    public String workspaceForWriteKey(String presented) {
        if (presented == null || presented.isBlank()) {
            throw new IntakeException.Unauthorized("Missing write key: send HTTP Basic 'write_key:' or 'writeKey' in the body");
        }
        return workspaces.findCredential(Ids.sha256(presented.trim()))
                .filter(k -> k.kind() == CredentialKind.WRITE_KEY && !k.revoked())
                .orElseThrow(() -> new IntakeException.Unauthorized("Invalid or revoked write key"))
                .workspaceId();
    }

    /**
     * Returns the workspace of a site id whose track key is {@code trackKey} (HTTP Basic
     * {@code site_id:track_key}), or throws {@code Unauthorized}.
     */
    public Workspace workspaceForSite(String siteId, String trackKey) {
        if (siteId == null || siteId.isBlank() || trackKey == null || trackKey.isBlank()) {
            throw new IntakeException.Unauthorized("Missing credentials: send HTTP Basic auth with your site id and track API key");
        }
        Workspace ws = workspaces.findBySite(siteId.trim()).orElse(null);
        boolean ok = ws != null && workspaces.findCredential(Ids.sha256(trackKey.trim()))
                .filter(k -> k.kind() == CredentialKind.TRACK_KEY && !k.revoked() && k.workspaceId().equals(ws.id()))
                .isPresent();
        if (!ok) throw new IntakeException.Unauthorized("Invalid site id or track API key");
        return ws;
    }

    /** The workspace of a public site id, as named in an action URL. */
    public Workspace workspaceForPublicSite(String siteId) {
        if (siteId == null || siteId.isBlank()) {
            throw new IntakeException.Invalid("missing_site_id", "The action URL needs 'site_id'", java.util.List.of("site_id"));
        }
        return workspaces.findBySite(siteId.trim()).orElseThrow(() -> new IntakeException.NotFound("Site"));
    }

    /**
     * The workspace of an API key on a route that names a workspace in its path. A workspace that is not
     * the key's own is reported as absent, never as forbidden.
     */
    public String workspaceForApiKey(String presented, String pathWorkspace) {
        String ws = workspaceForApiKey(presented);
        if (!ws.equals(pathWorkspace)) throw new IntakeException.NotFound("Workspace");
        return ws;
    }
}
