package dev.relay.task;

import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.relay.testsupport.FeatureRules;

/**
 * The task service is a package per feature. A run works a task with the agent, counts against budgets, hands off
 * to webhooks and uses secrets; a task is admitted against budgets; the agent reads a run's settings; webhooks seal
 * their signing secret as secrets are sealed. Nothing points back.
 */
class PackageRulesTest {

    @Test
    void featuresUseOnlyWhatTheyNameThroughTheirEntryTypes() {
        FeatureRules.check("dev.relay.task", Map.of(
                "task", Set.of("budgets"),
                "run", Set.of("task", "agent", "budgets", "webhooks", "secrets"),
                "agent", Set.of("task"),
                "budgets", Set.of(),
                "webhooks", Set.of("secrets"),
                "secrets", Set.of(),
                "apikeys", Set.of()),
                Set.of("agent.tools"));
    }
}
