package dev.relay.common.event;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A schedule was due (topic {@value Topics#TASK_TRIGGERS}): start one run of its task. {@code executionId} is
 * unique per (schedule, due time), so a consumer starts at most one run per trigger ({@link #triggerId()}), however
 * often it is delivered.
 */
public record ScheduleFired(
        @JsonProperty("execution_id") UUID executionId,
        @JsonProperty("schedule_id") UUID scheduleId,
        @JsonProperty("task_id") UUID taskId,
        String org,
        @JsonProperty("created_by") String createdBy,
        @JsonProperty("scheduled_at") Instant scheduledAt,
        int attempt) {

    /**
     * The id a consumer deduplicates by: the execution's, for its first trigger; a trigger sent again after the task
     * was busy ({@code attempt} 1, 2, ...) is a new one.
     */
    public UUID triggerId() {
        return attempt == 0 ? executionId : UUID.nameUUIDFromBytes((executionId + "/" + attempt).getBytes(StandardCharsets.UTF_8));
    }
}
