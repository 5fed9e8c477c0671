package dev.relay.common.egress;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The one gate every connection made on a tenant's behalf goes through (built-in tools, webhook sends, MCP servers):
 * the host is read in every spelling ({@link HostNames}), resolved once, every address checked ({@link InternalAddresses}
 * plus the operator's {@link EgressRules}), and the connection then goes to the checked address ({@link Destination}).
 * A refusal is one neutral {@link EgressRefused}, decided before any socket is opened. The model provider and
 * Relay's own infrastructure are configured by the operator and do not go through it.
 */
@ApplicationScoped
public class EgressPolicy {

    /** Names that never lead anywhere public (RFC 6762 {@code .local}, RFC 8375 {@code home.arpa}, ICANN's {@code .internal}). */
    private static final List<String> SPECIAL_USE = List.of(".local", ".internal", ".home.arpa", ".localdomain");
    private static final List<InetAddress> LOOPBACK = List.of(address(new byte[] {127, 0, 0, 1}),
            address(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}));

    private final EgressRules rules;
    private final EgressResolver resolver;

    @Inject
    public EgressPolicy(EgressConfig config) {
        this(EgressRules.of(config), EgressResolver.SYSTEM);
    }

    public EgressPolicy(EgressRules rules, EgressResolver resolver) {
        this.rules = rules;
        this.resolver = resolver;
    }

    /**
     * Resolves {@code host} once and checks the port and every address it has: the destination to connect to, or
     * {@link EgressRefused}; a name without addresses is an {@link UnknownHostException}.
     */
    public Destination check(String host, int port) throws EgressRefused, UnknownHostException {
        HostNames.Host parsed = read(host);
        if (!rules.allowsPort(port) || refusesName(parsed)) {
            throw new EgressRefused();
        }
        List<InetAddress> addresses = addressesOf(parsed);
        boolean trusted = parsed.literal() == null && rules.allowsHost(parsed.name());
        for (InetAddress address : addresses) {
            if (!allows(address, trusted)) {
                throw new EgressRefused();
            }
        }
        return new Destination(parsed.name(), addresses.get(0), port);
    }

    /** {@link #check} for an http or https URL (its port, or the scheme's). */
    public Destination check(URI url) throws EgressRefused, UnknownHostException {
        if (url.getHost() == null || !("http".equalsIgnoreCase(url.getScheme()) || "https".equalsIgnoreCase(url.getScheme()))) {
            throw new EgressRefused();
        }
        return check(url.getHost(), portOf(url));
    }

    /**
     * Whether {@code url} is refused without looking anything up: a bad port, an address or name that leads inside
     * (what can be told when a URL is set; it is checked again, resolved, at every connection).
     */
    public boolean refusesOnItsFace(URI url) {
        try {
            HostNames.Host parsed = read(url.getHost());
            if (!rules.allowsPort(portOf(url)) || refusesName(parsed)) {
                return true;
            }
            if (parsed.literal() == null && !parsed.isLocalhost()) {
                return false;
            }
            return addressesOf(parsed).stream().anyMatch(address -> !allows(address, false));
        } catch (EgressRefused | UnknownHostException refused) {
            return true;
        }
    }

    /**
     * The addresses of {@code host} a connection may go to (through the same resolver); those that lead inside are
     * left out. A name the policy refuses has none.
     */
    public List<InetAddress> allowedAddresses(String host) throws UnknownHostException {
        HostNames.Host parsed;
        try {
            parsed = read(host);
        } catch (EgressRefused invalid) {
            return List.of();
        }
        if (refusesName(parsed)) {
            return List.of();
        }
        boolean trusted = parsed.literal() == null && rules.allowsHost(parsed.name());
        List<InetAddress> allowed = new ArrayList<>();
        for (InetAddress address : addressesOf(parsed)) {
            if (allows(address, trusted)) {
                allowed.add(address);
            }
        }
        return allowed;
    }

    /** Whether the name itself is refused (localhost is not: its addresses decide), whatever it resolves to. */
    public boolean refusesName(String host) {
        try {
            return refusesName(read(host));
        } catch (EgressRefused invalid) {
            return true;
        }
    }

    private boolean refusesName(HostNames.Host host) {
        if (host.literal() != null) {
            return false;
        }
        if (rules.deniesHost(host.name())) {
            return true;
        }
        String dotted = "." + host.name();
        return !rules.allowsHost(host.name()) && SPECIAL_USE.stream().anyMatch(dotted::endsWith);
    }

    private boolean allows(InetAddress address, boolean trustedName) {
        for (Cidr denied : rules.denyCidrs()) {
            if (denied.contains(address) || InternalAddresses.embeddedIpv4(address.getAddress()).stream().anyMatch(denied::contains)) {
                return false;
            }
        }
        if (trustedName || rules.allowCidrs().stream().anyMatch(allowed -> allowed.contains(address))) {
            return true;
        }
        return !InternalAddresses.isInternal(address);
    }

    private List<InetAddress> addressesOf(HostNames.Host host) throws UnknownHostException {
        if (host.literal() != null) {
            return List.of(host.literal());
        }
        if (host.isLocalhost()) {
            return LOOPBACK;
        }
        List<InetAddress> addresses = resolver.resolve(host.name());
        if (addresses == null || addresses.isEmpty()) {
            throw new UnknownHostException(host.name());
        }
        return addresses;
    }

    private static HostNames.Host read(String host) throws EgressRefused {
        try {
            return HostNames.parse(host);
        } catch (IllegalArgumentException invalid) {
            throw new EgressRefused();
        }
    }

    private static int portOf(URI url) {
        return url.getPort() != -1 ? url.getPort() : "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80;
    }

    private static InetAddress address(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException impossible) {
            throw new IllegalStateException(impossible);
        }
    }
}
