package dev.relay.task.task;

import dev.relay.common.event.TaskEventData;

import java.time.Instant;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.relay.common.error.ApiException;
import dev.relay.common.event.ScheduleFired;
import dev.relay.common.event.ScheduledRunReported;
import dev.relay.task.budgets.Admission;
import dev.relay.task.budgets.BudgetAdmission;
import dev.relay.task.budgets.BudgetWarning;
import io.smallrye.mutiny.Uni;

/**
 * A new run of a task, in the caller's transaction: admitted against its budget, then the pending run, its user
 * message and the request to execute it written with their events.
 */
@ApplicationScoped
class RunRequests {

    private static final Logger LOG = Logger.getLogger(RunRequests.class);

    private final TaskRunRepository runs;
    private final TaskMessageRepository messages;
    private final TaskEventLog eventLog;
    private final ScheduleReports scheduleReports;
    private final BudgetAdmission budget;
    private final TaskMetrics metrics;

    RunRequests(TaskRunRepository runs, TaskMessageRepository messages, TaskEventLog eventLog, ScheduleReports scheduleReports,
            BudgetAdmission budget, TaskMetrics metrics) {
        this.runs = runs;
        this.messages = messages;
        this.eventLog = eventLog;
        this.scheduleReports = scheduleReports;
        this.budget = budget;
        this.metrics = metrics;
    }

    /** As {@link #request(Task, NewTask, ScheduleFired)} for a create or a message. */
    Uni<Admission> request(Task task, NewTask request) {
        return request(task, request, null);
    }

    /**
     * Admits a new run of the task against its budget and requests it; a refusal fails a create with 402 (and rolls
     * it back) and is reported to the schedule for a firing.
     */
    Uni<Admission> request(Task task, NewTask request, ScheduleFired trigger) {
        UUID runId = UUID.randomUUID();
        return budget.admit(task.budgetHolder(), runId).chain(admission -> {
            if (admission.admitted()) {
                return persist(task, request, trigger, runId).call(() -> warn(task, runId, admission)).replaceWith(admission);
            }
            ApiException refusal = new ApiException(402, admission.refusedBy().scope().refusalCode(), "payment required",
                    admission.refusalMessage());
            metrics.budgetRefused(refusal.code(), trigger == null ? "create" : "schedule");
            if (trigger == null) {
                return Uni.createFrom().failure(refusal);
            }
            LOG.infof("schedule %s fired for task %s: not started, %s", trigger.scheduleId(), task.id, admission.refusalMessage());
            return scheduleReports.notStarted(trigger, ScheduledRunReported.REFUSED, refusal.code() + ": " + refusal.getMessage())
                    .replaceWith(admission);
        });
    }

    /** A budget nearly used shows on the task's stream, once per limit, when the run starts. */
    private Uni<Void> warn(Task task, UUID runId, Admission admission) {
        Uni<Void> appended = Uni.createFrom().voidItem();
        for (BudgetWarning warning : admission.warnings()) {
            appended = appended.chain(() -> eventLog.append(task, runId,
                    new TaskEventData.BudgetWarned(warning.code(), warning.scope(), warning.message())));
        }
        return appended;
    }

    private Uni<Void> persist(Task task, NewTask request, ScheduleFired trigger, UUID runId) {
        Instant now = Instant.now();
        task.runRequested();
        TaskRun run = TaskRun.pending(runId, task, request.runConfig(), now);
        if (trigger != null) {
            run.firedBy(trigger.scheduleId(), trigger.executionId());
        }
        TaskMessage message = TaskMessage.user(run, request.messageId() != null ? request.messageId() : UUID.randomUUID(),
                request.prompt(), request.parts(), task.lastSeq + 1, now);

        var data = new TaskEventData.UserMessage(message.id, message.role, message.content, request.parts(), request.fileKeys(),
                eventLog.tree(request.runConfig()), trigger == null ? null : "schedule", trigger == null ? null : trigger.scheduleId(),
                trigger == null ? null : trigger.executionId());
        return runs.persist(run)
                .chain(() -> messages.persist(message))
                .chain(() -> eventLog.append(task, run.id, data))
                .chain(() -> eventLog.requestRun(task, run.id));
    }
}
