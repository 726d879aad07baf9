package dev.intake.adapter.web;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Decides whether a webhook URL may be called, so that a campaign cannot aim Intake at its own network
 * (cloud metadata, loopback services, VPC neighbours). Each check answers a short reason when it refuses
 * and empty when it allows.
 *
 * <p>Both {@code http} and {@code https} are allowed; {@code http} is discouraged, since the body then
 * travels in clear text (the signature only proves who sent it). With {@code allowPrivate} (the local
 * stack) addresses are not checked, but the URL's shape still is.
 */
public final class TargetPolicy {
    private static final Pattern CANONICAL_IPV4 = Pattern.compile("((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
    private static final Pattern NUMERIC_LABEL = Pattern.compile("\\d+|0[xX][0-9a-fA-F]*");

    private final boolean allowPrivate;

    /** @param allowPrivate true to allow private, loopback and link-local targets ({@code INTAKE_WEBHOOKS_ALLOW_PRIVATE}) */
    public TargetPolicy(boolean allowPrivate) {
        this.allowPrivate = allowPrivate;
    }

    /** True when private, loopback and link-local targets are allowed. */
    public boolean allowPrivate() { return allowPrivate; }

    /**
     * Checks the URL alone, whatever {@code allowPrivate} says: the scheme is http or https, there is a
     * host, no user name or password, a port (if any) within 1–65535, and a host that is not a numeric
     * form other than a plain dotted quad ({@code 2130706433}, {@code 0177.0.0.1}, {@code 0x7f.1}).
     */
    public Optional<String> refusal(URI url) {
        if (url == null) return Optional.of("no URL");
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return Optional.of("only http and https URLs can be called" + (scheme.isEmpty() ? "" : ", not " + scheme));
        }
        // Checked before the host: java.net.URI gives no host for some authorities it cannot parse.
        if (url.getRawUserInfo() != null || (url.getRawAuthority() != null && url.getRawAuthority().contains("@"))) {
            return Optional.of("URLs with a user name or password are not allowed");
        }
        String host = url.getHost();
        if (host == null || host.isEmpty()) return Optional.of("the URL has no valid host");
        if (url.getPort() != -1 && (url.getPort() < 1 || url.getPort() > 65535)) {
            return Optional.of("port " + url.getPort() + " is out of range");
        }
        // Parsers disagree on these (Java reads 0177.0.0.1 as 177.0.0.1, inet_aton as 127.0.0.1), and no
        // real host name ends in a numeric label, so refuse them rather than guess which reading wins.
        String name = stripDot(host);
        String last = name.substring(name.lastIndexOf('.') + 1);
        if (!host.startsWith("[") && NUMERIC_LABEL.matcher(last).matches() && !CANONICAL_IPV4.matcher(name).matches()) {
            return Optional.of(host + " is not a valid host name; write IPv4 addresses as four decimal numbers");
        }
        return Optional.empty();
    }

    /**
     * Checks a resolved address. Unless {@code allowPrivate}, refuses the unspecified, loopback,
     * link-local (including 169.254.169.254), private, carrier-grade NAT, unique-local, multicast,
     * broadcast and other special-purpose ranges, also when an IPv6 address wraps one of those IPv4
     * addresses (IPv4-mapped, IPv4-compatible, NAT64 {@code 64:ff9b::/96}, 6to4 {@code 2002::/16}).
     */
    public Optional<String> refusal(InetAddress address) {
        if (allowPrivate) return Optional.empty();
        byte[] b = address.getAddress();
        String text = address.getHostAddress();
        if (b.length == 4) return v4Kind(b).map(kind -> text + " is " + kind);
        Optional<String> kind = v6Kind(b);
        if (kind.isPresent()) return kind.map(k -> text + " is " + k);
        byte[] v4 = embeddedV4(b);
        if (v4 == null) return Optional.empty();
        String inner = (v4[0] & 0xff) + "." + (v4[1] & 0xff) + "." + (v4[2] & 0xff) + "." + (v4[3] & 0xff);
        return v4Kind(v4).map(k -> text + " wraps " + inner + ", " + k);
    }

    /**
     * The checks that need no DNS, for when a campaign is saved: {@link #refusal(URI)}, then, unless
     * {@code allowPrivate}, literal IP addresses as in {@link #refusal(InetAddress)} and the names
     * {@code localhost}, {@code *.localhost} and {@code *.internal}. A name that passes may still resolve
     * to a refused address, which the sender checks when it sends.
     */
    public Optional<String> refusalBeforeResolving(URI url) {
        Optional<String> shape = refusal(url);
        if (shape.isPresent() || allowPrivate) return shape;
        String host = url.getHost();
        String name = stripDot(host).toLowerCase(Locale.ROOT);
        if (name.equals("localhost") || name.endsWith(".localhost")) return Optional.of(host + " is a loopback name");
        if (name.endsWith(".internal")) return Optional.of(host + " is an internal name");
        if (name.startsWith("[") || CANONICAL_IPV4.matcher(name).matches()) {
            try {
                // A literal (bracketed IPv6 or dotted quad): parsed, never looked up.
                return refusal(InetAddress.getByName(name));
            } catch (UnknownHostException e) {
                return Optional.of(host + " is not a valid IP address");
            }
        }
        return Optional.empty();
    }

    private static Optional<String> v4Kind(byte[] b) {
        int a = b[0] & 0xff, c = b[1] & 0xff;
        if (a == 0) return Optional.of(isZero(b, 0, 4) ? "an unspecified address" : "a 'this network' address");
        if (a == 127) return Optional.of("a loopback address");
        if (a == 10 || (a == 172 && (c & 0xf0) == 16) || (a == 192 && c == 168)) return Optional.of("a private address");
        if (a == 100 && (c & 0xc0) == 64) return Optional.of("a carrier-grade NAT address");
        if (a == 169 && c == 254) return Optional.of("a link-local address");
        if (a == 192 && c == 0 && b[2] == 0) return Optional.of("an IETF protocol address");
        if (a == 198 && (c & 0xfe) == 18) return Optional.of("a benchmarking address");
        if ((a & 0xf0) == 224) return Optional.of("a multicast address");
        if (a == 255 && c == 255 && b[2] == (byte) 255 && b[3] == (byte) 255) return Optional.of("the broadcast address");
        if ((a & 0xf0) == 240) return Optional.of("a reserved address");
        return Optional.empty();
    }

    private static Optional<String> v6Kind(byte[] b) {
        if (isZero(b, 0, 16)) return Optional.of("an unspecified address");
        if (isZero(b, 0, 15) && b[15] == 1) return Optional.of("a loopback address");
        int first = b[0] & 0xff, second = b[1] & 0xff;
        if (first == 0xfe && (second & 0xc0) == 0x80) return Optional.of("a link-local address");
        if (first == 0xfe && (second & 0xc0) == 0xc0) return Optional.of("a site-local address");
        if ((first & 0xfe) == 0xfc) return Optional.of("a unique-local address");
        if (first == 0xff) return Optional.of("a multicast address");
        return Optional.empty();
    }

    /** The IPv4 address an IPv6 address stands for, or null. */
    private static byte[] embeddedV4(byte[] b) {
        boolean mapped = isZero(b, 0, 10) && b[10] == (byte) 0xff && b[11] == (byte) 0xff;
        boolean compatible = isZero(b, 0, 12);
        boolean nat64 = b[0] == 0 && b[1] == 0x64 && b[2] == (byte) 0xff && b[3] == (byte) 0x9b && isZero(b, 4, 12);
        if (mapped || compatible || nat64) return new byte[] {b[12], b[13], b[14], b[15]};
        if (b[0] == 0x20 && b[1] == 0x02) return new byte[] {b[2], b[3], b[4], b[5]};
        return null;
    }

    private static boolean isZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) if (b[i] != 0) return false;
        return true;
    }

    private static String stripDot(String host) {
        return host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    }
}
