package dev.relay.common.egress;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

/**
 * Which addresses lead inside — to this machine, the network Relay runs in, or nowhere a tenant may send to — and
 * why: the ranges IANA marks not globally reachable, and the IPv4 address inside an IPv6 one (mapped, compatible,
 * translated, NAT64, 6to4, Teredo) judged as that IPv4 address. Pure: nothing is looked up.
 */
public final class InternalAddresses {

    private record Range(Cidr cidr, String kind) {
    }

    private static final List<Range> V4 = List.of(
            range("0.0.0.0/8", "unspecified"),
            range("127.0.0.0/8", "loopback"),
            range("10.0.0.0/8", "private"),
            range("172.16.0.0/12", "private"),
            range("192.168.0.0/16", "private"),
            range("100.64.0.0/10", "shared (CGNAT)"),
            range("169.254.0.0/16", "link-local"),
            range("192.0.0.0/24", "reserved"),
            range("192.0.2.0/24", "reserved"),
            range("198.18.0.0/15", "reserved"),
            range("198.51.100.0/24", "reserved"),
            range("203.0.113.0/24", "reserved"),
            range("224.0.0.0/4", "multicast"),
            range("240.0.0.0/4", "reserved"),
            range("255.255.255.255/32", "broadcast"));

    private static final List<Range> V6 = List.of(
            range("::/128", "unspecified"),
            range("::1/128", "loopback"),
            range("fc00::/7", "private (ULA)"),
            range("fe80::/10", "link-local"),
            range("fec0::/10", "site-local"),
            range("ff00::/8", "multicast"),
            range("64:ff9b:1::/48", "local NAT64"),
            range("100::/64", "discard"),
            range("2001:db8::/32", "reserved"));

    private InternalAddresses() {
    }

    /** Why {@code address} leads inside, or empty when it is a public address. */
    public static Optional<String> kindOf(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (address instanceof Inet4Address) {
            return kindOf(V4, bytes);
        }
        Optional<String> own = kindOf(V6, bytes);
        if (own.isPresent()) {
            return own;
        }
        for (byte[] embedded : embeddedIpv4(bytes)) {
            Optional<String> inner = kindOf(V4, embedded);
            if (inner.isPresent()) {
                return inner.map(kind -> kind + " (in IPv6)");
            }
        }
        return Optional.empty();
    }

    /** Whether {@code address} leads inside. */
    public static boolean isInternal(InetAddress address) {
        return kindOf(address).isPresent();
    }

    /** The IPv4 addresses an IPv6 address carries, by the forms that route to them. */
    static List<byte[]> embeddedIpv4(byte[] v6) {
        if (v6.length != 16) {
            return List.of();
        }
        boolean zero80 = allZero(v6, 0, 10);
        if (zero80 && (v6[10] & 0xff) == 0xff && (v6[11] & 0xff) == 0xff) {
            return List.of(slice(v6, 12)); // ::ffff:a.b.c.d, mapped
        }
        if (zero80 && v6[10] == 0 && v6[11] == 0) {
            return List.of(slice(v6, 12)); // ::a.b.c.d, compatible
        }
        if (allZero(v6, 0, 8) && (v6[8] & 0xff) == 0xff && (v6[9] & 0xff) == 0xff && v6[10] == 0 && v6[11] == 0) {
            return List.of(slice(v6, 12)); // ::ffff:0:a.b.c.d, translated (SIIT)
        }
        if (v6[0] == 0 && v6[1] == 0x64 && (v6[2] & 0xff) == 0xff && (v6[3] & 0xff) == 0x9b && allZero(v6, 4, 12)) {
            return List.of(slice(v6, 12)); // 64:ff9b::a.b.c.d, NAT64
        }
        if (v6[0] == 0x20 && v6[1] == 0x02) {
            return List.of(slice(v6, 2)); // 2002:aabb:ccdd::, 6to4
        }
        if (v6[0] == 0x20 && v6[1] == 0x01 && v6[2] == 0 && v6[3] == 0) {
            byte[] client = slice(v6, 12); // Teredo: the server, and the client with its bits inverted
            for (int i = 0; i < 4; i++) {
                client[i] = (byte) ~client[i];
            }
            return List.of(slice(v6, 4), client);
        }
        return List.of();
    }

    private static Optional<String> kindOf(List<Range> ranges, byte[] bytes) {
        for (Range range : ranges) {
            if (range.cidr().contains(bytes)) {
                return Optional.of(range.kind());
            }
        }
        return Optional.empty();
    }

    private static boolean allZero(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static byte[] slice(byte[] bytes, int from) {
        byte[] four = new byte[4];
        System.arraycopy(bytes, from, four, 0, 4);
        return four;
    }

    private static Range range(String cidr, String kind) {
        return new Range(Cidr.parse(cidr), kind);
    }
}
