package dev.relay.common.egress;

import java.net.IDN;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Reads a host as a connection would: every spelling of an address becomes that address, as the C library's
 * {@code inet_aton} and the URL standard read it ({@code 127.1}, {@code 2130706433}, {@code 0x7f000001},
 * {@code 017700000001}, {@code [::ffff:127.0.0.1]}), and a name becomes its lower-case ASCII form without the trailing
 * dot (IDN, full-width letters and dots included). Nothing is looked up.
 */
public final class HostNames {

    /** A host read: {@code name} as a name (or the address's text), {@code literal} the address when it was one. */
    public record Host(String name, InetAddress literal) {

        /** Whether the name is {@code localhost} or under it, which always means this machine (RFC 6761). */
        public boolean isLocalhost() {
            return literal == null && (name.equals("localhost") || name.endsWith(".localhost"));
        }
    }

    private static final Pattern LABEL = Pattern.compile("[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?");
    private static final Pattern NUMERIC = Pattern.compile("[0-9]+|0x[0-9a-f]*");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]+");

    private HostNames() {
    }

    /** The host {@code raw} names; an {@link IllegalArgumentException} when it is neither a name nor an address. */
    public static Host parse(String raw) {
        if (raw == null || raw.isEmpty() || raw.length() > 1024) {
            throw invalid(raw);
        }
        String text = raw;
        if (text.startsWith("[") && text.endsWith("]")) {
            text = text.substring(1, text.length() - 1);
            if (text.indexOf(':') < 0) {
                throw invalid(raw);
            }
        } else if (text.startsWith("[") || text.endsWith("]")) {
            throw invalid(raw);
        }
        if (text.indexOf(':') >= 0) {
            InetAddress address = ipv6(text, raw);
            return new Host(address.getHostAddress(), address);
        }
        String ascii;
        try {
            ascii = IDN.toASCII(text, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException notIdn) {
            throw invalid(raw);
        }
        if (ascii.endsWith(".")) {
            ascii = ascii.substring(0, ascii.length() - 1);
        }
        if (ascii.isEmpty() || ascii.length() > 253) {
            throw invalid(raw);
        }
        String[] labels = ascii.split("\\.", -1);
        if (NUMERIC.matcher(labels[labels.length - 1]).matches()) {
            InetAddress address = ipv4(labels, raw);
            return new Host(address.getHostAddress(), address);
        }
        for (String label : labels) {
            if (!LABEL.matcher(label).matches()) {
                throw invalid(raw);
            }
        }
        return new Host(ascii, null);
    }

    /** 1 to 4 parts, each decimal, octal (leading 0) or hex (0x); the last one fills the bytes left. */
    private static InetAddress ipv4(String[] parts, String raw) {
        if (parts.length > 4) {
            throw invalid(raw);
        }
        long[] values = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            if (!NUMERIC.matcher(parts[i]).matches()) {
                throw invalid(raw);
            }
            values[i] = number(parts[i], raw);
        }
        long address = 0;
        for (int i = 0; i < parts.length - 1; i++) {
            if (values[i] > 255) {
                throw invalid(raw);
            }
            address |= values[i] << (8 * (3 - i));
        }
        long last = values[parts.length - 1];
        if (last >= 1L << (8 * (5 - parts.length))) {
            throw invalid(raw);
        }
        address |= last;
        byte[] bytes = {(byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8), (byte) address};
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    private static long number(String part, String raw) {
        try {
            if (part.startsWith("0x")) {
                return part.length() == 2 ? 0 : parseBounded(part.substring(2), 16, raw);
            }
            if (part.length() > 1 && part.startsWith("0")) {
                return parseBounded(part.substring(1), 8, raw);
            }
            return parseBounded(part, 10, raw);
        } catch (NumberFormatException notANumber) {
            throw invalid(raw);
        }
    }

    private static long parseBounded(String digits, int radix, String raw) {
        if (digits.length() > 32) {
            throw invalid(raw);
        }
        long value = Long.parseLong(digits, radix);
        if (value > 0xffffffffL) {
            throw invalid(raw);
        }
        return value;
    }

    /** An IPv6 literal (a zone, {@code %eth0}, is dropped: the address decides); bracketed so the JDK never looks it up. */
    private static InetAddress ipv6(String text, String raw) {
        int zone = text.indexOf('%');
        String address = zone < 0 ? text : text.substring(0, zone);
        if (!IPV6.matcher(address).matches()) {
            throw invalid(raw);
        }
        try {
            return InetAddress.getByName("[" + address + "]");
        } catch (UnknownHostException notAnAddress) {
            throw invalid(raw);
        }
    }

    private static IllegalArgumentException invalid(String raw) {
        return new IllegalArgumentException("not a host: " + raw);
    }
}
