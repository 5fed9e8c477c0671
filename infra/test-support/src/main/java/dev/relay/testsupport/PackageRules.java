package dev.relay.testsupport;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/**
 * The layering every service keeps, checked with ArchUnit on its compiled classes: each sub-package of the
 * service's root is a layer that may use only the layers it names (and {@code common}, libraries, the JDK), no
 * two packages depend on each other in a cycle, and every package is a declared layer (a new one must say where it
 * stands). Entry points ({@code api}, {@code messaging}) call services; services call repositories and adapters;
 * everything may use {@code domain} and {@code config}.
 */
public final class PackageRules {

    /**
     * The layers of a service with nothing beyond them: api and messaging → service → repository → domain; config
     * is a leaf. A service with more layers (runtime, client, sse) writes its own map.
     */
    public static final Map<String, Set<String>> SERVICE_LAYERS = Map.of(
            "api", Set.of("service", "domain", "config"),
            "messaging", Set.of("service", "domain", "config"),
            "service", Set.of("repository", "domain", "config"),
            "repository", Set.of("domain"),
            "domain", Set.of(),
            "config", Set.of());

    private PackageRules() {
    }

    /** Fails with ArchUnit's report naming each offending dependency. */
    public static void check(String root, Map<String, Set<String>> mayUse) {
        JavaClasses classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(root);
        slices().matching(root + ".(*)..").should().beFreeOfCycles().check(classes);
        Set<String> layers = mayUse.keySet();
        for (var entry : mayUse.entrySet()) {
            Set<String> forbidden = new TreeSet<>(layers);
            forbidden.remove(entry.getKey());
            forbidden.removeAll(entry.getValue());
            if (forbidden.isEmpty()) {
                continue;
            }
            noClasses().that().resideInAPackage(root + "." + entry.getKey() + "..")
                    .should().dependOnClassesThat().resideInAnyPackage(forbidden.stream().map(layer -> root + "." + layer + "..")
                            .toArray(String[]::new))
                    .because("layer '" + entry.getKey() + "' may use only " + entry.getValue())
                    .check(classes);
        }
        Set<String> undeclared = new TreeSet<>();
        classes.forEach(type -> {
            String rest = type.getPackageName().equals(root) ? "" : type.getPackageName().substring(root.length() + 1);
            String layer = rest.contains(".") ? rest.substring(0, rest.indexOf('.')) : rest;
            if (!layers.contains(layer)) {
                undeclared.add(type.getName());
            }
        });
        if (!undeclared.isEmpty()) {
            throw new AssertionError("classes outside the declared layers " + layers + ": " + undeclared);
        }
        ScheduledRules.check(root, "dev.relay.common");
    }
}
