package dev.relay.common.event;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The whole state of a schedule after a change (topic {@value Topics#SCHEDULE_UPDATES}), for the task service's
 * {@code schedule_info}. {@code version} grows with every change, so a reader keeps the highest it has seen and
 * ignores the rest, whatever order or how often they arrive; a deleted schedule comes with status {@value #DELETED}
 * and the highest version there is.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ScheduleChanged(
        @JsonProperty("schedule_id") UUID scheduleId,
        @JsonProperty("task_id") UUID taskId,
        String org,
        String name,
        @JsonProperty("schedule_type") String scheduleType,
        @JsonProperty("scan_frequency") String frequency,
        @JsonProperty("start_time") String startTime,
        @JsonProperty("time_zone") String timeZone,
        String status,
        @JsonProperty("execution_count") int executionCount,
        @JsonProperty("last_executed_at") Instant lastExecutedAt,
        @JsonProperty("next_execution_at") Instant nextExecutionAt,
        @JsonProperty("execution_info") ExecutionState execution,
        long version) {

    public static final String DELETED = "deleted";

    /** The schedule's latest execution that ran or is to run (the seeds' {@code ExecutionInfo}). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ExecutionState(
            @JsonProperty("execution_id") UUID executionId,
            @JsonProperty("scheduled_at") Instant scheduledAt,
            @JsonProperty("started_at") Instant startedAt,
            @JsonProperty("completed_at") Instant completedAt,
            String status) {
    }

    public static ScheduleChanged deleted(UUID scheduleId, UUID taskId, String org) {
        return new ScheduleChanged(scheduleId, taskId, org, null, null, null, null, null, DELETED, 0, null, null, null, Long.MAX_VALUE);
    }
}
