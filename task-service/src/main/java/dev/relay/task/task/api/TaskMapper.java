package dev.relay.task.task.api;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.runtime.Startup;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.relay.common.auth.Caller;
import dev.relay.common.auth.StreamLinkSigner;
import dev.relay.common.api.FieldRules;
import dev.relay.common.egress.EgressPolicy;
import dev.relay.common.egress.ReceiverUrls;
import dev.relay.common.error.ApiException;
import dev.relay.common.auth.StreamLinkConfig;
import dev.relay.task.task.TaskDefaults;
import dev.relay.task.task.RunConfig;
import dev.relay.task.task.Schedule;
import dev.relay.task.task.TaskMessage;
import dev.relay.task.task.TaskRun;
import dev.relay.task.task.MultitaskStrategy;
import dev.relay.task.task.NewTask;
import dev.relay.task.task.TaskSnapshot;

/** Maps the Neo v1 wire types to the domain and back, validating every request field on the way in. */
@ApplicationScoped
// created at start, so a missing stream link secret stops the service there, not at its first request
@Startup
public class TaskMapper {

    static final Set<String> MODES = Set.of("agent", "chat", "plan");
    static final Set<String> MODELS = Set.of("auto", "opus-4.8", "opus-4.7", "opus-4.6", "sonnet-4.6", "haiku-4.5",
            "gpt-5.5-high", "gpt-5.4-xhigh", "gpt-5.4-high", "gpt-5.3-codex-high", "gemini-3-pro", "gemini-3-flash",
            "grok-4.3-high", "grok-4.3-fast", "kimi-k2.6", "glm-5", "glm-5.1", "glm-5.2", "deepseek-v4-pro-high");
    static final Set<String> VISIBILITIES = Set.of("public", "private", "unlisted", "team");
    static final Set<String> DELIVERIES = Set.of("webhook", "artifact");
    static final Set<String> RESPONSE_FORMATS = Set.of("sse", "json");
    static final Set<String> PART_TYPES = Set.of("text", "file");
    static final Set<String> SCHEDULE_TYPES = Set.of(Schedule.RECURRING, Schedule.ONE_TIME);
    static final Set<String> FREQUENCIES = Set.of("hourly", "daily", "weekly", "monthly");

    private final TaskDefaults defaults;
    private final EgressPolicy egress;
    private final ObjectMapper json;
    private final StreamLinkConfig links;
    private final StreamLinkSigner signer;

    public TaskMapper(TaskDefaults defaults, ObjectMapper json, StreamLinkConfig links, EgressPolicy egress) {
        this.egress = egress;
        this.defaults = defaults;
        this.json = json;
        this.links = links;
        this.signer = links.signer();
    }

    /** The largest {@code max_tokens} a task may ask for, and the longest duration or start deadline (a week). */
    private static final long MAX_TOKENS_LIMIT = 100_000_000L;
    private static final int SECONDS_LIMIT = 7 * 24 * 3600;

    public NewTask toNewTask(CreateTaskRequest request) {
        if (request == null) {
            throw ApiException.invalidRequest("a JSON body is required");
        }
        String mode = FieldRules.oneOf("mode", request.mode(), MODES, "agent");
        String model = FieldRules.oneOf("model", request.model(), MODELS, defaults.model());
        int maxIterations = FieldRules.range("max_iterations", request.maxIterations(), 0, 5, "plan".equals(mode) ? 1 : 0);
        boolean direct = request.agentId() != null && !request.agentId().isBlank();
        int maxSteps = FieldRules.range("max_steps", request.maxSteps(), 4, 200,
                direct ? RunConfig.DIRECT_MAX_STEPS : RunConfig.SWARM_MAX_STEPS);
        FieldRules.oneOf("response_format", request.responseFormat(), RESPONSE_FORMATS, null);
        Long maxTokens = request.maxTokens();
        if (maxTokens != null && (maxTokens < 1 || maxTokens > MAX_TOKENS_LIMIT)) {
            throw ApiException.invalidRequest("field 'max_tokens' must be between 1 and " + MAX_TOKENS_LIMIT + ", got " + maxTokens);
        }
        Long taskMaxTokens = request.taskMaxTokens();
        if (taskMaxTokens != null && (taskMaxTokens < 1 || taskMaxTokens > MAX_TOKENS_LIMIT)) {
            throw ApiException.invalidRequest("field 'task_max_tokens' must be between 1 and " + MAX_TOKENS_LIMIT + ", got " + taskMaxTokens);
        }
        Integer maxDuration = request.maxDurationSeconds() == null ? null
                : FieldRules.range("max_duration_seconds", request.maxDurationSeconds(), 1, SECONDS_LIMIT, 0);
        Integer startDeadline = request.startDeadlineSeconds() == null ? null
                : FieldRules.range("start_deadline_seconds", request.startDeadlineSeconds(), 1, SECONDS_LIMIT, 0);
        RunConfig runConfig = new RunConfig(direct ? request.agentId() : null, request.agentIds(),
                Boolean.TRUE.equals(request.askQuestion()), Boolean.TRUE.equals(request.autoExecute()),
                maxIterations, maxSteps, mode, model, FieldRules.uuid("sandbox_id", request.sandboxId()), maxTokens, maxDuration,
                startDeadline, request.priority() == null ? null : FieldRules.range("priority", request.priority(), 0, 9, 0));

        CreateTaskRequest.MessageInput message = request.message();
        List<Map<String, Object>> parts = parts(message);
        String prompt = parts.isEmpty() ? request.task() : parts.stream().filter(p -> "text".equals(p.get("type")))
                .map(p -> (String) p.get("text")).collect(Collectors.joining("\n"));
        if (prompt == null || prompt.isBlank()) {
            if (parts.isEmpty()) {
                throw ApiException.invalidRequest("either 'task' or 'message.parts' must carry the user's input");
            }
            prompt = "";
        }
        if (parts.isEmpty()) {
            parts = List.of(Map.of("type", "text", "text", prompt));
        }
        if (message != null && message.role() != null && !"user".equals(message.role())) {
            throw ApiException.invalidRequest("field 'message.role' must be 'user', got '" + message.role() + "'");
        }
        return new NewTask(
                RequestRules.uuidOrNull(request.id()),
                message == null ? null : RequestRules.uuidOrNull(message.id()),
                prompt,
                json.valueToTree(parts),
                json.valueToTree(request.fileKeys() == null ? List.of() : request.fileKeys()),
                FieldRules.oneOf("visibility", request.visibility(), VISIBILITIES, "private"),
                FieldRules.uuid("project_id", request.projectId()),
                FieldRules.oneOf("completion_delivery", request.completionDelivery(), DELIVERIES, null),
                Boolean.TRUE.equals(request.isolated()),
                json.valueToTree(request.secrets() == null ? List.of() : request.secrets()),
                runConfig,
                taskMaxTokens,
                request.webhookUrl() == null ? null : ReceiverUrls.requireValid("webhook_url", request.webhookUrl(), egress),
                schedule(request.schedule()),
                null,
                MultitaskStrategy.of("multitask_strategy", request.multitaskStrategy()));
    }

    /** True when the caller asked for the JSON acknowledgement rather than the SSE stream. */
    public static boolean wantsJson(String responseFormat, String accept) {
        if (responseFormat != null && !responseFormat.isBlank()) {
            return "json".equals(responseFormat);
        }
        return accept != null && accept.contains("application/json") && !accept.contains("text/event-stream");
    }

    public TaskDetails toDetails(TaskSnapshot snapshot, Caller viewer) {
        var task = snapshot.task();
        // a run a queued message will start is not the task's state yet: the run working (or the last that did) is
        TaskRun latest = snapshot.currentRun();
        String status = latest == null ? "pending" : latest.status;
        var info = new TaskDetails.TaskInfo(task.id, task.title, status, task.visibility, task.createdAt, task.updatedAt,
                task.createdBy, task.model, task.projectId, task.isolated, task.schedule != null && !task.schedule.isDeleted(),
                TaskDetails.ScheduleInfo.of(task.schedule), task.secretNames, task.completionDelivery);
        var stream = new TaskDetails.StreamInfo(latest != null, task.lastSeq, latest == null ? null : latest.runConfig,
                latest == null ? null : latest.id.toString(), latest == null ? null : latest.status, snapshot.queuePosition());
        return new TaskDetails(info, snapshot.messages().stream().map(TaskMapper::message).toList(),
                !task.createdBy.equals(viewer.email()) || !task.org.equals(viewer.org()), stream,
                snapshot.runs().stream().map(TaskMapper::summary).toList(),
                snapshot.runs().stream().map(this::streamUrl).toList(),
                snapshot.pending().isEmpty() ? null : snapshot.pending().stream().map(approval -> new TaskDetails.PendingRequest(
                        approval.id, approval.approvalType, approval.message, approval.streamId, approval.requestedAt)).toList());
    }

    private TaskDetails.StreamUrl streamUrl(TaskRun run) {
        String link = signer.link(run.id, Instant.now().plus(links.ttl()));
        return new TaskDetails.StreamUrl(run.id.toString(), links.baseUrl() + link, run.wireStatus());
    }

    private static TaskDetails.MessageView message(TaskMessage m) {
        return new TaskDetails.MessageView(m.id, m.role, m.content, m.parts, m.streamId, m.createdAt, m.complete);
    }

    private static TaskDetails.StreamSummary summary(TaskRun run) {
        return new TaskDetails.StreamSummary(run.id, run.wireStatus(), run.createdAt, run.completedAt, run.runConfig);
    }

    private static Schedule schedule(CreateTaskRequest.ScheduleConfigInput input) {
        if (input == null) {
            return null;
        }
        String type = FieldRules.oneOf("schedule.schedule_type", input.scheduleType(), SCHEDULE_TYPES, null);
        if (type == null) {
            throw ApiException.invalidRequest("field 'schedule.schedule_type' is required");
        }
        String frequency = FieldRules.oneOf("schedule.scan_frequency", input.scanFrequency(), FREQUENCIES, null);
        if (frequency == null && Schedule.RECURRING.equals(type)) {
            throw ApiException.invalidRequest("field 'schedule.scan_frequency' is required for a recurring schedule");
        }
        String start = FieldRules.startTime("schedule.start_time", input.startTime());
        String zone = FieldRules.timeZone("schedule.time_zone", input.timeZone(), "UTC");
        String name = input.name() == null || input.name().isBlank() ? null : input.name().strip();
        return Schedule.requested(name, type, frequency, start, zone);
    }

    private static List<Map<String, Object>> parts(CreateTaskRequest.MessageInput message) {
        if (message == null || message.parts() == null) {
            return List.of();
        }
        List<Map<String, Object>> parts = new ArrayList<>();
        for (int i = 0; i < message.parts().size(); i++) {
            CreateTaskRequest.MessagePart part = message.parts().get(i);
            String field = "message.parts[" + i + "]";
            if (part == null) {
                throw ApiException.invalidRequest("field '" + field + "' must be an object");
            }
            String type = FieldRules.oneOf(field + ".type", part.type(), PART_TYPES, null);
            if (type == null) {
                throw ApiException.invalidRequest("field '" + field + ".type' is required");
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("type", type);
            if ("text".equals(type)) {
                if (part.text() == null) {
                    throw ApiException.invalidRequest("field '" + field + ".text' is required for a text part");
                }
                out.put("text", part.text());
            } else {
                if (part.url() == null || part.url().isBlank()) {
                    throw ApiException.invalidRequest("field '" + field + ".url' is required for a file part");
                }
                out.put("url", part.url());
                if (part.name() != null) {
                    out.put("name", part.name());
                }
                if (part.mediaType() != null) {
                    out.put("media_type", part.mediaType());
                }
            }
            parts.add(out);
        }
        return parts;
    }
}
