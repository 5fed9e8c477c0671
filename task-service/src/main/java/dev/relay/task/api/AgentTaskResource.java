package dev.relay.task.api;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.relay.common.auth.Caller;
import dev.relay.common.error.ApiException;
import dev.relay.common.error.ErrorBody;
import dev.relay.task.domain.Task;
import dev.relay.task.service.TaskListQuery;
import dev.relay.task.service.TaskService;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;

/** The Pulumi-style agents task API over the same tasks as the Neo v1 API: list, get, update and cancel. */
@Path("/api/preview/agents/{org}/tasks")
@Tag(name = "Agent tasks", description = "Pulumi-style agents task API")
@Authenticated
@SecurityRequirement(name = "BearerAuth")
public class AgentTaskResource {

    private static final List<String> SORTS = List.of("lastEvent", "createdAt");

    private final TaskService tasks;
    private final JsonWebToken jwt;

    public AgentTaskResource(TaskService tasks, JsonWebToken jwt) {
        this.tasks = tasks;
        this.jwt = jwt;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "list-agent-tasks", summary = "List tasks",
            description = "The organization's tasks the caller may see (own, team, shared, public), `pageSize` (1-1000, default "
                    + "100) at a time, sorted by `sortBy` (`lastEvent`, the default, or `createdAt`) in `sortDirection` (`desc`, "
                    + "the default, or `asc`), optionally only `taskType` `sync` or `async`. Pass `continuationToken` for the "
                    + "next page; pages sorted by `createdAt` are stable under concurrent inserts.")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = AgentTask.Page.class)))
    @APIResponse(responseCode = "400", description = "Bad parameter", content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public Uni<AgentTask.Page> list(@PathParam("org") String org, @QueryParam("continuationToken") String continuationToken,
            @QueryParam("pageSize") Integer pageSize, @QueryParam("sortBy") String sortBy,
            @QueryParam("sortDirection") String sortDirection, @QueryParam("taskType") String taskType) {
        int size = RequestRules.range("pageSize", pageSize, 1, 1000, 100);
        String sort = RequestRules.oneOf("sortBy", sortBy, Set.copyOf(SORTS), "lastEvent");
        boolean descending = "desc".equals(RequestRules.oneOf("sortDirection", sortDirection, Set.of("asc", "desc"), "desc"));
        String type = RequestRules.oneOf("taskType", taskType, Set.of("sync", "async"), null);
        Cursor after = Cursor.decode(continuationToken, sort, descending);
        TaskListQuery query = new TaskListQuery("lastEvent".equals(sort), descending, type, size + 1,
                after == null ? null : after.time(), after == null ? null : after.id());
        return tasks.list(Caller.from(jwt), org, query).map(found -> {
            boolean more = found.size() > size;
            List<Task> page = more ? found.subList(0, size) : found;
            Task last = page.isEmpty() ? null : page.get(page.size() - 1);
            String token = more ? new Cursor(sort, descending, "lastEvent".equals(sort) ? last.updatedAt : last.createdAt, last.id).encode() : null;
            return new AgentTask.Page(page.stream().map(AgentTaskResource::toAgentTask).toList(), token);
        });
    }

    @GET
    @Path("/{taskId}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "get-agent-task", summary = "Get task")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = AgentTask.class)))
    @APIResponse(responseCode = "404", description = "Task not found", content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public Uni<AgentTask> get(@PathParam("org") String org, @PathParam("taskId") UUID taskId) {
        return tasks.find(Caller.from(jwt), org, taskId).map(AgentTaskResource::toAgentTask);
    }

    /** The body of the update call: every field optional, null means unchanged. */
    public record UpdateRequest(String name, Boolean isShared, String approvalMode, String permissionMode) {
    }

    @PATCH
    @Path("/{taskId}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "update-agent-task", summary = "Update task",
            description = "Changes the name (1-255 characters after trimming), sharing, approval mode or permission mode; "
                    + "null means unchanged. Only the task's creator may. `sharedAt` is set when the task is first shared.")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = AgentTask.class)))
    @APIResponse(responseCode = "400", description = "Bad field", content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "403", description = "Not the task's creator", content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "404", description = "Task not found", content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public Uni<AgentTask> update(@PathParam("org") String org, @PathParam("taskId") UUID taskId, UpdateRequest request) {
        if (request == null) {
            throw ApiException.invalidRequest("a JSON body is required");
        }
        String name = request.name() == null ? null : request.name().strip();
        if (name != null && (name.isEmpty() || name.length() > 255)) {
            throw ApiException.invalidRequest("field 'name' must be 1 to 255 characters after trimming");
        }
        var changes = new TaskService.TaskChanges(name, request.isShared(),
                RequestRules.oneOf("approvalMode", request.approvalMode(), Set.of("manual", "auto", "balanced"), null),
                RequestRules.oneOf("permissionMode", request.permissionMode(), Set.of("default", "read-only"), null));
        return tasks.update(Caller.from(jwt), org, taskId, changes).map(AgentTaskResource::toAgentTask);
    }

    /** The body of the cancel call; {@code force} is required. */
    public record CancelRequest(Boolean force) {
    }

    @POST
    @Path("/{taskId}/cancel")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "cancel-agent-task", summary = "Cancel task",
            description = "Ends the task's unfinished run at once with a `run.aborted` event (its `force` field records the "
                    + "flag) and leaves the task idle. The built-in runtime has nothing to wind down, so a graceful cancel "
                    + "(`force: false`) ends the run the same way. Cancelling an idle task changes nothing.")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = AgentTask.class)))
    @APIResponse(responseCode = "400", description = "`force` missing", content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "403", description = "Not the task's creator", content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "404", description = "Task not found", content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public Uni<AgentTask> cancel(@PathParam("org") String org, @PathParam("taskId") UUID taskId, CancelRequest request) {
        if (request == null || request.force() == null) {
            throw ApiException.invalidRequest("field 'force' is required");
        }
        return tasks.cancel(Caller.from(jwt), org, taskId, request.force()).map(AgentTaskResource::toAgentTask);
    }

    static AgentTask toAgentTask(Task task) {
        String login = task.createdBy.contains("@") ? task.createdBy.substring(0, task.createdBy.indexOf('@')) : task.createdBy;
        return new AgentTask(task.id, task.title, task.taskType, null, task.runState, task.createdAt, task.approvalMode,
                task.planMode, task.shared, task.sharedAt, new AgentTask.UserInfo(login, login, ""), task.permissionMode,
                task.tokensUsed, task.contextUsedTokens, task.toolExecutionMode, task.source);
    }

    /** The opaque continuation token: the sort it belongs to and the last row of the page. */
    private record Cursor(String sort, boolean descending, Instant time, UUID id) {

        String encode() {
            String text = sort + "|" + (descending ? "desc" : "asc") + "|" + time + "|" + id;
            return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
        }

        static Cursor decode(String token, String sort, boolean descending) {
            if (token == null || token.isBlank()) {
                return null;
            }
            try {
                String[] parts = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split("\\|");
                if (parts.length == 4 && parts[0].equals(sort) && parts[1].equals(descending ? "desc" : "asc")) {
                    return new Cursor(sort, descending, Instant.parse(parts[2]), UUID.fromString(parts[3]));
                }
            } catch (RuntimeException malformed) {
                // answered below
            }
            throw ApiException.invalidRequest("parameter 'continuationToken' was not issued for this sort order");
        }
    }
}
