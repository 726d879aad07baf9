package dev.intake.domain;

import java.time.Instant;
import java.util.List;

/**
 * A tenant; a "site" in Customer.io terms. {@code siteId} is public and appears in action URLs.
 *
 * @param redirectHosts hosts that any form of the workspace may send visitors to after an action-URL post
 * @param autoRegisterForms whether a submission to an unknown form id registers the form (Customer.io's
 *     behaviour, and the default)
 */
public record Workspace(String id, String name, String siteId, Instant createdAt, List<String> redirectHosts,
                        boolean autoRegisterForms) {
    public Workspace {
        redirectHosts = redirectHosts == null ? List.of() : List.copyOf(redirectHosts);
    }

    public Workspace(String id, String name, String siteId, Instant createdAt) {
        this(id, name, siteId, createdAt, List.of(), true);
    }
}
