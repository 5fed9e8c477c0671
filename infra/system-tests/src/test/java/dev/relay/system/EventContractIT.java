package dev.relay.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import dev.relay.testsupport.EventContract;

/**
 * Run after the other system tests: every record the packaged services published to the shared broker keeps the
 * event contracts of common's AsyncAPI document (the services' own suites check theirs the same way).
 */
@Order(Integer.MAX_VALUE)
class EventContractIT {

    @Test
    void everyRecordThePackagedServicesPublishedKeepsTheContract() {
        List<ConsumerRecord<String, String>> published = EventContract.publishedBy(null);
        Map<String, Integer> byTopic = EventContract.countByTopic(published);
        System.out.printf("[contract] the packaged services published %s%n", byTopic);
        assertThat(byTopic).containsKeys("task-events", "task-runs", "api-keys", "schedule-requests", "task-triggers",
                "schedule-runs", "schedule-updates", "budget-states");
        assertThat(EventContract.violations(published)).isEmpty();
    }
}
