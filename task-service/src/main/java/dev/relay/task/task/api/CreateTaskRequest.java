package dev.relay.task.task.api;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The Neo v1 {@code CreateTaskRequest}; enums stay strings here so that a bad value gets a message naming it. */
public record CreateTaskRequest(
        @JsonProperty("agent_id") String agentId,
        @JsonProperty("agent_ids") List<String> agentIds,
        @JsonProperty("ask_question") Boolean askQuestion,
        @JsonProperty("auto_execute") Boolean autoExecute,
        @JsonProperty("completion_delivery") String completionDelivery,
        @JsonProperty("file_keys") List<String> fileKeys,
        String id,
        Boolean isolated,
        @JsonProperty("max_iterations") Integer maxIterations,
        @JsonProperty("max_steps") Integer maxSteps,
        @JsonProperty("max_tokens") Long maxTokens,
        @JsonProperty("max_duration_seconds") Integer maxDurationSeconds,
        @org.eclipse.microprofile.openapi.annotations.media.Schema(description = "Relay: 1-100000000; the tokens (input and "
                + "output) all of the task's runs may use in all, its continuations included (max_tokens bounds one run); "
                + "on a continuation it replaces the task's limit")
        @JsonProperty("task_max_tokens") Long taskMaxTokens,
        @org.eclipse.microprofile.openapi.annotations.media.Schema(description = "Relay: an http(s) URL the egress policy "
                + "allows; the task's lifecycle messages (run.started, approval.requested, run.completed, run.failed, ..., and "
                + "task.completed with completion_delivery webhook) go there too, signed with the organization's webhook "
                + "secret, retried and logged as the webhook's; on a continuation it replaces the task's receiver")
        @JsonProperty("webhook_url") String webhookUrl,
        @JsonProperty("start_deadline_seconds") Integer startDeadlineSeconds,
        MessageInput message,
        @org.eclipse.microprofile.openapi.annotations.media.Schema(description = "Relay: with the id of the caller's task whose "
                + "run works: reject (409 task_busy, the default), enqueue (the message's run starts after the working one and "
                + "the messages queued before it), interrupt (the working run stops at once, what it did is kept), "
                + "steer (the working run takes the message in at its next model call; no new run)")
        @JsonProperty("multitask_strategy") String multitaskStrategy,
        String mode,
        @org.eclipse.microprofile.openapi.annotations.media.Schema(description = "Relay: 0-9, default 0; among the runs of its "
                + "user that wait their turn (the organization works its limit of runs at once), higher starts first")
        Integer priority,
        String model,
        @JsonProperty("project_id") String projectId,
        @JsonProperty("response_format") String responseFormat,
        @JsonProperty("sandbox_id") String sandboxId,
        ScheduleConfigInput schedule,
        List<String> secrets,
        String task,
        String visibility) {

    public record MessageInput(String id, List<MessagePart> parts, String role) {
    }

@Schema(name = "MessagePartInputV2")
    public record MessagePart(
            String type,
            String text,
            @JsonProperty("media_type") String mediaType,
            String name,
            String url) {
    }

    public record ScheduleConfigInput(
            String name,
            @JsonProperty("scan_frequency") String scanFrequency,
            @JsonProperty("schedule_type") String scheduleType,
            @JsonProperty("start_time") String startTime,
            @Schema(description = "Relay: the IANA time zone start_time is in (default UTC); due times follow its daylight-saving changes")
            @JsonProperty("time_zone") String timeZone) {
    }
}
