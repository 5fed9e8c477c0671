package dev.relay.testsupport;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;

/**
 * Each of {@link FeatureRules}' rules fails on a small fixture that breaks it (under {@code featurefixtures}), with a
 * message naming the violation; where the fixture can be allowed, the same classes then pass, so the failure is that
 * rule's and no other's.
 */
class FeatureRulesTest {

    private static final String FIXTURES = "dev.relay.testsupport.featurefixtures.";

    @Test
    void aDependencyOnAFeatureNotNamedFails() {
        String root = FIXTURES + "forbidden";
        assertThatThrownBy(() -> check(root, Map.of("orders", Set.of(), "billing", Set.of()), Set.of()))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("feature 'orders' may use only []")
                .hasMessageContaining(root + ".orders.Order")
                .hasMessageContaining(root + ".billing.Invoice");
        assertThatCode(() -> check(root, Map.of("orders", Set.of("billing"), "billing", Set.of()), Set.of())).doesNotThrowAnyException();
    }

    @Test
    void aCycleBetweenFeaturesFailsEvenWhenEachMayUseTheOther() {
        String root = FIXTURES + "cycle";
        assertThatThrownBy(() -> check(root, Map.of("a", Set.of("b"), "b", Set.of("a")), Set.of()))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Cycle detected")
                .hasMessageContaining(root + ".a.Alpha")
                .hasMessageContaining(root + ".b.Beta");
    }

    @Test
    void aPublicClassNothingOutsideItsPackageUsesFails() {
        String root = FIXTURES + "publicity";
        assertThatThrownBy(() -> check(root, Map.of("shop", Set.of()), Set.of()))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("make them package-private")
                .hasMessageContaining("[" + root + ".shop.Shelf]");
    }

    @Test
    void reachingIntoAnotherFeaturesUnpublishedPackageFails() {
        String root = FIXTURES + "inside";
        Map<String, Set<String>> mayUse = Map.of("orders", Set.of("billing"), "billing", Set.of());
        assertThatThrownBy(() -> check(root, mayUse, Set.of()))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("features reached inside another feature")
                .hasMessageContaining(root + ".orders.Order -> " + root + ".billing.internal.Ledger");
        assertThatCode(() -> check(root, mayUse, Set.of("billing.internal"))).doesNotThrowAnyException();
    }

    @Test
    void aClassOutsideTheDeclaredFeaturesFails() {
        String root = FIXTURES + "forbidden";
        assertThatThrownBy(() -> check(root, Map.of("orders", Set.of("billing")), Set.of()))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("classes outside the declared features [orders]")
                .hasMessageContaining(root + ".billing.Invoice");
    }

    private static void check(String root, Map<String, Set<String>> mayUse, Set<String> published) {
        JavaClasses fixture = new ClassFileImporter().importPackages(root);
        FeatureRules.check(fixture, root, mayUse, published);
    }
}
