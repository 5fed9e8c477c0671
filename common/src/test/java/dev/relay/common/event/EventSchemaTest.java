package dev.relay.common.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import dev.relay.common.messaging.Outbox;
import dev.relay.testsupport.EventContract;

/** The AsyncAPI document's schemas accept what the event records serialize to, and refuse what breaks them. */
class EventSchemaTest {

    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    @Test
    void theDocumentNamesEveryTopic() {
        assertThat(EventContract.topics()).containsExactlyInAnyOrder(Topics.TASK_EVENTS, Topics.TASK_RUNS, Topics.API_KEYS,
                Topics.TASK_TRIGGERS, Topics.SCHEDULE_REQUESTS, Topics.SCHEDULE_RUNS, Topics.SCHEDULE_UPDATES, Topics.BUDGET_STATES);
    }

    @Test
    void aWellFormedEventOfEachTopicKeepsTheContract() throws Exception {
        UUID task = UUID.randomUUID();
        assertThat(EventContract.violations(List.of(
                record(Topics.TASK_EVENTS, taskCreated(task)),
                record(Topics.TASK_RUNS, JSON.writeValueAsString(new RunRequested(UUID.randomUUID(), task, UUID.randomUUID()))),
                record(Topics.TASK_TRIGGERS, JSON.writeValueAsString(new ScheduleFired(UUID.randomUUID(), UUID.randomUUID(), task,
                        "acme", "a@acme.dev", Instant.now(), 0))),
                record(Topics.SCHEDULE_RUNS, JSON.writeValueAsString(new ScheduledRunReported(UUID.randomUUID(), UUID.randomUUID(),
                        task, UUID.randomUUID(), ScheduledRunReported.STARTED, null, Instant.now(), 0)))))).isEmpty();
    }

    @Test
    void aBrokenEventIsFound() throws Exception {
        UUID task = UUID.randomUUID();
        assertBroken(taskCreated(task), event -> event.put("seq", 0), "seq");
        assertBroken(taskCreated(task), event -> event.remove("org"), "org");
        assertBroken(taskCreated(task), event -> event.put("type", "task.exploded"), "type");
        assertBroken(taskCreated(task), event -> event.put("created_at", "yesterday"), "created_at");
        assertBroken(taskCreated(task), event -> event.withObjectProperty("data").remove("created_by"), "created_by");
        assertBroken(taskCreated(task), event -> event.put("surprise", true), "surprise");
        ConsumerRecord<String, String> unnamed = new ConsumerRecord<>(Topics.TASK_EVENTS, 0, 0, task.toString(), taskCreated(task));
        unnamed.headers().add(Outbox.EVENT_ID_HEADER, UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
        assertThat(EventContract.violations(List.of(unnamed))).singleElement()
                .satisfies(violation -> assertThat(violation.problems()).contains("relay-producer"));
    }

    private static void assertBroken(String valid, Consumer<ObjectNode> mistake, String field) throws Exception {
        ObjectNode broken = (ObjectNode) JSON.readTree(valid);
        mistake.accept(broken);
        assertThat(EventContract.violations(List.of(record(Topics.TASK_EVENTS, broken.toString())))).singleElement()
                .satisfies(violation -> assertThat(violation.problems()).contains(field));
    }

    private static String taskCreated(UUID task) throws Exception {
        ObjectNode data = JSON.createObjectNode().put("created_by", "a@acme.dev").put("visibility", "private").put("title", "t");
        return JSON.writeValueAsString(new TaskEvent(UUID.randomUUID(), task, "acme", 1, null, TaskEventTypes.TASK_CREATED,
                Instant.now(), data));
    }

    private static ConsumerRecord<String, String> record(String topic, String value) {
        ConsumerRecord<String, String> record = new ConsumerRecord<>(topic, 0, 0, "key", value);
        record.headers().add(Outbox.EVENT_ID_HEADER, UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
        record.headers().add(Outbox.PRODUCER_HEADER, "task-service".getBytes(StandardCharsets.UTF_8));
        return record;
    }
}
