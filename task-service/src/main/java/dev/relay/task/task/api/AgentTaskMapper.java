package dev.relay.task.task.api;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;

import dev.relay.common.api.FieldRules;
import dev.relay.common.error.ApiException;
import dev.relay.task.task.ApprovalMode;
import dev.relay.task.task.PermissionMode;
import dev.relay.task.task.TaskDefaults;
import dev.relay.task.task.ModelCatalog;
import dev.relay.task.task.RunConfig;
import dev.relay.task.task.Task;
import dev.relay.task.task.NewTask;

/** Maps the agents API's requests to the domain, validating every field, and tasks to {@link AgentTask}. */
@ApplicationScoped
public class AgentTaskMapper {

    /** When the agent compacts its conversation, as a share of the context window. */
    static final int COMPACTION_THRESHOLD_PERCENT = 80;
    static final Set<String> TOOL_EXECUTION_MODES = Set.of("cloud", "cli");
    static final Set<String> SOURCES = Set.of("api", "console", "cli", "slack", "schedule", "github");

    private final TaskDefaults defaults;
    private final ObjectMapper json;

    public AgentTaskMapper(TaskDefaults defaults, ObjectMapper json) {
        this.defaults = defaults;
        this.json = json;
    }

    /** A new task from the agents API's create (its runs: {@link RunConfig#forAgentsApi}). */
    public NewTask toNewTask(AgentTaskRequests.Create request) {
        if (request == null) {
            throw ApiException.invalidRequest("a JSON body is required");
        }
        String content = userMessage("message", request.message());
        ApprovalMode approvalMode = FieldRules.oneOf("approvalMode", request.approvalMode(), ApprovalMode.class,
                FieldRules.oneOf("relay.tasks.default-approval-mode", defaults.approvalMode(), ApprovalMode.class, null));
        boolean planMode = Boolean.TRUE.equals(request.planMode());
        var settings = new NewTask.AgentSettings(approvalMode,
                FieldRules.oneOf("permissionMode", request.permissionMode(), PermissionMode.class, PermissionMode.DEFAULT),
                FieldRules.oneOf("toolExecutionMode", request.toolExecutionMode(), TOOL_EXECUTION_MODES, "cloud"),
                FieldRules.oneOf("source", request.source(), SOURCES, "api"),
                integrations(request.integrations()));
        cliIntegrations(request.cliIntegrations());
        RunConfig config = RunConfig.forAgentsApi(approvalMode, planMode ? "plan" : "agent", defaults.model());
        return new NewTask(null, null, content, textParts(content), json.createArrayNode(), "private", null, null, false, json.createArrayNode(),
                config, null, null, null, settings, null);
    }

    /** The content of a {@code user_message} event; 400 naming {@code field} when it is not one. */
    String userMessage(String field, AgentTaskRequests.UserEvent event) {
        if (event == null) {
            throw ApiException.invalidRequest("field '" + field + "' is required");
        }
        if (!"user_message".equals(event.type())) {
            throw ApiException.invalidRequest("field '" + field + ".type' must be 'user_message', got '" + event.type() + "'");
        }
        if (event.content() == null || event.content().isBlank()) {
            throw ApiException.invalidRequest("field '" + field + ".content' must not be empty");
        }
        timestamp(field + ".timestamp", event.timestamp());
        return event.content();
    }

    ArrayNode textParts(String content) {
        ArrayNode parts = json.createArrayNode();
        parts.addObject().put("type", "text").put("text", content);
        return parts;
    }

    static void timestamp(String field, String value) {
        if (value == null || value.isBlank()) {
            return;
        }
        try {
            Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw ApiException.invalidRequest("field '" + field + "' must be an ISO 8601 time, got '" + value + "'");
        }
    }

    /** null inherits the organization's integrations, [] turns them all off, a list of {id} objects is a whitelist. */
    private static ArrayNode integrations(JsonNode value) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isArray()) {
            throw ApiException.invalidRequest("field 'integrations' must be a list of objects");
        }
        for (int i = 0; i < value.size(); i++) {
            JsonNode id = value.get(i).get("id");
            if (!value.get(i).isObject() || id == null || !id.isTextual() || id.asText().isBlank()) {
                throw ApiException.invalidRequest("field 'integrations[" + i + "].id' is required");
            }
        }
        return (ArrayNode) value;
    }

    /** Relay connects no CLI integrations yet, so only "all connected" (null) and "none" ([]) can be honoured. */
    private static void cliIntegrations(JsonNode value) {
        if (value == null || value.isNull() || (value.isArray() && value.isEmpty())) {
            return;
        }
        if (!value.isArray()) {
            throw ApiException.invalidRequest("field 'cliIntegrations' must be a list of objects");
        }
        throw ApiException.invalidRequest("field 'cliIntegrations[0]' names a CLI integration that is not connected for the organization");
    }

    static AgentTask toAgentTask(Task task) {
        String login = task.createdBy.contains("@") ? task.createdBy.substring(0, task.createdBy.indexOf('@')) : task.createdBy;
        boolean usageKnown = task.contextUsedTokens > 0;
        boolean scheduled = task.schedule != null && task.schedule.id() != null;
        return new AgentTask(task.id, task.title, task.taskType, scheduled ? "scheduled" : null, task.runState.value(), task.createdAt, task.approvalMode.value(),
                List.of(), task.planMode, task.shared, task.sharedAt, new AgentTask.UserInfo(login, login, ""),
                task.permissionMode.value(), task.runtimePhase, task.lastHeartbeat,
                usageKnown ? task.contextUsedTokens : null,
                usageKnown ? ModelCatalog.contextWindowTokens(task.model) : null,
                usageKnown ? COMPACTION_THRESHOLD_PERCENT : null,
                task.tokensUsed, task.toolExecutionMode, scheduled ? task.schedule.id().toString() : null, task.source);
    }
}
