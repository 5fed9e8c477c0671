package dev.relay.task.api;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

import dev.relay.common.auth.Caller;
import dev.relay.common.error.ApiException;
import dev.relay.common.error.ErrorBody;
import dev.relay.task.domain.Task;
import dev.relay.task.service.IdempotentCalls;
import dev.relay.task.service.TaskListQuery;
import dev.relay.task.service.TaskResponses;
import dev.relay.task.service.TaskService;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;

/** The Pulumi-style agents task API over the same tasks as the Neo v1 API: create, list, get, respond, update and cancel. */
@Path("/api/preview/agents/{org}/tasks")
@Tag(name = "Agent tasks", description = "Pulumi-style agents task API")
@Authenticated
@SecurityRequirement(name = "BearerAuth")
@SecurityRequirement(name = "ApiKeyAuth")
public class AgentTaskResource {

    private static final List<String> SORTS = List.of("lastEvent", "createdAt");

    private final TaskService tasks;
    private final TaskResponses responses;
    private final IdempotentCalls idempotent;
    private final AgentTaskMapper mapper;
    private final SecurityIdentity identity;

    public AgentTaskResource(TaskService tasks, TaskResponses responses, IdempotentCalls idempotent, AgentTaskMapper mapper,
            SecurityIdentity identity) {
        this.tasks = tasks;
        this.responses = responses;
        this.idempotent = idempotent;
        this.mapper = mapper;
        this.identity = identity;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "create-agent-task", summary = "Create task",
            description = "Creates a task from its first user message (`message`, a `user_message` event) and starts its "
                    + "first run. `approvalMode` (default: the organization's, `manual`) decides whether runs ask the user to "
                    + "confirm before acting; `integrations` null inherits the organization's, [] turns them off, a list "
                    + "of `{id}` objects is a whitelist. A retry with the same `Idempotency-Key` and body answers the first task.")
    @APIResponse(responseCode = "201", description = "The created task and its `taskId`",
            content = @Content(schema = @Schema(implementation = AgentTask.Created.class)))
    @APIResponse(responseCode = "400", description = "Bad field", content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "409", description = "Idempotency-Key reused with another body",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public Uni<RestResponse<AgentTask.Created>> create(@PathParam("org") String org, AgentTaskRequests.Create request,
            @HeaderParam(TaskResource.IDEMPOTENCY_KEY) String idempotencyKey) {
        Caller caller = Caller.from(identity);
        caller.requireOrg(org);
        return tasks.start(caller, mapper.toNewTask(request), RequestRules.idempotencyKey(idempotencyKey))
                .chain(taskId -> tasks.find(caller, org, taskId))
                .map(task -> RestResponse.status(RestResponse.Status.CREATED,
                        new AgentTask.Created(task.id, AgentTaskMapper.toAgentTask(task))));
    }

    @POST
    @Path("/{taskId}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "respond-agent-task", summary = "Respond to task",
            description = "Sends the creator's answer to the task as `event`: `user_message` (`content`) continues it with a "
                    + "new run; `user_confirmation` (`approval_request_id`, `ok`, optional `instructions`) answers the approval "
                    + "its run is waiting for, which then resumes; `user_cancel` cancels the unfinished run gracefully. "
                    + "409 while an earlier request on the task is still being worked on.")
    @APIResponse(responseCode = "200", description = "The task after the answer",
            content = @Content(schema = @Schema(implementation = AgentTask.class)))
    @APIResponse(responseCode = "400", description = "Bad event", content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "403", description = "Not the task's creator", content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "404", description = "Task or approval request not found",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "409", description = "A run is still going, or the approval is not pending",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public Uni<AgentTask> respond(@PathParam("org") String org, @PathParam("taskId") UUID taskId,
            AgentTaskRequests.Respond request, @HeaderParam(TaskResource.IDEMPOTENCY_KEY) String idempotencyKey) {
        Caller caller = Caller.from(identity);
        AgentTaskRequests.UserEvent event = request == null ? null : request.event();
        if (event == null || event.type() == null) {
            throw ApiException.invalidRequest("field 'event.type' is required");
        }
        Supplier<Uni<Task>> answer = switch (event.type()) {
            case "user_message" -> {
                String content = mapper.userMessage("event", event);
                yield () -> responses.message(caller, org, taskId, content, mapper.textParts(content));
            }
            case "user_confirmation" -> {
                UUID approvalId = RequestRules.uuid("event.approval_request_id", event.approvalRequestId());
                if (approvalId == null || event.ok() == null) {
                    throw ApiException.invalidRequest("fields 'event.approval_request_id' and 'event.ok' are required");
                }
                AgentTaskMapper.timestamp("event.timestamp", event.timestamp());
                yield () -> responses.confirm(caller, org, taskId, approvalId, event.ok(), event.instructions());
            }
            case "user_cancel" -> () -> tasks.cancel(caller, org, taskId, false);
            default -> throw ApiException.invalidRequest("field 'event.type' must be one of user_cancel, user_confirmation, "
                    + "user_message, got '" + event.type() + "'");
        };
        return idempotent.once(caller, RequestRules.idempotencyKey(idempotencyKey), taskId, "respond " + taskId + " " + event,
                AgentTask.class, () -> answer.get().map(AgentTaskMapper::toAgentTask));
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
        return tasks.list(Caller.from(identity), org, query).map(found -> {
            boolean more = found.size() > size;
            List<Task> page = more ? found.subList(0, size) : found;
            Task last = page.isEmpty() ? null : page.get(page.size() - 1);
            String token = more ? new Cursor(sort, descending, "lastEvent".equals(sort) ? last.updatedAt : last.createdAt, last.id).encode() : null;
            return new AgentTask.Page(page.stream().map(AgentTaskMapper::toAgentTask).toList(), token);
        });
    }

    @GET
    @Path("/{taskId}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "get-agent-task", summary = "Get task")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = AgentTask.class)))
    @APIResponse(responseCode = "404", description = "Task not found", content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public Uni<AgentTask> get(@PathParam("org") String org, @PathParam("taskId") UUID taskId) {
        return tasks.find(Caller.from(identity), org, taskId).map(AgentTaskMapper::toAgentTask);
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
    public Uni<AgentTask> update(@PathParam("org") String org, @PathParam("taskId") UUID taskId, AgentTaskRequests.Update request) {
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
        return tasks.update(Caller.from(identity), org, taskId, changes).map(AgentTaskMapper::toAgentTask);
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
    public Uni<AgentTask> cancel(@PathParam("org") String org, @PathParam("taskId") UUID taskId,
            AgentTaskRequests.Cancel request, @HeaderParam(TaskResource.IDEMPOTENCY_KEY) String idempotencyKey) {
        if (request == null || request.force() == null) {
            throw ApiException.invalidRequest("field 'force' is required");
        }
        Caller caller = Caller.from(identity);
        return idempotent.once(caller, RequestRules.idempotencyKey(idempotencyKey), taskId, "cancel " + taskId + " " + request.force(),
                AgentTask.class, () -> tasks.cancel(caller, org, taskId, request.force()).map(AgentTaskMapper::toAgentTask));
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
