package dev.intake.application;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.intake.domain.Credential;
import dev.intake.domain.CredentialKind;
import dev.intake.domain.Ids;
import dev.intake.domain.IntakeException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuthenticatorTest {
    private static final Instant NOW = Instant.parse("2025-03-04T05:06:07Z");

    private final InMemoryWorkspaceStore store = new InMemoryWorkspaceStore();
    private final RecordingUsageKeys usageKeys = new RecordingUsageKeys();
    private final CreateWorkspace createWorkspace = new CreateWorkspace(store, usageKeys, Clock.fixed(NOW, ZoneOffset.UTC));
    private final Authenticator auth = new Authenticator(store);

    private CreateWorkspace.Secrets workspace() {
        return createWorkspace.create("Acme", new CreateWorkspace.Secrets(null, null, null, null, null));
    }

    @Test
    void create_whenNoSecretsGiven_generatesThemAndStoresOnlyHashes() {
        var s = workspace();

        assertTrue(s.apiKey().startsWith("sk_live_"), s.apiKey());
        assertEquals("Acme", store.find(s.workspaceId()).orElseThrow().name());
        assertEquals(3, store.credentials.size());
        var hashes = java.util.Set.of(Ids.sha256(s.apiKey()), Ids.sha256(s.trackKey()), Ids.sha256(s.writeKey()));
        assertEquals(hashes, store.credentials.keySet());
        for (Credential c : store.credentials.values()) {
            assertTrue(c.prefix().length() <= 12, c.prefix());
            assertEquals(s.workspaceId(), c.workspaceId());
            assertFalse(c.revoked());
        }
        assertEquals(CredentialKind.API_KEY, store.findCredential(Ids.sha256(s.apiKey())).orElseThrow().kind());
    }

    @Test
    void create_registersAUsageKeyForTheApiKeyOnly() {
        var s = workspace();

        Credential api = store.findCredential(Ids.sha256(s.apiKey())).orElseThrow();
        assertEquals(List.of(s.workspaceId() + " " + api.prefix()), usageKeys.registered);
        assertEquals(usageKeys.issued.getFirst(), api.usageKey());
        assertNull(store.findCredential(Ids.sha256(s.trackKey())).orElseThrow().usageKey());
        assertNull(store.findCredential(Ids.sha256(s.writeKey())).orElseThrow().usageKey());
    }

    @Test
    void liveApiKey_returnsTheCredentialWithItsUsageKey() {
        var s = workspace();

        Credential c = auth.liveApiKey(s.apiKey());
        assertEquals(s.workspaceId(), c.workspaceId());
        assertEquals(usageKeys.issued.getFirst(), c.usageKey());
        var e = assertThrows(IntakeException.Unauthorized.class, () -> auth.liveApiKey(null));
        assertTrue(e.getMessage().startsWith("Missing API key"), e.getMessage());
        assertEquals("Invalid or revoked API key", assertThrows(IntakeException.Unauthorized.class, () -> auth.liveApiKey(s.writeKey())).getMessage());
    }

    @Test
    void workspaceForApiKey_whenLiveKey_returnsItsWorkspace() {
        var s = workspace();

        assertEquals(s.workspaceId(), auth.workspaceForApiKey(s.apiKey()));
        assertEquals(s.workspaceId(), auth.workspaceForApiKey("  " + s.apiKey() + " "));
    }

    @Test
    void workspaceForApiKey_whenKeyUnknownOrMissing_throwsUnauthorized() {
        workspace();

        assertThrows(IntakeException.Unauthorized.class, () -> auth.workspaceForApiKey(Ids.apiKey()));
        assertThrows(IntakeException.Unauthorized.class, () -> auth.workspaceForApiKey(null));
        assertThrows(IntakeException.Unauthorized.class, () -> auth.workspaceForApiKey(" "));
    }

    @Test
    void workspaceForApiKey_whenGivenTrackOrWriteKey_throwsUnauthorized() {
        var s = workspace();

        assertThrows(IntakeException.Unauthorized.class, () -> auth.workspaceForApiKey(s.trackKey()));
        assertThrows(IntakeException.Unauthorized.class, () -> auth.workspaceForApiKey(s.writeKey()));
    }

    @Test
    void workspaceForApiKey_whenKeyRevoked_throwsUnauthorized() {
        var s = workspace();
        String hash = Ids.sha256(s.apiKey());
        Credential live = store.credentials.get(hash);
        store.credentials.put(hash, live.asRevoked());

        assertThrows(IntakeException.Unauthorized.class, () -> auth.workspaceForApiKey(s.apiKey()));
    }

    @Test
    void workspaceForApiKey_whenPathNamesAnotherWorkspace_throwsNotFound() {
        var s = workspace();
        assertEquals(s.workspaceId(), auth.workspaceForApiKey(s.apiKey(), s.workspaceId()));

        assertThrows(IntakeException.NotFound.class, () -> auth.workspaceForApiKey(s.apiKey(), "ws_other"));
    }
}
