package dev.relay.billing;

import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.relay.testsupport.PackageRules;

/** api and messaging → service → repository → domain; config is a leaf. */
class PackageRulesTest {

    @Test
    void layersPointOneWayAndNoPackagesFormACycle() {
        PackageRules.check("dev.relay.billing", Map.of(
                "api", Set.of("service", "domain", "config"),
                "messaging", Set.of("service", "domain", "config"),
                "service", Set.of("repository", "domain", "config"),
                "repository", Set.of("domain"),
                "domain", Set.of(),
                "config", Set.of()));
    }
}
