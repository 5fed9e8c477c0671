package dev.relay.common.egress;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/** Turns a host name into its addresses; the policy asks it once per destination and checks every answer. */
@FunctionalInterface
public interface EgressResolver {

    /** The system's resolver. */
    EgressResolver SYSTEM = host -> List.of(InetAddress.getAllByName(host));

    /** The addresses of {@code host} (an ASCII name, never a literal); none is an {@link UnknownHostException}. */
    List<InetAddress> resolve(String host) throws UnknownHostException;
}
