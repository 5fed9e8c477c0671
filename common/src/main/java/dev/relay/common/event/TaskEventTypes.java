package dev.relay.common.event;

import java.util.Set;

/** The {@code type} values of {@link TaskEvent}; consumers ignore types they do not know. */
public final class TaskEventTypes {

    /** The task exists; always seq 1. data: created_by, visibility, title. */
    public static final String TASK_CREATED = "task.created";
    /** Who may see the task changed; data: visibility, is_shared. */
    public static final String TASK_UPDATED = "task.updated";
    /**
     * A user message that starts or continues a task; data: message_id, role, content, parts, file_keys (when given),
     * run_config, source (schedule; steer: sent into the working run, which takes it in at its next model call).
     */
    public static final String USER_MESSAGE = "message.user";
    /**
     * A message sent while a run works, with {@code multitask_strategy} enqueue or interrupt: it waits for the working
     * run to end, then starts its own run (its {@code message.user} comes then). data: message_id, content, position.
     */
    public static final String MESSAGE_QUEUED = "message.queued";
    /** A run (stream) began executing; data: run_config. */
    public static final String RUN_STARTED = "run.started";
    /**
     * The run waits for its turn instead of starting (its organization works its limit of runs at once, or every worker
     * is full); sent once per run, before its {@code run.started}. data: reason (org_limit | capacity), limit.
     */
    public static final String RUN_QUEUED = "run.queued";
    /** A suspended run goes on after its approval was answered; data: approval_request_id. */
    public static final String RUN_RESUMED = "run.resumed";
    /** The run asks the user to confirm and is suspended until they do; data: id, message, source, approval_type. */
    public static final String APPROVAL_REQUESTED = "approval.requested";
    /** The user answered an approval request; data: approval_request_id, ok, instructions. */
    public static final String APPROVAL_ANSWERED = "approval.answered";
    /** A chunk of an assistant message; data: message_id, delta. */
    public static final String MESSAGE_DELTA = "message.delta";
    /** An assistant message is complete; data: message_id, role, content. */
    public static final String MESSAGE_COMPLETED = "message.completed";

    /** The agent calls a tool: call id, tool name and arguments. */
    public static final String TOOL_CALL = "tool.call";

    /** What a tool call answered (bounded, secrets replaced): call id, name, output, error, duration. */
    public static final String TOOL_RESULT = "tool.result";
    /** Tokens a run consumed; data: model, input_tokens, output_tokens, total_tokens. */
    public static final String USAGE_REPORTED = "usage.reported";
    /** The run finished successfully. */
    public static final String RUN_COMPLETED = "run.completed";
    /**
     * A run's budget is at or past its warning level (the billing's 80 % by default); data: code
     * (spending_cap_approaching | project_spending_cap_approaching), scope, message.
     */
    public static final String BUDGET_WARNING = "budget.warning";
    /** The run failed; data: reason, and code when a budget stopped it. */
    public static final String RUN_FAILED = "run.failed";
    /** The run was cancelled; data: reason, force. */
    public static final String RUN_ABORTED = "run.aborted";
    /** A new message ({@code multitask_strategy} interrupt) stopped the run; what it did is kept. data: status, reason, message_id. */
    public static final String RUN_INTERRUPTED = "run.interrupted";

    private static final Set<String> TERMINAL = Set.of(RUN_COMPLETED, RUN_FAILED, RUN_ABORTED, RUN_INTERRUPTED);
    /** Events about the task itself, which say nothing about whether a run is in progress. */
    public static final Set<String> TASK_LEVEL = Set.of(TASK_CREATED, TASK_UPDATED);

    private TaskEventTypes() {
    }

    public static boolean isTerminal(String type) {
        return TERMINAL.contains(type);
    }

    public static boolean isTaskLevel(String type) {
        return TASK_LEVEL.contains(type);
    }
}
