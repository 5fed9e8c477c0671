package dev.relay.testsupport;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/**
 * The shape of a service built as a package per feature (Spring Modulith's rule, checked with ArchUnit on compiled
 * classes): every class belongs to a declared feature; a feature uses only the features it names, and no two
 * features depend on each other in a cycle; another feature reaches it only through the public types of its root
 * package (its entry types) and the sub-packages it publishes, never its other sub-packages; and what nothing
 * outside its package uses is package-private, unless the framework calls it from outside (a resource, an entity, a
 * configuration mapping, a consumer or scheduled method, or a body a resource answers).
 */
public final class FeatureRules {

    private static final Set<String> ENTRY_ANNOTATIONS = Set.of("jakarta.ws.rs.Path", "jakarta.persistence.Entity",
            "io.smallrye.config.ConfigMapping", "jakarta.ws.rs.ext.Provider");
    private static final Set<String> ENTRY_METHOD_ANNOTATIONS = Set.of("org.eclipse.microprofile.reactive.messaging.Incoming",
            "io.quarkus.scheduler.Scheduled", "jakarta.enterprise.inject.Produces");

    private FeatureRules() {
    }

    /**
     * Fails with a report naming each offending class or dependency. {@code mayUse} maps each feature to the features
     * it may use; {@code published} names the sub-packages (relative to the root, e.g. {@code agent.tools}) other
     * features may use besides the features' root packages.
     */
    public static void check(String root, Map<String, Set<String>> mayUse, Set<String> published) {
        check(new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages(root),
                root, mayUse, published);
        ScheduledRules.check(root, "dev.relay.common");
    }

    /** The same check over {@code classes}, all under {@code root} (its own test runs it over test fixtures). */
    static void check(JavaClasses classes, String root, Map<String, Set<String>> mayUse, Set<String> published) {
        Set<String> features = mayUse.keySet();
        Set<String> undeclared = new TreeSet<>();
        classes.forEach(type -> {
            if (!features.contains(featureOf(root, type))) {
                undeclared.add(type.getName());
            }
        });
        if (!undeclared.isEmpty()) {
            throw new AssertionError("classes outside the declared features " + features + ": " + undeclared);
        }
        slices().matching(root + ".(*)..").should().beFreeOfCycles().check(classes);
        for (var entry : mayUse.entrySet()) {
            String feature = entry.getKey();
            String[] forbidden = features.stream().filter(other -> !other.equals(feature) && !entry.getValue().contains(other))
                    .map(other -> root + "." + other + "..").toArray(String[]::new);
            if (forbidden.length > 0) {
                noClasses().that().resideInAPackage(root + "." + feature + "..").should().dependOnClassesThat()
                        .resideInAnyPackage(forbidden).because("feature '" + feature + "' may use only " + entry.getValue())
                        .check(classes);
            }
        }
        checkEntryTypes(root, classes, published);
    }

    private static void checkEntryTypes(String root, JavaClasses classes, Set<String> published) {
        Set<String> reachedInside = new TreeSet<>();
        Set<String> needlesslyPublic = new TreeSet<>();
        for (JavaClass type : classes) {
            String feature = featureOf(root, type);
            boolean usedElsewhere = false;
            for (var dependency : type.getDirectDependenciesToSelf()) {
                JavaClass user = dependency.getOriginClass();
                usedElsewhere |= !user.getPackageName().equals(type.getPackageName());
                if (featureOf(root, user).equals(feature)) {
                    continue;
                }
                String inside = type.getPackageName().substring(root.length() + 1);
                if (!inside.equals(feature) && !published.contains(inside)) {
                    reachedInside.add(user.getName() + " -> " + type.getName());
                }
            }
            boolean rootPackage = type.getPackageName().equals(root + "." + feature);
            if (rootPackage && type.isTopLevelClass() && type.getModifiers().contains(JavaModifier.PUBLIC) && !usedElsewhere
                    && !calledByTheFramework(type)) {
                needlesslyPublic.add(type.getName());
            }
        }
        if (!reachedInside.isEmpty()) {
            throw new AssertionError("features reached inside another feature (only its root package's types are its entry): "
                    + reachedInside);
        }
        if (!needlesslyPublic.isEmpty()) {
            throw new AssertionError("public, but used outside their package by nothing (make them package-private): " + needlesslyPublic);
        }
    }

    private static boolean calledByTheFramework(JavaClass type) {
        if (ENTRY_ANNOTATIONS.stream().anyMatch(type::isAnnotatedWith)) {
            return true;
        }
        if (type.getMethods().stream().anyMatch(method -> ENTRY_METHOD_ANNOTATIONS.stream().anyMatch(method::isAnnotatedWith))) {
            return true;
        }
        // a body a resource of the feature answers or reads
        return type.getDirectDependenciesToSelf().stream().map(dependency -> dependency.getOriginClass())
                .filter(user -> user.isAnnotatedWith("jakarta.ws.rs.Path"))
                .flatMap(resource -> resource.getMethods().stream())
                .flatMap(method -> Stream.concat(Stream.of(method.getRawReturnType()), method.getRawParameterTypes().stream()))
                .anyMatch(type::equals);
    }

    private static String featureOf(String root, JavaClass type) {
        String rest = type.getPackageName().equals(root) ? "" : type.getPackageName().substring(root.length() + 1);
        return rest.contains(".") ? rest.substring(0, rest.indexOf('.')) : rest;
    }
}
