package dev.relay.testsupport;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Every spelling of a destination inside (loopback, unspecified, private, CGNAT, link-local and the metadata address,
 * multicast, broadcast, reserved; IPv4 written in decimal, octal, hex, short forms; IPv6 and the IPv4 it embeds;
 * localhost names, special-use names, IDN and full-width forms) and public ones next to them, for any service's
 * tests to run against its egress policy on port 443. Names resolve through {@link #resolve}, a resolver that never
 * asks DNS: {@code public.example.test} points at 127.0.0.1, {@code rebind.example.test} at a public address and a
 * private one. Nothing here opens a connection.
 */
public final class EgressCorpus {

    /** A host as a URL or a tool argument may write it, and whether it leads inside (must be refused). */
    public record Spelling(String host, boolean inside) {
    }

    /** The test resolver's names and their addresses (literals). */
    public static final Map<String, List<String>> NAMES = Map.of(
            "public.example.test", List.of("127.0.0.1"),
            "rebind.example.test", List.of("93.184.215.14", "10.0.0.1"),
            "metadata.example.test", List.of("169.254.169.254"),
            "ula.example.test", List.of("fd00::1"),
            "mapped.example.test", List.of("::ffff:192.168.0.1"),
            "www.example.test", List.of("93.184.215.14"),
            "v6.example.test", List.of("2606:4700:4700::1111"));

    public static final List<Spelling> SPELLINGS = spellings();

    private EgressCorpus() {
    }

    /** The test resolver: {@link #NAMES}, and no other name exists. */
    public static List<InetAddress> resolve(String name) throws UnknownHostException {
        List<String> addresses = NAMES.get(name);
        if (addresses == null) {
            throw new UnknownHostException(name);
        }
        List<InetAddress> resolved = new ArrayList<>();
        for (String address : addresses) {
            resolved.add(InetAddress.getByName(address.indexOf(':') >= 0 ? "[" + address + "]" : address));
        }
        return resolved;
    }

    /** The spellings {@code refuses} judges wrongly, each saying how; empty when the policy gets them all right. */
    public static List<String> misjudged(Predicate<String> refuses) {
        List<String> wrong = new ArrayList<>();
        for (Spelling spelling : SPELLINGS) {
            boolean refused = refuses.test(spelling.host());
            if (refused != spelling.inside()) {
                wrong.add(spelling.host() + (spelling.inside() ? " leads inside but was let through" : " is public but was refused"));
            }
        }
        return wrong;
    }

    private static List<Spelling> spellings() {
        List<Spelling> all = new ArrayList<>();
        inside(all,
                // loopback, every way IPv4 can be written
                "127.0.0.1", "127.1", "127.0.1", "2130706433", "0x7f000001", "0X7F000001", "017700000001", "0177.0.0.1", "0x7f.0.0.1",
                "0x7f.1", "127.0.0.1.", "127.000.000.001", "127.255.255.254", "0177.0x0.00.01",
                "１２７.０.０.１", "127。0。0。1", "127．0．0．1",
                // loopback in IPv6, and the IPv4 loopback inside IPv6
                "[::1]", "::1", "0:0:0:0:0:0:0:1", "[0:0:0:0:0:0:0:1]", "[0000::0001]", "[::ffff:127.0.0.1]", "::ffff:7f00:1",
                "[::FFFF:7F00:1]", "[::127.0.0.1]", "[::ffff:0:127.0.0.1]", "[64:ff9b::127.0.0.1]", "[64:ff9b::7f00:1]",
                "[2002:7f00:1::]", "[2001:0:4136:e378:8000:63bf:80ff:fffe]", "[::ffff:127.1.2.3]",
                // unspecified
                "0.0.0.0", "0", "0x0", "00", "0.0.0.0.", "0.1.2.3", "[::]", "::", "[::ffff:0.0.0.0]",
                // localhost names (always this machine, never asked of DNS)
                "localhost", "LOCALHOST", "localhost.", "LocalHost.", "api.localhost", "a.b.localhost.", "ⓛⓞⓒⓐⓛⓗⓞⓢⓣ", "ｌｏｃａｌｈｏｓｔ",
                // private, CGNAT
                "10.0.0.1", "10.1", "012.0.0.1", "0xa.0.0.1", "167772161", "10.255.255.255", "172.16.0.1", "172.31.255.255",
                "192.168.1.1", "3232235777", "0xc0a80101", "192.168.257", "100.64.0.1", "100.127.255.254",
                "[::ffff:10.0.0.1]", "[::ffff:a00:1]", "[64:ff9b::10.0.0.1]", "[2002:c0a8:101::1]",
                // link-local and the cloud metadata address
                "169.254.169.254", "0xa9fea9fe", "2852039166", "0251.0376.0251.0376", "169.254.43518", "0xa9.0xfe.0xa9.0xfe",
                "[::ffff:169.254.169.254]", "[::ffff:a9fe:a9fe]", "[64:ff9b::a9fe:a9fe]", "[2002:a9fe:a9fe::1]",
                "[fe80::1]", "fe80::1%eth0", "[FE80::a:b:c:d]", "[febf:ffff::1]",
                // IPv6 unique local (fd00:ec2::254 is a cloud metadata address)
                "[fd00::1]", "fd00:ec2::254", "[fc00::1]", "[fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]", "[fec0::1]",
                // multicast, broadcast, reserved
                "224.0.0.1", "239.255.255.250", "[ff02::1]", "[ff05::1:3]", "255.255.255.255", "4294967295", "0xffffffff",
                "240.0.0.1", "192.0.0.170", "198.18.0.1", "192.0.2.1", "[64:ff9b:1::a00:1]", "[2001:db8::1]", "[100::1]",
                // names that never lead anywhere public
                "kubernetes.default.svc.cluster.local", "metadata.google.internal", "router.home.arpa", "printer.local.",
                // names that resolve inside (the test resolver), and every address of a name must be public
                "public.example.test", "PUBLIC.EXAMPLE.TEST.", "rebind.example.test", "metadata.example.test", "ula.example.test",
                "mapped.example.test",
                // no host at all: refused rather than guessed at
                "", "256.0.0.1", "1.2.3.4.5", "0x100000000", "08.0.0.1", "127.0.0.1:80", "[127.0.0.1]", "[::1", "127.0.0.1 ",
                "a..b", "no-such-name.example.test");
        outside(all,
                "93.184.215.14", "8.8.8.8", "1.1.1.1", "0x08080808", "134744072", "010.010.010.010", "8.8.2056",
                "[2606:4700:4700::1111]", "2001:4860:4860::8888", "[::ffff:8.8.8.8]", "[64:ff9b::8.8.8.8]", "[2002:808:808::1]",
                "100.63.255.255", "100.128.0.0", "172.15.255.255", "172.32.0.0", "169.253.255.255", "169.255.0.0", "11.0.0.1",
                "126.255.255.255", "128.0.0.1", "192.167.255.255", "223.255.255.255",
                "www.example.test", "WWW.Example.Test.", "v6.example.test");
        return List.copyOf(all);
    }

    private static void inside(List<Spelling> all, String... hosts) {
        for (String host : hosts) {
            all.add(new Spelling(host, true));
        }
    }

    private static void outside(List<Spelling> all, String... hosts) {
        for (String host : hosts) {
            all.add(new Spelling(host, false));
        }
    }
}
