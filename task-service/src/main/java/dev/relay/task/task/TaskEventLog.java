package dev.relay.task.task;

import dev.relay.common.event.TaskEventData;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.relay.common.event.RunRequested;
import dev.relay.common.event.TaskEvent;
import dev.relay.common.event.TaskEventListener;
import dev.relay.common.event.Topics;
import dev.relay.common.messaging.Outbox;
import dev.relay.common.messaging.OutboxRecord;
import io.quarkus.arc.All;
import io.smallrye.mutiny.Uni;

/**
 * Appends a task's next event: the seq comes from the locked task row, the event goes to the outbox in the
 * same transaction, so seqs are gap-free and an event exists exactly when the change it describes does.
 */
@ApplicationScoped
public class TaskEventLog {

    private final Outbox outbox;
    private final ObjectMapper json;
    private final List<TaskEventListener> listeners;
    private final Event<RunRequestCommitted> requestCommitted;
    private final ReplyDeltaRepository deltas;

    public TaskEventLog(Outbox outbox, ObjectMapper json, @All List<TaskEventListener> listeners, Event<RunRequestCommitted> requestCommitted,
            ReplyDeltaRepository deltas) {
        this.outbox = outbox;
        this.deltas = deltas;
        this.requestCommitted = requestCommitted;
        this.json = json;
        this.listeners = List.copyOf(listeners);
    }

    /** Must run inside an {@link Outbox#transaction} holding the lock of {@code task} (see {@code TaskRepository.lock}). */
    public Uni<Void> append(Task task, UUID streamId, TaskEventData data) {
        Instant now = Instant.now();
        task.lastSeq++;
        task.updatedAt = now;
        TaskEvent event = new TaskEvent(UUID.randomUUID(), task.id, task.org, task.lastSeq, streamId, data.type(), now, tree(data));
        return outbox.add(Topics.TASK_EVENTS, task.id.toString(), event.id(), event).call(() -> tell(event, task.webhookUrl));
    }

    /**
     * Appends a chunk of run {@code run}'s reply ({@code message.delta}) to message {@code messageId} (its {@code first}
     * chunk creates it), in one call of its own while the run is active under the worker's claim ({@code run.attempt},
     * {@link ReplyDeltaRepository}); answers whether it was (false: nothing changed). The listeners are not told: none
     * has a use for deltas.
     */
    public Uni<Boolean> appendDelta(TaskRun run, String org, UUID messageId, String chunk, boolean first) {
        TaskEventData data = new TaskEventData.MessageDelta(messageId, chunk);
        TaskEvent event = new TaskEvent(UUID.randomUUID(), run.taskId, org, OpenSeq.OPEN, run.id, data.type(), Instant.now(), tree(data));
        OutboxRecord row = outbox.record(Topics.TASK_EVENTS, run.taskId.toString(), event.id(), event);
        OpenSeq payload = OpenSeq.of(row.payload);
        return deltas.append(run, messageId, chunk, first, row, payload).map(seq -> {
            if (seq == null) {
                return false;
            }
            row.payload = payload.with(seq);
            outbox.committed(List.of(row));
            return true;
        });
    }

    /** The listeners (webhook subscriptions), in the appending transaction. */
    private Uni<Void> tell(TaskEvent event, String taskReceiver) {
        Uni<Void> told = Uni.createFrom().voidItem();
        for (TaskEventListener listener : listeners) {
            told = told.call(() -> listener.appended(event, taskReceiver));
        }
        return told;
    }

    /**
     * Asks the runtime (over the task-runs topic) to execute the pending run {@code streamId}; once the request has
     * committed, this instance may start it at once ({@link RunRequestCommitted}), and the record is what starts it
     * when this instance cannot.
     */
    public Uni<Void> requestRun(Task task, UUID streamId) {
        UUID id = UUID.randomUUID();
        return outbox.add(Topics.TASK_RUNS, task.id.toString(), id, new RunRequested(id, task.id, streamId))
                .call(() -> outbox.afterCommit(() -> requestCommitted.fire(new RunRequestCommitted(task.id, streamId))));
    }

    /** A value of the task's as event data (a run's settings). */
    public JsonNode tree(Object value) {
        return json.valueToTree(value);
    }

    private ObjectNode tree(TaskEventData data) {
        return json.valueToTree(data);
    }
}
