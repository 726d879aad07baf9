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
}
