package dev.relay.common.event;

import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * The {@code data} of each task event type, written by the task service and read back (the billing service's usage)
 * through the same record; {@link #type()} names the event it is the data of. A field that only some events of a
 * type carry is left out when absent.
 */
public sealed interface TaskEventData {

    @JsonIgnore
    String type();

    record TaskCreated(@JsonProperty("created_by") String createdBy, String visibility, String title) implements TaskEventData {
        public String type() {
            return TaskEventTypes.TASK_CREATED;
        }
    }

    record TaskUpdated(String visibility, @JsonProperty("is_shared") boolean shared, String title) implements TaskEventData {
        public String type() {
            return TaskEventTypes.TASK_UPDATED;
        }
    }

    /** The user's message a run answers; {@code source} and its ids when a schedule's firing started it. */
    record UserMessage(@JsonProperty("message_id") UUID messageId, String role, String content, JsonNode parts,
            @JsonInclude(JsonInclude.Include.NON_EMPTY) @JsonProperty("file_keys") JsonNode fileKeys,
            @JsonProperty("run_config") JsonNode runConfig,
            @JsonInclude(JsonInclude.Include.NON_NULL) String source,
            @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("schedule_id") UUID scheduleId,
            @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("execution_id") UUID executionId) implements TaskEventData {
        /** The source of a message sent into the working run (multitask_strategy steer); its stream_id is that run. */
        public static final String STEER = "steer";

        public String type() {
            return TaskEventTypes.USER_MESSAGE;
        }
    }

    record RunStarted(@JsonProperty("run_config") JsonNode runConfig) implements TaskEventData {
        public String type() {
            return TaskEventTypes.RUN_STARTED;
        }
    }

    /** A run waits its turn: its organization works its limit of runs at once ({@code limit}), or the workers are full. */
    record RunQueued(String reason, @JsonInclude(JsonInclude.Include.NON_NULL) Integer limit) implements TaskEventData {
        public static final String ORG_LIMIT = "org_limit";
        public static final String CAPACITY = "capacity";

        public String type() {
            return TaskEventTypes.RUN_QUEUED;
        }
    }

    /** A run goes on: after the answer to {@code approvalRequestId}, or handed over after its worker stopped. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record RunResumed(@JsonProperty("approval_request_id") UUID approvalRequestId, String reason, Integer recoveries)
            implements TaskEventData {
        public static RunResumed answered(UUID approvalRequestId) {
            return new RunResumed(approvalRequestId, null, null);
        }

        public static RunResumed recovered(int recoveries) {
            return new RunResumed(null, "recovered", recoveries);
        }

        public String type() {
            return TaskEventTypes.RUN_RESUMED;
        }
    }

    record ApprovalRequested(UUID id, String message, String source, @JsonProperty("approval_type") String approvalType,
            @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("call_id") String callId,
            @JsonInclude(JsonInclude.Include.NON_NULL) String tool) implements TaskEventData {
        public String type() {
            return TaskEventTypes.APPROVAL_REQUESTED;
        }
    }

    record ApprovalAnswered(@JsonProperty("approval_request_id") UUID approvalRequestId, boolean ok,
            @JsonInclude(JsonInclude.Include.NON_NULL) String instructions) implements TaskEventData {
        public String type() {
            return TaskEventTypes.APPROVAL_ANSWERED;
        }
    }

    record MessageDelta(@JsonProperty("message_id") UUID messageId, String delta) implements TaskEventData {
        public String type() {
            return TaskEventTypes.MESSAGE_DELTA;
        }
    }

    record MessageCompleted(@JsonProperty("message_id") UUID messageId, String role, String content) implements TaskEventData {
        public String type() {
            return TaskEventTypes.MESSAGE_COMPLETED;
        }
    }

    record ToolCalled(@JsonProperty("call_id") String callId, String name, JsonNode arguments) implements TaskEventData {
        public String type() {
            return TaskEventTypes.TOOL_CALL;
        }
    }

    record ToolResulted(@JsonProperty("call_id") String callId, String name, String output, boolean error,
            @JsonProperty("duration_ms") long durationMillis) implements TaskEventData {
        public String type() {
            return TaskEventTypes.TOOL_RESULT;
        }
    }

    /** What one model call used, and who and what it is billed to (the billing service meters these). */
    /**
     * One model call's usage: {@code model} is the model name the task asked for (what billing prices), {@code servedBy}
     * the provider and provider model that answered ({@code backup/gpt-4.1-mini}; absent for the simulated agent).
     */
    record UsageReported(String model, @JsonProperty("input_tokens") long inputTokens, @JsonProperty("output_tokens") long outputTokens,
            @JsonProperty("total_tokens") long totalTokens, String user,
            @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("project_id") String projectId,
            @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("served_by") String servedBy) implements TaskEventData {
        public static UsageReported of(String model, long inputTokens, long outputTokens, String user, String projectId) {
            return of(model, inputTokens, outputTokens, user, projectId, null);
        }

        public static UsageReported of(String model, long inputTokens, long outputTokens, String user, String projectId, String servedBy) {
            return new UsageReported(model, inputTokens, outputTokens, inputTokens + outputTokens, user, projectId, servedBy);
        }

        public String type() {
            return TaskEventTypes.USAGE_REPORTED;
        }
    }

    record BudgetWarned(String code, String scope, String message) implements TaskEventData {
        public String type() {
            return TaskEventTypes.BUDGET_WARNING;
        }
    }

    record RunCompleted(String status) implements TaskEventData {
        public String type() {
            return TaskEventTypes.RUN_COMPLETED;
        }
    }

    record RunFailed(String status, String reason, @JsonInclude(JsonInclude.Include.NON_NULL) String code) implements TaskEventData {
        public String type() {
            return TaskEventTypes.RUN_FAILED;
        }
    }

    record RunAborted(String status, String reason, boolean force) implements TaskEventData {
        public String type() {
            return TaskEventTypes.RUN_ABORTED;
        }
    }

    record RunInterrupted(String status, String reason, @JsonProperty("message_id") UUID messageId) implements TaskEventData {
        public String type() {
            return TaskEventTypes.RUN_INTERRUPTED;
        }
    }

    record MessageQueued(@JsonProperty("message_id") UUID messageId, String content, JsonNode parts, int position)
            implements TaskEventData {
        public String type() {
            return TaskEventTypes.MESSAGE_QUEUED;
        }
    }
}
