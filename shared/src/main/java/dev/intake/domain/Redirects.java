package dev.intake.domain;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Where an action-URL post sends the visitor. The {@code success_url} the page asked for is honoured only
 * when its host is allowed: listed by the form or the workspace, or the host of the page that posted the
 * form. Anything else falls back to the form's own {@code redirectUrl}, then to the built-in thank-you
 * page, so the action URL can never be used as an open redirect.
 */
public final class Redirects {
    private Redirects() {}

    /**
     * The absolute URL to redirect to, or empty for the built-in thank-you page.
     *
     * @param successUrl the {@code success_url} query parameter, as decoded (may be null)
     * @param origin the request's {@code Origin} header (may be null)
     * @param referer the request's {@code Referer} header, used when there is no usable {@code Origin}
     */
    public static Optional<String> target(String successUrl, FormSettings form, Workspace workspace,
                                          String origin, String referer) {
        Optional<URI> wanted = webUrl(successUrl);
        if (wanted.isPresent()) {
            String host = wanted.get().getHost().toLowerCase(Locale.ROOT);
            if (listed(host, form.redirectHosts()) || listed(host, workspace.redirectHosts())
                    || host.equals(postingHost(origin, referer))) {
                return Optional.of(wanted.get().toASCIIString());
            }
        }
        return webUrl(form.redirectUrl()).map(URI::toASCIIString);
    }

    /** The host of the posting page: {@code Origin} first, else {@code Referer}; null if neither is a web URL. */
    static String postingHost(String origin, String referer) {
        return webUrl(origin).or(() -> webUrl(referer)).map(u -> u.getHost().toLowerCase(Locale.ROOT)).orElse(null);
    }

    /** A link back to the posting page for error pages, or null. */
    public static String backLink(String referer, String origin) {
        return webUrl(referer).or(() -> webUrl(origin)).map(URI::toASCIIString).orElse(null);
    }

    /**
     * An absolute http(s) URL with a host and no user info. Control characters and spaces make
     * {@link URI} refuse the string, so a value that passes cannot split a {@code Location} header.
     */
    public static Optional<URI> webUrl(String s) {
        if (s == null || s.isBlank() || s.length() > 2048) return Optional.empty();
        for (int i = 0; i < s.length(); i++) if (s.charAt(i) < 0x21 || s.charAt(i) == 0x7f) return Optional.empty();
        try {
            URI u = new URI(s);
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) return Optional.empty();
            if (u.getHost() == null || u.getRawUserInfo() != null) return Optional.empty();
            return Optional.of(u);
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }

    /** Exact host match, or a listed {@code *.example.com} matching any subdomain of example.com. */
    private static boolean listed(String host, List<String> hosts) {
        for (String h : hosts) {
            String allowed = h.trim().toLowerCase(Locale.ROOT);
            if (allowed.startsWith("*.") ? host.endsWith(allowed.substring(1)) : host.equals(allowed)) return true;
        }
        return false;
    }
}
