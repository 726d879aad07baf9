package dev.intake.application;

import dev.intake.application.port.WorkspaceStore;
import dev.intake.domain.Credential;
import dev.intake.domain.IntakeException;
import dev.intake.domain.Workspace;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A {@link WorkspaceStore} in maps; like the real one, creation is all or nothing. */
final class InMemoryWorkspaceStore implements WorkspaceStore {
    final Map<String, Workspace> workspaces = new LinkedHashMap<>();
    final Map<String, Credential> credentials = new LinkedHashMap<>();

    @Override
    public void create(Workspace workspace, List<Credential> creds) {
        if (workspaces.containsKey(workspace.id())
                || creds.stream().anyMatch(c -> credentials.containsKey(c.hash()))) {
            throw new IntakeException.Conflict("Workspace or credential exists");
        }
        workspaces.put(workspace.id(), workspace);
        creds.forEach(c -> credentials.put(c.hash(), c));
    }

    @Override
    public Optional<Workspace> find(String workspaceId) {
        return Optional.ofNullable(workspaces.get(workspaceId));
    }

    @Override
    public Optional<Credential> findCredential(String hash) {
        return Optional.ofNullable(credentials.get(hash));
    }

    @Override
    public Optional<Workspace> findBySite(String siteId) {
        return workspaces.values().stream().filter(w -> w.siteId().equals(siteId)).findFirst();
    }

    @Override
    public void addCredential(Credential c) {
        if (!workspaces.containsKey(c.workspaceId())) throw new IntakeException.NotFound("Workspace");
        if (credentials.putIfAbsent(c.hash(), c) != null) throw new IntakeException.Conflict("The key already exists");
    }

    @Override
    public List<Credential> listCredentials(String workspaceId) {
        return credentials.values().stream().filter(c -> c.workspaceId().equals(workspaceId))
                .sorted(Comparator.comparing(Credential::createdAt)).toList();
    }

    @Override
    public void revoke(Credential c) {
        if (credentials.computeIfPresent(c.hash(), (h, stored) -> stored.asRevoked()) == null) throw new IntakeException.NotFound("Key");
    }
}
