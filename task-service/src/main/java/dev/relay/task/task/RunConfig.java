package dev.relay.task.task;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** The settings one run executes with (the seeds' {@code TaskRunConfig}). */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(name = "TaskRunConfig")
public record RunConfig(
        @JsonProperty("agent_id") String agentId,
        @JsonProperty("agent_ids") List<String> agentIds,
        @JsonProperty("ask_question") boolean askQuestion,
        @JsonProperty("auto_execute") boolean autoExecute,
        @JsonProperty("max_iterations") int maxIterations,
        @JsonProperty("max_steps") int maxSteps,
        String mode,
        String model,
        @JsonProperty("sandbox_id") UUID sandboxId,
        @JsonProperty("max_tokens") Long maxTokens,
        @JsonProperty("max_duration_seconds") Integer maxDurationSeconds,
        @JsonProperty("start_deadline_seconds") Integer startDeadlineSeconds,
        Integer priority) {

    /** Max LLM steps of a run routed to one agent (Neo's "direct"), and of a swarm run. */
    public static final int DIRECT_MAX_STEPS = 45;
    public static final int SWARM_MAX_STEPS = 60;

    /**
     * A run started through the agents API: plan mode plans and verifies once; the run asks the user to confirm
     * before acting when the task's approval mode is {@code manual}.
     */
    public static RunConfig forAgentsApi(ApprovalMode approvalMode, String mode, String model) {
        return new RunConfig(null, null, approvalMode == ApprovalMode.MANUAL, false, "plan".equals(mode) ? 1 : 0, SWARM_MAX_STEPS,
                mode, model, null, null, null, null, null);
    }

    /** When a run of this config created at {@code createdAt} must have ended (null: no wall-clock limit). */
    public Instant endBy(Instant createdAt) {
        return maxDurationSeconds == null ? null : createdAt.plusSeconds(maxDurationSeconds);
    }

    /** When a run of this config created at {@code createdAt} must have started (null: no deadline). */
    public Instant startBy(Instant createdAt) {
        return startDeadlineSeconds == null ? null : createdAt.plusSeconds(startDeadlineSeconds);
    }
}
