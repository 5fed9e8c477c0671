package dev.relay.task.run;

import dev.relay.common.event.TaskEventData;

import java.time.Instant;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.relay.task.task.Approval;
import dev.relay.task.task.ApprovalRepository;
import dev.relay.task.task.Task;
import dev.relay.task.task.TaskEventLog;
import dev.relay.task.task.TaskRun;
import io.smallrye.mutiny.Uni;

/** A run asks its user: it suspends on an approval request, which the user answers through the respond call. */
@ApplicationScoped
class RunApprovals {

    private final ActiveRuns activeRuns;
    private final ApprovalRepository approvals;
    private final ToolCallRepository toolCalls;
    private final TaskEventLog eventLog;
    private final ReplyWriter replies;

    RunApprovals(ActiveRuns activeRuns, ApprovalRepository approvals, ToolCallRepository toolCalls, TaskEventLog eventLog,
            ReplyWriter replies) {
        this.activeRuns = activeRuns;
        this.approvals = approvals;
        this.toolCalls = toolCalls;
        this.eventLog = eventLog;
        this.replies = replies;
    }

    /**
     * Completes the assistant message (when the run wrote one) and suspends the run on an approval request of
     * {@code approvalType} about {@code toolCallId} (null for a general confirmation).
     */
    Uni<Boolean> suspend(TaskRun claimed, UUID messageId, String approvalType, String question, UUID toolCallId) {
        return activeRuns.applied(claimed, (task, run) -> {
            Approval approval = Approval.requested(run, approvalType, question, toolCallId, Instant.now());
            run.suspend();
            task.heartbeat(Task.READY, Instant.now());
            return replies.complete(task, run, messageId)
                    .chain(() -> approvals.persist(approval))
                    .chain(() -> toolCallId == null ? Uni.createFrom().<ToolCall>nullItem() : toolCalls.findById(toolCallId))
                    .chain(call -> eventLog.append(task, run.id, new TaskEventData.ApprovalRequested(approval.id, approval.message,
                            "agent", approvalType, call == null ? null : call.callId, call == null ? null : call.name)));
        });
    }
}
