package dev.relay.task.run;

import dev.relay.common.event.TaskEventData;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.relay.common.event.ScheduledRunReported;
import dev.relay.common.messaging.Outbox;
import dev.relay.task.agent.AgentRuntime.Output;
import dev.relay.task.budgets.BudgetAdmission;
import dev.relay.task.task.RunRequests;
import dev.relay.task.task.RunStatus;
import dev.relay.task.task.ScheduleReports;
import dev.relay.task.task.Task;
import dev.relay.task.task.TaskEventLog;
import dev.relay.task.task.TaskMessage;
import dev.relay.task.task.TaskMessageRepository;
import dev.relay.task.task.TaskMetrics;
import dev.relay.task.task.TaskRun;
import dev.relay.task.task.TaskRunRepository;
import io.smallrye.mutiny.Uni;

/**
 * How a run ends by its own doing: completed (its reply completed and handed off) or failed. Either way its budget
 * reservation is released and a schedule that started it hears of it. A cancel ends it from outside (the task's
 * {@code RunCancellation}).
 */
@ApplicationScoped
class RunEndings {

    private final ActiveRuns activeRuns;
    private final TaskRunRepository runs;
    private final Outbox outbox;
    private final TaskEventLog eventLog;
    private final ReplyWriter replies;
    private final CompletionDelivery completion;
    private final BudgetAdmission budget;
    private final ScheduleReports scheduleReports;
    private final TaskMetrics metrics;
    private final TaskMessageRepository messages;
    private final RunRequests runRequests;
    private final ModelCallUsage calls;

    RunEndings(ActiveRuns activeRuns, TaskRunRepository runs, Outbox outbox, TaskEventLog eventLog, ReplyWriter replies,
            CompletionDelivery completion, BudgetAdmission budget, ScheduleReports scheduleReports, TaskMetrics metrics,
            TaskMessageRepository messages, RunRequests runRequests, ModelCallUsage calls) {
        this.calls = calls;
        this.messages = messages;
        this.runRequests = runRequests;
        this.activeRuns = activeRuns;
        this.runs = runs;
        this.outbox = outbox;
        this.eventLog = eventLog;
        this.replies = replies;
        this.completion = completion;
        this.budget = budget;
        this.scheduleReports = scheduleReports;
        this.metrics = metrics;
    }

    /**
     * Completes the assistant message (when the run wrote one) and ends the run; {@code lastCall}, the usage of its
     * last model call when not reported yet (else null), is reported in the same transaction, before the end.
     */
    Uni<Boolean> complete(TaskRun claimed, UUID messageId, Output.Usage lastCall) {
        return activeRuns.applied(claimed, (task, run) -> {
            // the usage settled the call's reservation, the run's only one
            // the run's messages, read once: its reply to complete, and what was sent into it (under the task's lock, so
            // no message is sent into it meanwhile)
            return calls.record(task, run, lastCall).chain(() -> messages.ofRun(task.id, run.id)).chain(ofRun -> {
                run.finish(RunStatus.COMPLETED, Instant.now());
                task.heartbeat(Task.READY, Instant.now());
                task.runEnded();
                return replies.complete(task, run, messageId == null ? null : find(ofRun, messageId))
                        .chain(() -> completion.completed(task, run))
                        .chain(() -> eventLog.append(task, run.id, new TaskEventData.RunCompleted(RunStatus.COMPLETED.value())))
                        .call(() -> lastCall == null ? budget.release(run.id) : Uni.createFrom().voidItem())
                        .call(() -> scheduleReports.run(run, ScheduledRunReported.COMPLETED, null))
                        // a message sent into the run after its last model call is answered by a run of its own
                        .call(() -> {
                            List<TaskMessage> pending = SteeredMessages.notTakenIn(run, ofRun);
                            return pending.isEmpty() ? Uni.createFrom().voidItem() : runRequests.followUp(task, run, pending);
                        });
            });
        }).invoke(ended -> counted(ended, RunStatus.COMPLETED));
    }

    /** Ends a run that could not go on (whoever works it); a run already finished is left alone. */
    Uni<Boolean> fail(UUID streamId, String reason) {
        return outbox.transaction(() -> runs.findById(streamId)).chain(found -> found == null ? Uni.createFrom().item(false)
                : fail(found.taskId, streamId, null, reason, null));
    }

    /**
     * Ends the claimed run as failed, with the error {@code code} (a budget's refusal code) in the event's data when
     * there is one; a run claimed again since (its worker was taken for dead) is left to its new worker.
     */
    Uni<Boolean> fail(TaskRun claimed, String reason, String code) {
        return fail(claimed.taskId, claimed.id, claimed.attempt, reason, code);
    }

    /** Ends a run as failed if its worker is still silent since {@code staleBefore} (and nobody claimed it since). */
    Uni<Boolean> failIfSilent(UUID streamId, Instant staleBefore, String reason) {
        return outbox.transaction(() -> runs.findById(streamId)).chain(found -> found == null || !found.silentSince(staleBefore)
                ? Uni.createFrom().item(false)
                : fail(found.taskId, streamId, found.attempt, reason, null));
    }

    private Uni<Boolean> fail(UUID taskId, UUID streamId, Integer attempt, String reason, String code) {
        return activeRuns.applied(taskId, streamId, attempt, (task, run) -> failLocked(task, run, reason, code))
                .invoke(ended -> counted(ended, RunStatus.ERROR));
    }

    /** Ends a run that never started (its start deadline passed), in the caller's transaction and task lock. */
    Uni<Void> failUnstarted(Task task, TaskRun run, String reason, String code) {
        return failLocked(task, run, reason, code).invoke(() -> counted(true, RunStatus.ERROR));
    }

    private Uni<Void> failLocked(Task task, TaskRun run, String reason, String code) {
        run.finish(RunStatus.ERROR, Instant.now());
        task.runEnded();
        return eventLog.append(task, run.id, new TaskEventData.RunFailed(RunStatus.ERROR.value(), reason, code))
                .call(() -> budget.release(run.id))
                .call(() -> scheduleReports.run(run, ScheduledRunReported.FAILED, reason));
    }

    private void counted(boolean ended, RunStatus status) {
        if (ended) {
            metrics.runEnded(status);
        }
    }

    /** The message {@code id} among the run's, or null when the run did not write it. */
    private static TaskMessage find(List<TaskMessage> ofRun, UUID id) {
        return ofRun.stream().filter(message -> message.id.equals(id)).findFirst().orElse(null);
    }
}
