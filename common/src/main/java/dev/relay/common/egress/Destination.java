package dev.relay.common.egress;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * A destination the policy let through: the host as it was asked for (for the Host header, TLS's server name and
 * certificate check) and the address that was checked, which is where the connection goes (no second lookup).
 */
public record Destination(String host, InetAddress address, int port) {

    /** Whether the host was an address rather than a name. */
    public boolean literal() {
        return address.getHostAddress().equals(host);
    }

    /** The checked address, carrying the host's name so TLS names the server without looking anything up. */
    public InetSocketAddress socketAddress() {
        try {
            return new InetSocketAddress(InetAddress.getByAddress(host, address.getAddress()), port);
        } catch (UnknownHostException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    /** The Host header's value ({@code [v6]} bracketed, the port when it is not the scheme's). */
    public String hostHeader(boolean tls) {
        String name = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return port == (tls ? 443 : 80) ? name : name + ":" + port;
    }
}
