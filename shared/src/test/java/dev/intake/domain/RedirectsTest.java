package dev.intake.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RedirectsTest {
    private static final Workspace WS = new Workspace("ws_a", "A", "site_a", Instant.EPOCH, List.of("*.trusted.example"), true);
    private static final FormSettings FORM = new FormSettings("https://owner.example/thanks", null, null,
            List.of("success.example.com"), null, null);
    private static final FormSettings BARE = FormSettings.DEFAULT;

    @Test
    void target_whenHostListedByForm_usesSuccessUrl() {
        assertEquals(Optional.of("https://success.example.com/thanks?a=1"),
                Redirects.target("https://success.example.com/thanks?a=1", FORM, WS, null, null));
    }

    @Test
    void target_whenHostMatchesWorkspaceWildcard_usesSuccessUrl() {
        assertEquals(Optional.of("https://www.trusted.example/ok"), Redirects.target("https://www.trusted.example/ok", BARE, WS, null, null));
    }

    @Test
    void target_whenSameHostAsOrigin_usesSuccessUrl() {
        assertEquals(Optional.of("https://site.example/thanks"),
                Redirects.target("https://site.example/thanks", BARE, WS, "https://site.example", "https://other.example/"));
    }

    @Test
    void target_whenNoOriginButSameHostAsReferer_usesSuccessUrl() {
        assertEquals(Optional.of("http://localhost:8080/ok"),
                Redirects.target("http://localhost:8080/ok", BARE, WS, null, "http://localhost:8080/form.html"));
    }

    @Test
    void target_whenOriginIsOpaqueNull_fallsBackToReferer() {
        assertEquals(Optional.of("https://site.example/ok"),
                Redirects.target("https://site.example/ok", BARE, WS, "null", "https://site.example/page"));
    }

    @Test
    void target_whenHostNotAllowed_usesFormRedirectUrl() {
        assertEquals(Optional.of("https://owner.example/thanks"),
                Redirects.target("https://evil.example/phish", FORM, WS, "https://site.example", null));
    }

    @Test
    void target_whenHostNotAllowedAndNoFormRedirect_isTheBuiltInPage() {
        assertEquals(Optional.empty(), Redirects.target("https://evil.example/", BARE, WS, null, null));
    }

    @Test
    void target_whenSubdomainTrickAgainstListedHost_isRefused() {
        assertEquals(Optional.empty(), Redirects.target("https://success.example.com.evil.example/", BARE,
                new Workspace("ws", "n", "s", Instant.EPOCH, List.of("success.example.com"), true), null, null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"javascript:alert(1)", "//evil.example/x", "/relative", "https://user:pw@site.example/",
            "https://site.example/a\r\nSet-Cookie: x=1", "https://site.example/a b", "data:text/html,hi", "ftp://site.example/"})
    void target_whenNotAPlainWebUrl_isNeverUsed(String url) {
        assertEquals(Optional.empty(), Redirects.target(url, BARE, WS, "https://site.example", null));
    }
}
