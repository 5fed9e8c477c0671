package dev.relay.task;

import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.relay.testsupport.PackageRules;

/** api and messaging → service → repository, runtime, client → domain; config and domain are used by all. */
class PackageRulesTest {

    @Test
    void layersPointOneWayAndNoPackagesFormACycle() {
        PackageRules.check("dev.relay.task", Map.of(
                "api", Set.of("service", "domain", "config"),
                "messaging", Set.of("service", "domain", "config"),
                "service", Set.of("repository", "runtime", "client", "domain", "config"),
                "repository", Set.of("domain"),
                "runtime", Set.of("domain", "config"),
                "client", Set.of("domain"),
                "domain", Set.of(),
                "config", Set.of()));
    }
}
