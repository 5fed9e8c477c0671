package dev.relay.common.egress;

import java.util.BitSet;
import java.util.List;
import java.util.Locale;

/** The operator's additions to the built-in policy, parsed: ports, address ranges and host names allowed or denied. */
public record EgressRules(BitSet ports, List<Cidr> allowCidrs, List<Cidr> denyCidrs, List<String> allowHosts,
        List<String> denyHosts) {

    /** Nothing internal, ports 80 and 443. */
    public static final EgressRules DEFAULT = parse(List.of("80", "443"), List.of(), List.of(), List.of(), List.of());

    public static EgressRules of(EgressConfig config) {
        return parse(config.allowedPorts(), config.allowCidrs().orElse(List.of()), config.denyCidrs().orElse(List.of()),
                config.allowHosts().orElse(List.of()), config.denyHosts().orElse(List.of()));
    }

    public static EgressRules parse(List<String> ports, List<String> allowCidrs, List<String> denyCidrs, List<String> allowHosts,
            List<String> denyHosts) {
        return new EgressRules(ports(ports), cidrs(allowCidrs), cidrs(denyCidrs), hosts(allowHosts), hosts(denyHosts));
    }

    /** These rules with {@code cidrs} also allowed (a test's loopback receiver, say). */
    public EgressRules allowing(String... cidrs) {
        List<Cidr> allowed = new java.util.ArrayList<>(allowCidrs);
        allowed.addAll(cidrs(List.of(cidrs)));
        return new EgressRules(ports, List.copyOf(allowed), denyCidrs, allowHosts, denyHosts);
    }

    /** These rules with {@code ports} (numbers and ranges) as the allowed ports. */
    public EgressRules withPorts(String... ports) {
        return new EgressRules(ports(List.of(ports)), allowCidrs, denyCidrs, allowHosts, denyHosts);
    }

    boolean allowsPort(int port) {
        return port > 0 && port < 65536 && ports.get(port);
    }

    boolean allowsHost(String name) {
        return matches(allowHosts, name);
    }

    boolean deniesHost(String name) {
        return matches(denyHosts, name);
    }

    private static boolean matches(List<String> patterns, String name) {
        return patterns.stream().anyMatch(pattern -> pattern.startsWith("*.") ? name.endsWith(pattern.substring(1))
                : name.equals(pattern));
    }

    private static BitSet ports(List<String> specs) {
        BitSet ports = new BitSet(65536);
        for (String spec : specs) {
            String[] bounds = spec.strip().split("-", 2);
            int from = port(bounds[0], spec);
            int to = bounds.length == 1 ? from : port(bounds[1], spec);
            if (to < from) {
                throw new IllegalArgumentException("not a port range: " + spec);
            }
            ports.set(from, to + 1);
        }
        return ports;
    }

    private static int port(String text, String spec) {
        try {
            int port = Integer.parseInt(text.strip());
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw new IllegalArgumentException("not a port or port range: " + spec);
    }

    private static List<Cidr> cidrs(List<String> specs) {
        return specs.stream().filter(spec -> !spec.isBlank()).map(Cidr::parse).toList();
    }

    private static List<String> hosts(List<String> specs) {
        return specs.stream().filter(spec -> !spec.isBlank()).map(spec -> {
            String host = spec.strip();
            String name = HostNames.parse(host.startsWith("*.") ? host.substring(2) : host).name();
            return (host.startsWith("*.") ? "*." : "") + name.toLowerCase(Locale.ROOT);
        }).toList();
    }
}
