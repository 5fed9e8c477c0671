package dev.relay.testsupport;

import java.time.Duration;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The task events of some tasks as a service published them on {@code topic} (task-events), read until what was
 * read satisfies a condition, each checked against the event contract (for tests in a profile of their own, which
 * run after the suite's event-contract check).
 */
public final class TaskEvents {

    private static final ObjectMapper JSON = new ObjectMapper();

    private TaskEvents() {
    }

    /** The events of {@code taskIds} on {@code topic} in seq order (per task) once {@code until} holds for them, 30 s at most. */
    public static List<JsonNode> of(String topic, Collection<String> taskIds, Predicate<List<JsonNode>> until) {
        var records = TestTopics.readUntil(topic, Duration.ofSeconds(30),
                read -> until.test(read.stream().filter(record -> taskIds.contains(record.key())).map(record -> parse(record.value())).toList()));
        var ofTasks = records.stream().filter(record -> taskIds.contains(record.key())).toList();
        List<EventContract.Violation> violations = EventContract.violations(ofTasks);
        if (!violations.isEmpty()) {
            throw new AssertionError("events break the contract: " + violations);
        }
        return ofTasks.stream().map(record -> parse(record.value())).sorted(Comparator.comparing((JsonNode event) -> event.path("task_id").asText())
                .thenComparingLong(event -> event.path("seq").asLong())).toList();
    }

    /** How many of {@code events} are of {@code type}. */
    public static long count(List<JsonNode> events, String type) {
        return events.stream().filter(event -> type.equals(event.path("type").asText())).count();
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
