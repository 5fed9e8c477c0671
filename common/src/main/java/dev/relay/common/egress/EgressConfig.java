package dev.relay.common.egress;

import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Where connections made on a tenant's behalf (tools, webhook sends) may go; by default nowhere internal. */
@ConfigMapping(prefix = "relay.egress")
public interface EgressConfig {

    /** The ports a connection may go to: numbers and ranges ({@code 80,443,8000-8099}). */
    @WithDefault("80,443")
    List<String> allowedPorts();

    /** Internal address ranges let through all the same (CIDR, e.g. {@code 10.20.0.0/16}): a service tasks may reach. */
    Optional<List<String>> allowCidrs();

    /** Address ranges refused besides the built-in ones, winning over every allowance: the cluster's pod and service CIDRs. */
    Optional<List<String>> denyCidrs();

    /** Host names (exact, or {@code *.example.com}) whose addresses are let through even when internal. */
    Optional<List<String>> allowHosts();

    /** Host names (exact, or {@code *.example.com}) always refused, whatever they resolve to. */
    Optional<List<String>> denyHosts();
}
