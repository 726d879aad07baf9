package dev.intake.config;

import dev.intake.json.Json;
import java.lang.System.Logger.Level;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;

/**
 * SnapStart priming. Lambda takes the snapshot after the function's init; this hook runs just before it and
 * does, once, the work a first request would otherwise pay for after every restore: loading and linking the
 * DynamoDB client's request pipeline (marshalling, signing, the HTTP client, unmarshalling) with one
 * read of an item that never exists, and Jackson's parser, tree model and writer with one round trip.
 *
 * <p>It never fails the snapshot: a read that cannot reach DynamoDB still loaded most of the classes, and the
 * request after restore simply pays for the rest. On JVMs without CRaC (the local stack, tests) the hook is
 * registered and never called.
 */
public final class Priming implements Resource {
    private static final System.Logger LOG = System.getLogger("intake");
    /** CRaC holds resources weakly; this keeps the container's one hook alive. */
    private static volatile Priming registered;

    private final Services services;

    public Priming(Services services) {
        this.services = services;
    }

    /** Registers the hook for the container-wide services, once. */
    static synchronized void register(Services services) {
        if (registered != null) return;
        registered = new Priming(services);
        Core.getGlobalContext().register(registered);
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        prime();
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        // Nothing to restore: the SDK's HTTP client opens a new connection when a pooled one has gone stale.
    }

    /** Runs the priming work; returns whether the DynamoDB read succeeded. */
    public boolean prime() {
        try {
            var node = Json.mapper().readTree("{\"data\":{\"email\":\"priming@example.com\",\"n\":1,\"ok\":true,\"tags\":[\"a\"]}}");
            Json.mapper().writeValueAsString(node);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("Jackson could not read its own sample", e);
        }
        try {
            services.workspaces.find("ws_priming");
            return true;
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "priming: the DynamoDB read failed (" + e.getClass().getSimpleName() + "); the first request will load the rest");
            return false;
        }
    }
}
