package dev.relay.stream;

import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.relay.testsupport.PackageRules;

/**
 * api and messaging → service and sse → repository → domain. {@code sse} holds the open connections (a
 * service-level layer of its own, fed by the live reader); config, domain and health are used as leaves.
 */
class PackageRulesTest {

    @Test
    void layersPointOneWayAndNoPackagesFormACycle() {
        PackageRules.check("dev.relay.stream", Map.of(
                "api", Set.of("service", "sse", "domain", "config"),
                "messaging", Set.of("service", "sse", "domain", "config"),
                "service", Set.of("repository", "domain", "config"),
                "sse", Set.of("repository", "domain", "config"),
                "repository", Set.of("domain"),
                "health", Set.of("sse"),
                "domain", Set.of(),
                "config", Set.of()));
    }
}
