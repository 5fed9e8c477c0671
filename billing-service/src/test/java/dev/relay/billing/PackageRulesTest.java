package dev.relay.billing;

import org.junit.jupiter.api.Test;

import dev.relay.testsupport.PackageRules;

/** api and messaging → service → repository → domain; config is a leaf. */
class PackageRulesTest {

    @Test
    void layersPointOneWayAndNoPackagesFormACycle() {
        PackageRules.check("dev.relay.billing", PackageRules.SERVICE_LAYERS);
    }
}
