package dev.relay.task.api;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;

/** A task in the Pulumi-style agents API (camelCase); fields Relay cannot know yet are absent. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AgentTask(
        UUID id,
        String name,
        String taskType,
        String asyncTriggerType,
        String status,
        Instant createdAt,
        String approvalMode,
        boolean planMode,
        boolean isShared,
        Instant sharedAt,
        UserInfo createdBy,
        String permissionMode,
        long tokensUsed,
        long contextUsedTokens,
        String toolExecutionMode,
        String source) {

    /** The seeds' UserInfo; Relay knows users by email only, so name and login are the email's local part. */
    public record UserInfo(String name, String githubLogin, String avatarUrl) {
    }

    /** One page of tasks; no {@code continuationToken} on the last page. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Page(List<AgentTask> tasks, String continuationToken) {
    }
}
