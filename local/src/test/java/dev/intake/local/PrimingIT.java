package dev.intake.local;

import static org.junit.jupiter.api.Assertions.*;

import dev.intake.config.IntakeConfig;
import dev.intake.config.Priming;
import dev.intake.config.Services;
import java.net.URI;
import org.junit.jupiter.api.Test;

/** SnapStart's priming hook reads DynamoDB without writing, and never fails the snapshot. */
class PrimingIT {
    @Test
    void prime_readsThroughTheDynamoDbClient_andWritesNothing() {
        Services services = TestStack.get().services();
        var tables = services.config.tables();
        int before = services.workspaces.find("ws_priming").isPresent() ? 1 : 0;

        assertTrue(new Priming(services).prime(), "the priming read reaches DynamoDB Local");

        assertEquals(0, before);
        assertTrue(services.workspaces.find("ws_priming").isEmpty(), "priming stores nothing in " + tables.workspaces());
    }

    @Test
    void prime_whenDynamoDbIsUnreachable_reportsItAndDoesNotThrow() {
        IntakeConfig live = TestStack.get().services().config;
        // Port 9 (discard) on loopback: nothing listens, so the connection is refused at once.
        IntakeConfig unreachable = new IntakeConfig(live.region(), URI.create("http://127.0.0.1:9"), live.sqsEndpoint(),
                live.tables(), live.eventsQueueUrl());
        Services services = Services.create(unreachable);

        assertFalse(new Priming(services).prime());
    }
}
