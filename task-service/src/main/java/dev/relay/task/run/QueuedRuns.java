package dev.relay.task.run;

import java.time.Instant;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.relay.common.event.TaskEventData;
import dev.relay.common.messaging.Outbox;
import dev.relay.common.reactive.InTurn;
import dev.relay.task.agent.tools.ToolResult;
import dev.relay.task.task.RunRequests;
import dev.relay.task.task.RunStatus;
import dev.relay.task.task.Task;
import dev.relay.task.task.TaskEventLog;
import dev.relay.task.task.TaskMessageRepository;
import dev.relay.task.task.TaskRun;
import dev.relay.task.task.TaskRunRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * Starts the runs of messages that waited behind their task's working run ({@code multitask_strategy} enqueue or
 * interrupt), one task at a time in the order they were sent, once nothing of the task works or waits for an answer.
 * What the run before left unfinished is wound down first, so the new run takes a whole conversation: the message it
 * was writing is completed where it stopped, and a tool call it made without a recorded result is answered as
 * interrupted (whether it took effect is unknown; it is not made again).
 */
@ApplicationScoped
class QueuedRuns {

    private static final Logger LOG = Logger.getLogger(QueuedRuns.class);

    /** Queued runs started in one pass at most. */
    private static final int BATCH = 100;

    private final TaskRunRepository runs;
    private final TaskMessageRepository messages;
    private final ToolCallRepository toolCalls;
    private final ActiveRuns activeRuns;
    private final ReplyWriter replies;
    private final RunRequests requests;
    private final TaskEventLog eventLog;
    private final Outbox outbox;
    private final RunEndings endings;

    QueuedRuns(TaskRunRepository runs, TaskMessageRepository messages, ToolCallRepository toolCalls, ActiveRuns activeRuns,
            ReplyWriter replies, RunRequests requests, TaskEventLog eventLog, Outbox outbox, RunEndings endings) {
        this.endings = endings;
        this.runs = runs;
        this.messages = messages;
        this.toolCalls = toolCalls;
        this.activeRuns = activeRuns;
        this.replies = replies;
        this.requests = requests;
        this.eventLog = eventLog;
        this.outbox = outbox;
    }

    /** Whether any message waits queued behind its task's run. */
    Uni<Boolean> anyQueued() {
        return Panache.withSession(() -> runs.anyQueued());
    }

    /** Starts every queued run whose turn came; answers how many. */
    Uni<Integer> startThoseWhoseTurnCame() {
        return Panache.withSession(() -> runs.queuedWhoseTurnCame(BATCH)).chain(ready -> {
            int[] started = {0};
            // one run that cannot start must not hold back the others (nor the waiting runs after them): it is tried again
            return InTurn.each(ready, runId -> start(runId).invoke(done -> started[0] += done ? 1 : 0)
                    .onFailure().recoverWithItem(failure -> {
                        LOG.warnf(failure, "could not start queued run %s (tried again within the dispatch interval)", runId);
                        return false;
                    })).map(done -> started[0]);
        });
    }

    /**
     * Starts the queued run if its turn came (checked again under its task's lock); answers whether it did. A run whose
     * message id was taken meanwhile ends as failed instead ({@code message_id_taken}), so the task's next messages go on.
     */
    Uni<Boolean> start(UUID runId) {
        return outbox.transaction(() -> activeRuns.locked(runId, (task, run) -> {
            if (run == null || run.runStatus() != RunStatus.QUEUED) {
                return Uni.createFrom().item(false);
            }
            return runs.ofTask(task.id).chain(all -> {
                TaskRun before = null;
                for (TaskRun other : all) {
                    if (other.id.equals(run.id)) {
                        break;
                    }
                    if (!other.runStatus().isFinished()) {
                        // something before it still works, waits for an answer, or is queued ahead of it
                        return Uni.createFrom().item(false);
                    }
                    before = other;
                }
                TaskRun previous = before;
                return windDown(task, previous, run).chain(() -> messages.exists(run.queuedMessageId())).chain(taken -> taken
                        // another message took the id its sender chose while it waited (a request racing the check at enqueue)
                        ? endings.failUnstarted(task, run, "message id " + run.queuedMessageId() + " was used by another message "
                                + "while this one waited; it did not join the conversation (send it again with another id)",
                                RunRequests.MESSAGE_ID_TAKEN).replaceWith(false)
                        : requests.startQueued(task, run).replaceWith(true));
            });
        })).map(started -> started != null && started);
    }

    private Uni<Void> windDown(Task task, TaskRun previous, TaskRun next) {
        if (previous == null) {
            return Uni.createFrom().voidItem();
        }
        return messages.unfinishedOf(previous.id)
                .chain(unfinished -> InTurn.each(unfinished, message -> replies.complete(task, next, message.id)))
                .chain(() -> toolCalls.ofRun(previous.id))
                .chain(calls -> InTurn.each(calls.stream().filter(call -> !call.hasResult()).toList(), call -> {
                    ToolResult interrupted = ToolResult.failed("this call was interrupted (its run was stopped for a new "
                            + "message) before its result was recorded; it was not made again, and whether it took effect is unknown");
                    call.finish(interrupted.output(), interrupted.error(), Instant.now());
                    return eventLog.append(task, next.id, new TaskEventData.ToolResulted(call.callId, call.name, interrupted.output(),
                            interrupted.error(), 0));
                }));
    }
}
