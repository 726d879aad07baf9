package dev.intake.adapter.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TargetPolicyTest {
    private final TargetPolicy strict = new TargetPolicy(false);
    private final TargetPolicy local = new TargetPolicy(true);

    /**
     * The address an IP literal stands for, built with getByAddress so nothing is looked up. IPv6 text
     * stays an Inet6Address, even for ::ffff:a.b.c.d, which InetAddress.getByName would turn into IPv4.
     */
    static InetAddress ip(String literal) throws Exception {
        if (!literal.contains(":")) {
            String[] parts = literal.split("\\.");
            byte[] b = new byte[4];
            for (int i = 0; i < 4; i++) b[i] = (byte) Integer.parseInt(parts[i]);
            return InetAddress.getByAddress(b);
        }
        byte[] parsed = InetAddress.getByName(literal).getAddress(); // a literal: parsed, never resolved
        byte[] b = new byte[16];
        if (parsed.length == 4) {
            b[10] = (byte) 0xff;
            b[11] = (byte) 0xff;
        }
        System.arraycopy(parsed, 0, b, 16 - parsed.length, parsed.length);
        return Inet6Address.getByAddress(null, b, -1);
    }

    @ParameterizedTest
    @CsvSource({
            "0.0.0.0, an unspecified address",
            "0.255.255.255, a 'this network' address",
            "127.0.0.1, a loopback address",
            "127.255.255.255, a loopback address",
            "10.0.0.0, a private address",
            "10.255.255.255, a private address",
            "172.16.0.0, a private address",
            "172.31.255.255, a private address",
            "192.168.0.0, a private address",
            "192.168.255.255, a private address",
            "100.64.0.0, a carrier-grade NAT address",
            "100.127.255.255, a carrier-grade NAT address",
            "169.254.0.0, a link-local address",
            "169.254.169.254, a link-local address",
            "169.254.255.255, a link-local address",
            "192.0.0.0, an IETF protocol address",
            "192.0.0.255, an IETF protocol address",
            "198.18.0.0, a benchmarking address",
            "198.19.255.255, a benchmarking address",
            "224.0.0.0, a multicast address",
            "239.255.255.255, a multicast address",
            "240.0.0.0, a reserved address",
            "255.255.255.254, a reserved address",
            "255.255.255.255, the broadcast address",
    })
    void refusalOfAddress_whenSpecialIpv4_namesTheRange(String address, String kind) throws Exception {
        assertEquals(Optional.of(address + " is " + kind), strict.refusal(ip(address)));
    }

    @ParameterizedTest
    @CsvSource({
            "::, an unspecified address",
            "::1, a loopback address",
            "fe80::, a link-local address",
            "febf:ffff::1, a link-local address",
            "fec0::1, a site-local address",
            "fc00::, a unique-local address",
            "fdff:ffff::1, a unique-local address",
            "fd00:ec2::254, a unique-local address",
            "ff02::1, a multicast address",
    })
    void refusalOfAddress_whenSpecialIpv6_namesTheRange(String address, String kind) throws Exception {
        InetAddress a = ip(address);

        assertEquals(Optional.of(a.getHostAddress() + " is " + kind), strict.refusal(a));
    }

    @ParameterizedTest
    @CsvSource({
            "::ffff:127.0.0.1, 127.0.0.1, a loopback address",
            "::ffff:169.254.169.254, 169.254.169.254, a link-local address",
            "::ffff:10.0.0.1, 10.0.0.1, a private address",
            "::127.0.0.1, 127.0.0.1, a loopback address",
            "::192.168.1.1, 192.168.1.1, a private address",
            "::0.0.0.2, 0.0.0.2, a 'this network' address",
            "64:ff9b::a00:1, 10.0.0.1, a private address",
            "64:ff9b::127.0.0.1, 127.0.0.1, a loopback address",
            "64:ff9b::a9fe:a9fe, 169.254.169.254, a link-local address",
            "2002:c0a8:101::1, 192.168.1.1, a private address",
    })
    void refusalOfAddress_whenIpv6WrapsSpecialIpv4_namesTheInnerAddress(String address, String inner, String kind) throws Exception {
        InetAddress a = ip(address);

        assertTrue(a instanceof Inet6Address);
        assertEquals(Optional.of(a.getHostAddress() + " wraps " + inner + ", " + kind), strict.refusal(a));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "1.1.1.1", "8.8.8.8", "1.0.0.0", "9.255.255.255", "11.0.0.0", "126.255.255.255", "128.0.0.0",
            "172.15.255.255", "172.32.0.0", "192.167.255.255", "192.169.0.0", "100.63.255.255", "100.128.0.0",
            "169.253.255.255", "169.255.0.0", "191.255.255.255", "192.0.1.0", "198.17.255.255", "198.20.0.0",
            "223.255.255.255",
            "2606:4700:4700::1111", "2a05:d018::1", "fbff:ffff::1", "fe7f:ffff::1", "fe00::1",
            "::ffff:8.8.8.8", "::8.8.8.8", "64:ff9b::808:808", "2002:808:808::1",
    })
    void refusalOfAddress_whenPublic_isEmpty(String address) throws Exception {
        assertEquals(Optional.empty(), strict.refusal(ip(address)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "169.254.169.254", "10.0.0.1", "::1", "::ffff:127.0.0.1", "fd00:ec2::254"})
    void refusalOfAddress_whenPrivateAllowed_isEmpty(String address) throws Exception {
        assertEquals(Optional.empty(), local.refusal(ip(address)));
    }

    /** Java reads a lone decimal number as an IPv4 address, without DNS. */
    @Test
    void refusalOfAddress_whenDecimalFormOfLoopback_isRefusedAsLoopback() throws Exception {
        InetAddress a = InetAddress.getByName("2130706433");

        assertEquals("127.0.0.1", a.getHostAddress());
        assertEquals(Optional.of("127.0.0.1 is a loopback address"), strict.refusal(a));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "ftp://example.com/x | only http and https URLs can be called, not ftp",
            "file:///etc/passwd | only http and https URLs can be called, not file",
            "gopher://127.0.0.1:6379/_INFO | only http and https URLs can be called, not gopher",
            "mailto:ops@example.com | only http and https URLs can be called, not mailto",
            "//example.com/x | only http and https URLs can be called",
            "http://user:pass@example.com/ | URLs with a user name or password are not allowed",
            "https://token@example.com/ | URLs with a user name or password are not allowed",
            "http:///path | the URL has no valid host",
            "http:relative | the URL has no valid host",
            "http://127.1/ | the URL has no valid host",
            "http://example.com:0/ | port 0 is out of range",
            "http://example.com:65536/ | port 65536 is out of range",
            "http://2130706433/ | 2130706433 is not a valid host name; write IPv4 addresses as four decimal numbers",
            "http://0177.0.0.1/ | 0177.0.0.1 is not a valid host name; write IPv4 addresses as four decimal numbers",
            "http://0x7f000001/ | 0x7f000001 is not a valid host name; write IPv4 addresses as four decimal numbers",
            // java.net.URI gives no host when the last label starts with a digit and the whole is no IPv4 address.
            "http://10.0.0.1.5/ | the URL has no valid host",
            "http://127.0.0.1./ | the URL has no valid host",
    })
    void refusalOfUrl_whenShapeIsWrong_saysWhyEvenWhenPrivateAllowed(String url, String reason) {
        assertEquals(Optional.of(reason), strict.refusal(URI.create(url)));
        assertEquals(Optional.of(reason), local.refusal(URI.create(url)));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "https://hooks.example.com/intake", "HTTP://Example.COM:8080/x?y=1", "https://example.com:65535/",
            "http://127.0.0.1/", "http://[::1]:8080/", "https://8.8.8.8/", "https://example.com./", "https://1password.com/",
    })
    void refusalOfUrl_whenShapeIsRight_isEmpty(String url) {
        assertEquals(Optional.empty(), strict.refusal(URI.create(url)));
    }

    @Test
    void refusalOfUrl_whenNull_isRefused() {
        assertEquals(Optional.of("no URL"), strict.refusal((URI) null));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "http://localhost:8080/ | localhost is a loopback name",
            "http://LOCALHOST./ | LOCALHOST. is a loopback name",
            "http://api.localhost/ | api.localhost is a loopback name",
            "http://metadata.google.internal/computeMetadata/v1/ | metadata.google.internal is an internal name",
            "http://ip-10-0-0-1.ec2.internal/ | ip-10-0-0-1.ec2.internal is an internal name",
            "http://127.0.0.1:9000/ | 127.0.0.1 is a loopback address",
            "http://169.254.169.254/latest/meta-data | 169.254.169.254 is a link-local address",
            "http://10.0.0.1/ | 10.0.0.1 is a private address",
            "http://0.0.0.0/ | 0.0.0.0 is an unspecified address",
            "http://[::1]/ | 0:0:0:0:0:0:0:1 is a loopback address",
            "http://[::ffff:127.0.0.1]/ | 127.0.0.1 is a loopback address",
            "http://[fd00:ec2::254]/ | fd00:ec2:0:0:0:0:0:254 is a unique-local address",
            "http://[64:ff9b::a00:1]/ | 64:ff9b:0:0:0:0:a00:1 wraps 10.0.0.1, a private address",
            "http://2130706433/ | 2130706433 is not a valid host name; write IPv4 addresses as four decimal numbers",
            "ftp://example.com/ | only http and https URLs can be called, not ftp",
    })
    void refusalBeforeResolving_whenLiteralPrivateOrLocalName_isRefused(String url, String reason) {
        assertEquals(Optional.of(reason), strict.refusalBeforeResolving(URI.create(url)));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "https://hooks.example.com/intake", "https://8.8.8.8/", "https://[2606:4700:4700::1111]/",
            "https://localhost.example.com/", "https://internal.example.com/", "https://notlocalhost/",
    })
    void refusalBeforeResolving_whenPublicOrUnknownName_isEmpty(String url) {
        assertEquals(Optional.empty(), strict.refusalBeforeResolving(URI.create(url)));
    }

    @Test
    void refusalBeforeResolving_whenPrivateAllowed_checksOnlyTheShape() {
        assertEquals(Optional.empty(), local.refusalBeforeResolving(URI.create("http://localhost:3000/hook")));
        assertEquals(Optional.empty(), local.refusalBeforeResolving(URI.create("http://169.254.169.254/")));
        assertEquals(Optional.of("only http and https URLs can be called, not ftp"),
                local.refusalBeforeResolving(URI.create("ftp://localhost/")));
    }
}
