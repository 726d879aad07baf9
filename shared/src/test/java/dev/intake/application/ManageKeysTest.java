package dev.intake.application;

import static org.junit.jupiter.api.Assertions.*;

import dev.intake.domain.Credential;
import dev.intake.domain.CredentialKind;
import dev.intake.domain.Ids;
import dev.intake.domain.IntakeException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class ManageKeysTest {
    private static final Instant NOW = Instant.parse("2025-03-04T05:06:07Z");

    private final InMemoryWorkspaceStore store = new InMemoryWorkspaceStore();
    private final RecordingUsageKeys usageKeys = new RecordingUsageKeys();
    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private final ManageKeys keys = new ManageKeys(store, usageKeys, clock);
    private final Authenticator auth = new Authenticator(store);
    private final CreateWorkspace.Secrets ws = new CreateWorkspace(store, usageKeys, clock)
            .create("Acme", new CreateWorkspace.Secrets(null, null, null, null, null));

    @Test
    void createWorkspace_whenTheNameIsBlankOrTooLong_isRefusedBeforeAnyKeyIsRegistered() {
        int registered = usageKeys.registered.size();
        var create = new CreateWorkspace(store, usageKeys, clock);
        for (String name : new String[] {"", "  ", "n".repeat(CreateWorkspace.MAX_NAME + 1)}) {
            var e = assertThrows(IntakeException.Invalid.class, () -> create.create(name, new CreateWorkspace.Secrets(null, null, null, null, null)));
            assertEquals("invalid_name", e.code());
        }
        assertEquals(registered, usageKeys.registered.size());
        assertDoesNotThrow(() -> create.create("n".repeat(CreateWorkspace.MAX_NAME), new CreateWorkspace.Secrets(null, null, null, null, null)));
    }

    @Test
    void createApiKey_returnsALiveKeyOnceAndMetersIt() {
        var created = keys.createApiKey(ws.workspaceId());

        assertTrue(created.apiKey().startsWith("sk_live_"), created.apiKey());
        assertEquals(ws.workspaceId(), auth.workspaceForApiKey(created.apiKey()));
        Credential stored = store.findCredential(Ids.sha256(created.apiKey())).orElseThrow();
        assertEquals(usageKeys.issued.getLast(), stored.usageKey());
        assertEquals(ws.workspaceId() + " " + stored.prefix(), usageKeys.registered.getLast());
        assertEquals(new ManageKeys.KeyInfo(stored.id(), stored.prefix(), CredentialKind.API_KEY, false, NOW), created.key());
        assertEquals(created.apiKey().substring(0, 12), created.key().prefix());
        assertTrue(created.key().id().matches("key_[0-9A-Za-z]{16}"), created.key().id());
    }

    @Test
    void createApiKey_whenUsageKeyFails_writesNothing() {
        usageKeys.failing = new IntakeException.Unavailable("API Gateway answered 403", 0);
        int before = store.credentials.size();

        assertThrows(IntakeException.Unavailable.class, () -> keys.createApiKey(ws.workspaceId()));
        assertEquals(before, store.credentials.size());
    }

    @Test
    void createApiKeyAndList_whenWorkspaceUnknown_throwNotFound() {
        assertThrows(IntakeException.NotFound.class, () -> keys.createApiKey("ws_nope"));
        assertThrows(IntakeException.NotFound.class, () -> keys.list("ws_nope"));
        assertThrows(IntakeException.NotFound.class, () -> keys.revokeApiKey("ws_nope", "sk_live_x"));
        assertThrows(IntakeException.NotFound.class, () -> keys.list(null));
        assertEquals(1, usageKeys.registered.size(), "only the workspace's own key was registered");
    }

    @Test
    void list_showsEveryKindButNeverTheDigestOrSecret() {
        keys.createApiKey(ws.workspaceId());

        List<ManageKeys.KeyInfo> list = keys.list(ws.workspaceId());
        assertEquals(4, list.size());
        assertEquals(java.util.Map.of(CredentialKind.API_KEY, 2L, CredentialKind.TRACK_KEY, 1L, CredentialKind.WRITE_KEY, 1L),
                list.stream().collect(java.util.stream.Collectors.groupingBy(ManageKeys.KeyInfo::kind, java.util.stream.Collectors.counting())));
        String shown = list.toString();
        for (String secret : List.of(ws.apiKey(), ws.trackKey(), ws.writeKey())) {
            assertFalse(shown.contains(secret), "secret in " + shown);
            assertFalse(shown.contains(Ids.sha256(secret)), "digest in " + shown);
        }
    }

    @Test
    void revokeApiKey_byPrefixOrId_stopsTheKeyThenDisablesItsUsageKey() {
        var second = keys.createApiKey(ws.workspaceId());
        Credential first = store.findCredential(Ids.sha256(ws.apiKey())).orElseThrow();

        var revoked = keys.revokeApiKey(ws.workspaceId(), first.prefix());
        assertTrue(revoked.revoked());
        assertEquals(first.id(), revoked.id());
        assertThrows(IntakeException.Unauthorized.class, () -> auth.workspaceForApiKey(ws.apiKey()));
        assertEquals(List.of(first.usageKey()), usageKeys.disabled);
        assertEquals(ws.workspaceId(), auth.workspaceForApiKey(second.apiKey()), "the other key still works");

        keys.revokeApiKey(ws.workspaceId(), second.key().id());
        assertThrows(IntakeException.Unauthorized.class, () -> auth.workspaceForApiKey(second.apiKey()));
        assertEquals(2, usageKeys.disabled.size());
    }

    @Test
    void revokeApiKey_twice_isFineAndDisablesAgain() {
        Credential key = store.findCredential(Ids.sha256(ws.apiKey())).orElseThrow();

        keys.revokeApiKey(ws.workspaceId(), key.id());
        var again = keys.revokeApiKey(ws.workspaceId(), key.id());

        assertTrue(again.revoked());
        assertEquals(List.of(key.usageKey(), key.usageKey()), usageKeys.disabled);
    }

    @Test
    void revokeApiKey_whenKeyIsOfAnotherWorkspaceOrKindOrUnknown_throwsNotFound() {
        var other = new CreateWorkspace(store, usageKeys, clock).create("Other", new CreateWorkspace.Secrets(null, null, null, null, null));
        Credential otherKey = store.findCredential(Ids.sha256(other.apiKey())).orElseThrow();
        Credential trackKey = store.findCredential(Ids.sha256(ws.trackKey())).orElseThrow();

        assertThrows(IntakeException.NotFound.class, () -> keys.revokeApiKey(ws.workspaceId(), otherKey.prefix()));
        assertThrows(IntakeException.NotFound.class, () -> keys.revokeApiKey(ws.workspaceId(), otherKey.id()));
        assertThrows(IntakeException.NotFound.class, () -> keys.revokeApiKey(ws.workspaceId(), trackKey.prefix()));
        assertThrows(IntakeException.NotFound.class, () -> keys.revokeApiKey(ws.workspaceId(), "sk_live_none"));
        assertThrows(IntakeException.Invalid.class, () -> keys.revokeApiKey(ws.workspaceId(), " "));
        assertEquals(other.workspaceId(), auth.workspaceForApiKey(other.apiKey()));
        assertTrue(usageKeys.disabled.isEmpty());
    }

    @Test
    void revokeApiKey_whenPrefixIsShared_asksForTheId() {
        Credential a = store.findCredential(Ids.sha256(ws.apiKey())).orElseThrow();
        String twin = a.prefix() + "differentRest";
        store.addCredential(Credential.of(twin, CredentialKind.API_KEY, ws.workspaceId(), NOW));

        var e = assertThrows(IntakeException.Invalid.class, () -> keys.revokeApiKey(ws.workspaceId(), a.prefix()));
        assertEquals("ambiguous_key", e.code());
        keys.revokeApiKey(ws.workspaceId(), a.id());
        assertEquals(ws.workspaceId(), auth.workspaceForApiKey(twin), "only the named key was revoked");
    }

    @Test
    void revokeApiKey_whenKeyHasNoUsageKey_onlyRevokes() {
        String legacy = Ids.apiKey();
        store.addCredential(Credential.of(legacy, CredentialKind.API_KEY, ws.workspaceId(), NOW));

        keys.revokeApiKey(ws.workspaceId(), Credential.prefixOf(legacy));

        assertThrows(IntakeException.Unauthorized.class, () -> auth.workspaceForApiKey(legacy));
        assertTrue(usageKeys.disabled.isEmpty());
    }
}
