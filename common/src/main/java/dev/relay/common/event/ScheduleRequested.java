package dev.relay.common.event;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A task was created with a schedule (topic {@value Topics#SCHEDULE_REQUESTS}): the schedule service makes it, once
 * per {@code scheduleId}. The fields are the seeds' {@code ScheduleConfigInput}, validated by the task service;
 * {@code startTime} is HH:MM, {@code frequency} null for a one-time schedule, {@code firstDueAt} the first due time the
 * task service showed (computed by the shared {@code Recurrence}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ScheduleRequested(
        @JsonProperty("schedule_id") UUID scheduleId,
        @JsonProperty("task_id") UUID taskId,
        String org,
        @JsonProperty("created_by") String createdBy,
        String name,
        @JsonProperty("schedule_type") String scheduleType,
        @JsonProperty("scan_frequency") String frequency,
        @JsonProperty("start_time") String startTime,
        @JsonProperty("time_zone") String timeZone,
        @JsonProperty("first_due_at") Instant firstDueAt) {
}
