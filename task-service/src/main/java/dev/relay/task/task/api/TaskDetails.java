package dev.relay.task.task.api;

import dev.relay.task.task.TaskMessage;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

import dev.relay.common.event.ScheduleChanged;
import dev.relay.task.task.RunConfig;
import dev.relay.task.task.Schedule;

/** The Neo v1 {@code TaskDetailsResponse} and the types it is made of. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(name = "TaskDetailsResponse")
public record TaskDetails(
        TaskInfo task,
        List<MessageView> messages,
        @JsonProperty("read_only") boolean readOnly,
        StreamInfo stream,
        List<StreamSummary> streams,
        List<StreamUrl> streamUrls,
        @Schema(description = "Relay: the questions and approvals the task's run waits for (answer them with a "
                + "user_confirmation event); absent when there are none")
        @JsonProperty("pending_requests") List<PendingRequest> pendingRequests) {

    /** A question or approval a run asked for and waits on. */
    public record PendingRequest(
            UUID id,
            @Schema(description = "general (confirm the proposal or plan), question (the agent's question), tool_call "
                    + "(a call that changes something)") @JsonProperty("approval_type") String approvalType,
            String message,
            @JsonProperty("stream_id") UUID streamId,
            @JsonProperty("requested_at") Instant requestedAt) {
    }

    /** A signed, short-lived link that fetches one run's events without the caller's token. */
    public record StreamUrl(String streamId, String url, String status) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TaskInfo(
            UUID id,
            String title,
            String status,
            String visibility,
            @JsonProperty("created_at") Instant createdAt,
            @JsonProperty("updated_at") Instant updatedAt,
            @JsonProperty("created_by") String createdBy,
            String model,
            @JsonProperty("project_id") UUID projectId,
            @JsonProperty("is_isolated") boolean isolated,
            @JsonProperty("is_scheduled") boolean scheduled,
            @JsonProperty("schedule_info") ScheduleInfo scheduleInfo,
            @JsonProperty("secret_names") JsonNode secretNames,
            @JsonProperty("completion_delivery") String completionDelivery) {
    }

    /** The task's schedule, as the schedule service last reported it (its state at create until the first report). */
    public record ScheduleInfo(
            @JsonProperty("schedule_id") UUID scheduleId,
            @JsonProperty("schedule_name") String scheduleName,
            @JsonProperty("schedule_type") String scheduleType,
            @JsonProperty("scan_frequency") String scanFrequency,
            @JsonProperty("start_time") String startTime,
            @JsonProperty("schedule_status") String scheduleStatus,
            @JsonProperty("execution_count") int executionCount,
            @JsonProperty("next_execution_at") Instant nextExecutionAt,
            @JsonProperty("last_executed_at") Instant lastExecutedAt,
            @Schema(description = "Relay: the IANA time zone start_time is in") @JsonProperty("time_zone") String timeZone,
            @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("execution_info") ScheduleChanged.ExecutionState executionInfo) {

        static ScheduleInfo of(Schedule schedule) {
            return schedule == null || schedule.isDeleted() ? null : new ScheduleInfo(schedule.id(), schedule.name(), schedule.type(),
                    schedule.frequency(), schedule.startTime(), schedule.status() == null ? Schedule.ACTIVE : schedule.status(),
                    schedule.executionCount(), schedule.nextExecutionAt(), schedule.lastExecutedAt(), schedule.timeZone(), schedule.execution());
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(name = "TaskMessage")
    public record MessageView(
            UUID id,
            String role,
            String content,
            JsonNode parts,
            @JsonProperty("stream_id") UUID streamId,
            @JsonProperty("created_at") Instant createdAt,
            boolean complete) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record StreamInfo(
            boolean hasStream,
            @JsonProperty("last_seq") Long lastSeq,
            @JsonProperty("run_config") RunConfig runConfig,
            String streamId,
            String streamStatus,
            @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("queue_position") Long queuePosition) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(name = "TaskStreamSummary")
    public record StreamSummary(
            @JsonProperty("stream_id") UUID streamId,
            String status,
            @JsonProperty("created_at") Instant createdAt,
            @JsonProperty("completed_at") Instant completedAt,
            @JsonProperty("run_config") RunConfig runConfig) {
    }
}
