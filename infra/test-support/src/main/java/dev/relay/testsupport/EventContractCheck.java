package dev.relay.testsupport;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * The last test class of a service's suite ({@code @Order(Integer.MAX_VALUE)}; the suites order classes by that
 * annotation): every record the service published while its tests ran keeps Relay's event contracts
 * ({@link EventContract}). A module's {@code EventContractTest} extends it as a {@code @QuarkusTest}.
 */
public abstract class EventContractCheck {

    @Test
    void everyRecordThisServicePublishedKeepsTheContract() {
        String service = ConfigProvider.getConfig().getValue("quarkus.application.name", String.class);
        List<ConsumerRecord<String, String>> published = EventContract.publishedBy(service);
        System.out.printf("[contract] %s published %s%n", service, EventContract.countByTopic(published));
        assertFalse(published.isEmpty(), service + " published no record during its tests");
        List<EventContract.Violation> violations = EventContract.violations(published);
        assertTrue(violations.isEmpty(), () -> violations.size() + " records break the contract, e.g. " + violations.subList(0, Math.min(5, violations.size())));
    }
}
