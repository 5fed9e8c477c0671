package dev.relay.task.task;

import java.util.UUID;

import com.fasterxml.jackson.databind.node.ArrayNode;

/**
 * A validated request to start a task, or to continue the caller's task {@code taskId} with a new run.
 * {@code prompt} is the text of the user message; {@code parts} its parts as given, {@code fileKeys} the files it refers to. {@code agent} holds what the
 * agents API sets on a new task (null: the defaults). {@code taskMaxTokens}: the tokens all the task's runs may use
 * in all, {@code webhookUrl} where the task's own lifecycle messages go (null: no limit, no receiver of its own; on a
 * continuation, the task's stay as they were).
 */
public record NewTask(
        UUID taskId,
        UUID messageId,
        String prompt,
        ArrayNode parts,
        ArrayNode fileKeys,
        String visibility,
        UUID projectId,
        String completionDelivery,
        boolean isolated,
        ArrayNode secretNames,
        RunConfig runConfig,
        Long taskMaxTokens,
        String webhookUrl,
        Schedule schedule,
        AgentSettings agent,
        MultitaskStrategy strategy) {

    /** What a message to a task whose run works does (null: reject). */
    public MultitaskStrategy strategyOrReject() {
        return strategy == null ? MultitaskStrategy.REJECT : strategy;
    }

    /** The agents API's settings of a new task; {@code integrations} null inherits the organization's. */
    public record AgentSettings(ApprovalMode approvalMode, PermissionMode permissionMode, String toolExecutionMode, String source,
            ArrayNode integrations) {
    }
}
