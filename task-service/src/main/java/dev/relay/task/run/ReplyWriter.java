package dev.relay.task.run;

import dev.relay.common.event.TaskEventData;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.relay.common.reactive.InTurn;
import dev.relay.task.task.TaskEventLog;
import dev.relay.task.task.Task;
import dev.relay.task.task.TaskMessage;
import dev.relay.task.task.TaskMessageRepository;
import dev.relay.task.task.TaskRun;
import io.smallrye.mutiny.Uni;

/** Writes the assistant's reply of a run: its chunks ({@code message.delta}) and its end ({@code message.completed}). */
@ApplicationScoped
class ReplyWriter {

    private final TaskMessageRepository messages;
    private final TaskEventLog eventLog;
    private final ActiveRuns activeRuns;
    private final WorkingLimit limit;

    ReplyWriter(TaskMessageRepository messages, TaskEventLog eventLog, ActiveRuns activeRuns, WorkingLimit limit) {
        this.limit = limit;
        this.messages = messages;
        this.eventLog = eventLog;
        this.activeRuns = activeRuns;
    }

    /**
     * Appends one chunk of the assistant's reply, if the run is still active (the hot path of a run: one round trip);
     * the {@code first} chunk creates the message. How long it takes to commit is what the instance's limit of runs
     * at once follows.
     */
    Uni<Boolean> delta(ClaimedRun claimed, UUID messageId, String chunk, boolean first) {
        long start = System.nanoTime();
        return eventLog.appendDelta(claimed.run(), claimed.holder().org(), messageId, chunk, first)
                .invoke(() -> limit.stepTook(start)).onFailure().invoke(() -> limit.stepFailed(start));
    }

    /** Completes an assistant message that is followed by a tool call ({@code message.completed}). */
    Uni<Boolean> close(TaskRun claimed, UUID messageId) {
        return activeRuns.applied(claimed, (task, run) -> complete(task, run, messageId));
    }

    /** Completes the message {@code messageId} if the run wrote it and it is not complete yet. */
    Uni<Void> complete(Task task, TaskRun run, UUID messageId) {
        if (messageId == null) {
            return Uni.createFrom().voidItem();
        }
        return messages.findById(messageId).chain(message -> complete(task, run, message));
    }

    /** Completes {@code message} (none: nothing) if it is not complete yet. */
    Uni<Void> complete(Task task, TaskRun run, TaskMessage message) {
        if (message == null || message.complete) {
            return Uni.createFrom().voidItem();
        }
        message.complete = true;
        return eventLog.append(task, run.id, new TaskEventData.MessageCompleted(message.id, message.role, message.content));
    }

    /** Completes the messages a run's lost worker was writing, where they stopped. */
    Uni<Void> completeUnfinished(Task task, TaskRun run) {
        return messages.unfinishedOf(run.id).chain(unfinished -> InTurn.each(unfinished, message -> complete(task, run, message.id)));
    }
}
