package dev.relay.testsupport;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;

/**
 * Every periodic pass ({@code @Scheduled}) of a service and of common skips its executions until the start has
 * finished and once the application is stopping ({@code skipExecutionIf = StartingOrStopping.class}): a pass must not
 * act before a production start's safety checks ran, and one that starts while the database pool closes fails and
 * logs an error for nothing.
 */
public final class ScheduledRules {

    private static final String SCHEDULED = "io.quarkus.scheduler.Scheduled";
    private static final String STOPPING = "dev.relay.common.lifecycle.StartingOrStopping";

    private ScheduledRules() {
    }

    /** Fails with ArchUnit's report naming each periodic pass that does not skip while the application starts or stops. */
    public static void check(String... packages) {
        methods().that().areAnnotatedWith(SCHEDULED).should(skipWhileStartingOrStopping())
                .check(new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages(packages));
    }

    private static ArchCondition<JavaMethod> skipWhileStartingOrStopping() {
        return new ArchCondition<>("skip their executions while the application starts or stops") {
            @Override
            public void check(JavaMethod method, ConditionEvents events) {
                Object skip = method.getAnnotationOfType(SCHEDULED).get("skipExecutionIf").orElse(null);
                boolean skips = skip instanceof JavaClass type && type.getName().equals(STOPPING);
                events.add(new SimpleConditionEvent(method, skips, method.getFullName()
                        + " does not say skipExecutionIf = StartingOrStopping.class"));
            }
        };
    }
}
