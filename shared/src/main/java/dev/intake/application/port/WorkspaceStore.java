package dev.intake.application.port;

import dev.intake.domain.Credential;
import dev.intake.domain.Workspace;
import java.util.List;
import java.util.Optional;

/** Workspaces and their hashed credentials. */
public interface WorkspaceStore {
    /** Creates the workspace and its credentials together; fails if any of them exists. */
    void create(Workspace workspace, List<Credential> credentials);

    Optional<Workspace> find(String workspaceId);

    Optional<Credential> findCredential(String hash);

    /** The workspace whose public site id this is. */
    Optional<Workspace> findBySite(String siteId);

    /**
     * Adds a credential to an existing workspace: {@code NotFound} when the workspace does not exist,
     * {@code Conflict} when the credential does.
     */
    void addCredential(Credential credential);

    /** Every credential of the workspace, revoked ones included, oldest first. */
    List<Credential> listCredentials(String workspaceId);

    /** Marks the credential revoked; revoking a revoked credential changes nothing. {@code NotFound} if absent. */
    void revoke(Credential credential);
}
