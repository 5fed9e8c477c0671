package dev.relay.common.egress;

import java.net.InetAddress;

/** An address range ({@code 10.0.0.0/8}, {@code fd00::/8}); an address matches when its first {@code bits} bits do. */
public record Cidr(byte[] network, int bits) {

    /** Parses {@code address/bits} (a bare address is a range of one). */
    public static Cidr parse(String text) {
        String spec = text.strip();
        int slash = spec.indexOf('/');
        InetAddress address = HostNames.parse(slash < 0 ? spec : spec.substring(0, slash)).literal();
        if (address == null) {
            throw new IllegalArgumentException("not an address range: " + text);
        }
        byte[] bytes = address.getAddress();
        int bits;
        try {
            bits = slash < 0 ? bytes.length * 8 : Integer.parseInt(spec.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not an address range: " + text);
        }
        if (bits < 0 || bits > bytes.length * 8) {
            throw new IllegalArgumentException("not an address range: " + text);
        }
        return new Cidr(bytes, bits);
    }

    /** Whether {@code address} (of the same family) lies in the range. */
    public boolean contains(InetAddress address) {
        return contains(address.getAddress());
    }

    boolean contains(byte[] address) {
        if (address.length != network.length) {
            return false;
        }
        for (int bit = 0; bit < bits; bit += 8) {
            int mask = bits - bit >= 8 ? 0xff : (0xff << (8 - (bits - bit))) & 0xff;
            if ((address[bit / 8] & mask) != (network[bit / 8] & mask)) {
                return false;
            }
        }
        return true;
    }
}
