package dev.relay.task.run;

import java.util.List;

import dev.relay.task.budgets.BudgetHolder;
import dev.relay.task.task.Approval;
import dev.relay.task.task.ApprovalMode;
import dev.relay.task.task.TaskMessage;
import dev.relay.task.task.TaskRun;

/**
 * The state a run starts (or resumes) from: its task's conversation so far (messages and tool calls; the calls of
 * this run still without a result are settled before the agent goes on), the answer to the confirmation it asked
 * for without a call (null when none), the approvals of its calls, and the task's settings ({@code integrations}
 * null: every MCP server the operator configured).
 */
record ClaimedRun(TaskRun run, List<TaskMessage> messages, List<ToolCall> calls, Approval answer,
        List<Approval> approvals, BudgetHolder holder, List<String> secretNames, ApprovalMode approvalMode, boolean readOnly,
        List<String> integrations, TaskTokens taskTokens) {

    /** The task's own token limit ({@code task_max_tokens}) and what its other runs used of it; null: no limit. */
    record TaskTokens(long max, long usedByOtherRuns) {

        /** What is left of the limit for this run's next call, after {@code runTokens} it used and its prompt. */
        long room(long runTokens, long promptTokens) {
            return max - usedByOtherRuns - runTokens - promptTokens;
        }
    }

    /** This run's calls without a result: made before a restart, or waiting for an approval that came. */
    List<ToolCall> unsettled() {
        return calls.stream().filter(call -> call.streamId.equals(run.id) && !call.hasResult()).toList();
    }

    /** The answered approval of {@code call}, or null. */
    Approval approvalOf(ToolCall call) {
        return approvals.stream().filter(approval -> call.id.equals(approval.toolCallId) && !approval.isPending())
                .findFirst().orElse(null);
    }
}
