package dev.relay.task.task;

import dev.relay.common.event.TaskEventData;

import java.time.Instant;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.relay.common.event.ScheduledRunReported;
import dev.relay.common.messaging.Outbox;
import dev.relay.task.budgets.BudgetAdmission;
import io.smallrye.mutiny.Uni;

/** Cancelling a task's unfinished run: it ends as aborted, whoever works it. */
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
     * Cancels the task's unfinished run, if any, with a {@code run.aborted} event, and answers its id (null when
     * nothing was running: cancelling then changes nothing). A worker elsewhere notices at its next step and stops.
     */
    Uni<UUID> abortLatest(UUID taskId, boolean force) {
        return outbox.transaction(() -> tasks.lock(taskId).chain(task -> runs.latestOf(taskId).chain(latest -> {
            if (latest == null || latest.runStatus().isFinished()) {
                return Uni.createFrom().<UUID>nullItem();
            }
            latest.finish(RunStatus.ABORTED, Instant.now());
            task.runEnded();
            return eventLog.append(task, latest.id, new TaskEventData.RunAborted(RunStatus.ABORTED.value(), "cancelled", force))
                    .call(() -> budget.release(latest.id))
                    .call(() -> scheduleReports.run(latest, ScheduledRunReported.FAILED, "cancelled"))
                    .replaceWith(latest.id);
        }))).invoke(aborted -> {
            if (aborted != null) {
                metrics.runEnded(RunStatus.ABORTED);
            }
        });
    }
}
