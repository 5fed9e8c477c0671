package dev.relay.common.event;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The envelope every task event travels in on {@link Topics#TASK_EVENTS}, keyed by {@code taskId}.
 * {@code seq} starts at 1 per task and has no gaps across all runs of the task; {@code id} makes redelivery detectable.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TaskEvent(
        UUID id,
        @JsonProperty("task_id") UUID taskId,
        String org,
        long seq,
        @JsonProperty("stream_id") UUID streamId,
        String type,
        @JsonProperty("created_at") Instant createdAt,
        ObjectNode data) {

    /** True when this event ends a run: after it the task is idle until it is continued. */
    @JsonIgnore
    public boolean isTerminal() {
        return TaskEventTypes.isTerminal(type);
    }
}
