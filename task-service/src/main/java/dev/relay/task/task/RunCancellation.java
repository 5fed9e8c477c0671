package dev.relay.task.task;

import dev.relay.common.event.TaskEventData;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.relay.common.event.ScheduledRunReported;
import dev.relay.common.messaging.Outbox;
import dev.relay.task.budgets.BudgetAdmission;
import io.smallrye.mutiny.Uni;

/** Cancelling a task's unfinished runs, or interrupting its working one: each ends as aborted, whoever works it. */
@ApplicationScoped
class RunCancellation {

    private final TaskRepository tasks;
    private final TaskRunRepository runs;
    private final TaskEventLog eventLog;
    private final Outbox outbox;
    private final BudgetAdmission budget;
    private final ScheduleReports scheduleReports;
    private final TaskMetrics metrics;

    RunCancellation(TaskRepository tasks, TaskRunRepository runs, TaskEventLog eventLog, Outbox outbox, BudgetAdmission budget,
            ScheduleReports scheduleReports, TaskMetrics metrics) {
        this.tasks = tasks;
        this.runs = runs;
        this.eventLog = eventLog;
        this.outbox = outbox;
        this.budget = budget;
        this.scheduleReports = scheduleReports;
        this.metrics = metrics;
    }

    /**
     * Cancels the task's unfinished runs (the working one and the messages queued after it), each with a
     * {@code run.aborted} event, and answers their ids (none when nothing was running: cancelling then changes
     * nothing). A worker elsewhere notices at its next step and stops.
     */
    Uni<List<UUID>> abortUnfinished(UUID taskId, boolean force) {
        return outbox.transaction(() -> tasks.lock(taskId).chain(task -> runs.unfinishedOf(taskId).chain(unfinished -> {
            List<UUID> aborted = new ArrayList<>();
            Uni<Void> ended = Uni.createFrom().voidItem();
            for (TaskRun run : unfinished) {
                aborted.add(run.id);
                ended = ended.chain(() -> end(task, run, new TaskEventData.RunAborted(RunStatus.ABORTED.value(), "cancelled", force),
                        "cancelled"));
            }
            return ended.replaceWith(aborted);
        })));
    }

    /**
     * In the caller's transaction (its task locked): the working run stops for the message {@code messageId}
     * ({@code run.interrupted}); what it did so far is kept, and the message's run takes the conversation from there.
     */
    Uni<Void> interrupt(Task task, TaskRun working, UUID messageId) {
        return end(task, working, new TaskEventData.RunInterrupted(RunStatus.ABORTED.value(), "interrupted by a new message", messageId),
                "interrupted");
    }

    private Uni<Void> end(Task task, TaskRun run, TaskEventData ending, String why) {
        run.finish(RunStatus.ABORTED, Instant.now());
        task.runEnded();
        metrics.runEnded(RunStatus.ABORTED);
        return eventLog.append(task, run.id, ending)
                .call(() -> budget.release(run.id))
                .call(() -> scheduleReports.run(run, ScheduledRunReported.FAILED, why));
    }
}
