package dev.relay.task.task.api;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

/** The request bodies of the agents API; enums stay strings so that a bad value gets a message naming it. */
public final class AgentTaskRequests {

    private AgentTaskRequests() {
    }

    /** Create: the first user message and the task's settings; every setting is optional. */
@Schema(name = "CreateAgentTaskRequest")
    public record Create(
            UserEvent message,
            String approvalMode,
            Boolean planMode,
            String permissionMode,
            String toolExecutionMode,
            JsonNode integrations,
            JsonNode cliIntegrations,
            String source) {
    }

    /**
     * A user event: {@code user_message} (content), {@code user_confirmation} (approval_request_id, ok,
     * instructions) or {@code user_cancel}.
     */
@Schema(name = "AgentUserEvent")
    public record UserEvent(
            String type,
            String content,
            String timestamp,
            @JsonProperty("approval_request_id") String approvalRequestId,
            Boolean ok,
            String instructions,
            @org.eclipse.microprofile.openapi.annotations.media.Schema(description = "user_message only: what the message does "
                    + "while the task's run works: reject (409 task_busy, the default), enqueue (its run starts after the working "
                    + "one and the messages queued before it), interrupt (the working run stops at once, what it did is kept), "
                    + "steer (the working run takes the message in at its next model call; no new run)")
            @JsonProperty("multitask_strategy") String multitaskStrategy) {
    }

    /** Respond: one user event. */
@Schema(name = "RespondToAgentTaskRequest")
    public record Respond(UserEvent event) {
    }

    /** Update: every field optional, null means unchanged. */
@Schema(name = "UpdateAgentTaskRequest")
    public record Update(String name, Boolean isShared, String approvalMode, String permissionMode) {
    }

    /** Cancel; {@code force} is required. */
@Schema(name = "CancelAgentTaskRequest")
    public record Cancel(Boolean force) {
    }
}
