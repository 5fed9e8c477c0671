package dev.relay.task.task.api;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonUnwrapped;

/** A task in the Pulumi-style agents API (camelCase); optional fields Relay does not know are absent. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AgentTask(
        UUID id,
        String name,
        String taskType,
        String asyncTriggerType,
        String status,
        Instant createdAt,
        String approvalMode,
        List<Entity> entities,
        boolean planMode,
        boolean isShared,
        Instant sharedAt,
        UserInfo createdBy,
        String permissionMode,
        String runtimePhase,
        Instant lastHeartbeat,
        Long contextUsedTokens,
        Integer contextWindowTokens,
        Integer contextCompactionThresholdPercent,
        long tokensUsed,
        String toolExecutionMode,
        @JsonProperty("sourceAutomationID") String sourceAutomationId,
        String source) {

    /** The seeds' UserInfo; Relay knows users by email only, so name and login are the email's local part. */
    public record UserInfo(String name, String githubLogin, String avatarUrl) {
    }

    /** A Pulumi entity (stack, project, …) giving the agent context; Relay has none to offer, so the list is empty. */
@Schema(name = "AgentEntity")
    public record Entity(String type, String id) {
    }

    /** One page of tasks; no {@code continuationToken} on the last page. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(name = "ListAgentTasksResponse")
    public record Page(List<AgentTask> tasks, String continuationToken) {
    }

    /** The answer to a create: the task's id (the seeds' {@code CreateAgentTaskResponse}) and the task itself. */
@Schema(name = "CreateAgentTaskResponse")
    public record Created(UUID taskId, @JsonUnwrapped AgentTask task) {
    }
}
