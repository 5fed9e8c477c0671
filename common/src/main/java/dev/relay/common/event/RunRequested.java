package dev.relay.common.event;

import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Asks the agent runtime to execute one run of a task (topic {@value Topics#TASK_RUNS}); handling it twice is
 * harmless (the run is claimed once).
 */
public record RunRequested(UUID id, @JsonProperty("task_id") UUID taskId, @JsonProperty("stream_id") UUID streamId) {
}
