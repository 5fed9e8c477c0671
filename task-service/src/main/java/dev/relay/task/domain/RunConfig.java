package dev.relay.task.domain;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

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
        @JsonProperty("sandbox_id") UUID sandboxId) {
}
