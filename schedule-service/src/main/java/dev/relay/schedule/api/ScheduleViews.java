package dev.relay.schedule.api;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import dev.relay.schedule.domain.Execution;
import dev.relay.schedule.domain.Schedule;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** What the schedules API answers: the seeds' {@code ScheduleInfo} and {@code ExecutionInfo}, plus Relay's fields. */
public final class ScheduleViews {

    private ScheduleViews() {
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record ScheduleView(
            @JsonProperty("schedule_id") UUID id,
            @JsonProperty("schedule_name") String name,
            @JsonProperty("schedule_type") String type,
            @JsonProperty("schedule_status") String status,
            @JsonProperty("scan_frequency") String frequency,
            @JsonProperty("start_time") String startTime,
            @JsonProperty("time_zone") String timeZone,
            @JsonProperty("task_id") UUID taskId,
            @JsonProperty("catch_up") String catchUp,
            String overlap,
            @JsonProperty("pause_note") String pauseNote,
            @JsonProperty("execution_count") int executionCount,
            @JsonProperty("last_executed_at") Instant lastExecutedAt,
            @JsonProperty("next_execution_at") Instant nextExecutionAt,
            @JsonProperty("created_at") Instant createdAt) {

        static ScheduleView of(Schedule schedule) {
            return new ScheduleView(schedule.id, schedule.name, schedule.type(), schedule.status, schedule.frequency,
                    schedule.startTimeText(), schedule.timeZone, schedule.taskId, schedule.catchUp, schedule.overlap, schedule.pauseNote, schedule.executionCount, schedule.lastExecutedAt, schedule.nextDueAt,
                    schedule.createdAt);
        }
    }

    public record ExecutionView(
            @JsonProperty("execution_id") UUID id,
            @JsonProperty("scheduled_at") Instant scheduledAt,
            @JsonProperty("fired_at") Instant firedAt,
            @JsonProperty("started_at") Instant startedAt,
            @JsonProperty("completed_at") Instant completedAt,
            String status,
            String reason,
            @JsonProperty("run_id") UUID runId) {

        static ExecutionView of(Execution execution) {
            return new ExecutionView(execution.id, execution.scheduledAt, execution.firedAt, execution.startedAt,
                    execution.completedAt, execution.status, execution.reason, execution.runId);
        }
    }

    public record SchedulePage(List<ScheduleView> schedules, String continuationToken) {
    }

    public record ScheduleDetails(ScheduleView schedule, List<ExecutionView> executions, String continuationToken) {
    }

    @RegisterForReflection // read by hand (an empty body is allowed), not by the REST layer
    public record PauseRequest(String note) {
    }

    /** What a PATCH may change; absent fields stay as they are. */
    public record ScheduleChangeRequest(
            String name,
            @JsonProperty("scan_frequency") String scanFrequency,
            @JsonProperty("start_time") String startTime,
            @Schema(description = "IANA time zone of start_time") @JsonProperty("time_zone") String timeZone,
            @Schema(description = "What a due time no replica ran over becomes: skip (default) or run_once") @JsonProperty("catch_up") String catchUp,
            @Schema(description = "What a firing becomes while the previous run is still going: skip (default), buffer_one or allow (queue)")
            String overlap) {
    }

    public record Triggered(@JsonProperty("execution_id") UUID executionId) {
    }
}
