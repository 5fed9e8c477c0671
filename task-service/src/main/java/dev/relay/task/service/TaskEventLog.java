package dev.relay.task.service;

import java.time.Instant;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.relay.common.event.TaskEvent;
import dev.relay.common.event.Topics;
import dev.relay.task.domain.OutboxEvent;
import dev.relay.task.domain.Task;
import dev.relay.task.messaging.Channels;
import dev.relay.task.messaging.RunRequested;
import dev.relay.task.repository.OutboxRepository;
import io.smallrye.mutiny.Uni;

/**
 * Appends a task's next event: the seq comes from the locked task row, the event goes to the outbox in the
 * same transaction, so seqs are gap-free and an event exists exactly when the change it describes does.
 */
@ApplicationScoped
public class TaskEventLog {

    private final OutboxRepository outbox;
    private final ObjectMapper json;

    public TaskEventLog(OutboxRepository outbox, ObjectMapper json) {
        this.outbox = outbox;
        this.json = json;
    }

    /** Must run inside a transaction holding the lock of {@code task} (see {@code TaskRepository.lock}). */
    public Uni<OutboxEvent> append(Task task, UUID streamId, String type, ObjectNode data) {
        Instant now = Instant.now();
        task.lastSeq++;
        task.updatedAt = now;
        TaskEvent event = new TaskEvent(UUID.randomUUID(), task.id, task.org, task.lastSeq, streamId, type, now, data);
        return record(Topics.TASK_EVENTS, task.id, event.id(), event);
    }

    /** Asks the runtime (over the task-runs topic) to execute the pending run {@code streamId}. */
    public Uni<OutboxEvent> requestRun(Task task, UUID streamId) {
        return record(Channels.TASK_RUNS_TOPIC, task.id, UUID.randomUUID(), new RunRequested(UUID.randomUUID(), task.id, streamId));
    }

    /** Writes any record to the outbox; records with the same key (a task's, say) stay in order. */
    public Uni<OutboxEvent> record(String topic, UUID key, UUID id, Object value) {
        OutboxEvent row = new OutboxEvent();
        row.id = id;
        row.topic = topic;
        row.recordKey = key.toString();
        row.payload = write(value);
        row.createdAt = Instant.now();
        return outbox.persist(row);
    }

    public ObjectNode data() {
        return json.createObjectNode();
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize " + value.getClass().getSimpleName(), e);
        }
    }
}
