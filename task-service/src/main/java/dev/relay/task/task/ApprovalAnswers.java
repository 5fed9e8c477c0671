package dev.relay.task.task;

import dev.relay.common.event.TaskEventData;

import java.time.Instant;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.relay.common.error.ApiException;
import dev.relay.common.messaging.Outbox;
import io.smallrye.mutiny.Uni;

/** The user answers the approval request a run suspended on; the run is requested again and resumes. */
@ApplicationScoped
class ApprovalAnswers {

    private final TaskRepository tasks;
    private final TaskRunRepository runs;
    private final ApprovalRepository approvals;
    private final TaskEventLog eventLog;
    private final Outbox outbox;

    ApprovalAnswers(TaskRepository tasks, TaskRunRepository runs, ApprovalRepository approvals, TaskEventLog eventLog, Outbox outbox) {
        this.tasks = tasks;
        this.runs = runs;
        this.approvals = approvals;
        this.eventLog = eventLog;
        this.outbox = outbox;
    }

    /**
     * Answers the pending approval {@code approvalId} of the task and hands its run back to the runtime.
     * An unknown id is a 404; an approval that is no longer pending (answered, or its run ended) is a 409.
     */
    Uni<Void> answer(UUID taskId, UUID approvalId, boolean ok, String instructions) {
        return outbox.transaction(() -> tasks.lock(taskId).chain(task -> approvals.findById(approvalId).chain(approval -> {
            if (approval == null || !approval.taskId.equals(taskId)) {
                throw ApiException.notFound("approval request " + approvalId + " not found");
            }
            return runs.findById(approval.streamId).chain(run -> {
                if (!approval.isPending() || run.runStatus() != RunStatus.SUSPENDED) {
                    throw ApiException.conflict("approval_not_pending", "approval request " + approvalId + " is not pending");
                }
                approval.answer(ok, instructions, Instant.now());
                run.answered();
                task.runRequested();
                return eventLog.append(task, run.id, new TaskEventData.ApprovalAnswered(approvalId, ok, approval.instructions()))
                        .chain(() -> eventLog.requestRun(task, run.id));
            });
        })));
    }
}
