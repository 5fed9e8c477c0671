package dev.relay.task.task.api;

import dev.relay.task.task.Task;
import java.util.UUID;

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

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.relay.common.api.FieldRules;
import dev.relay.common.api.SecuritySchemes;
import dev.relay.common.auth.Caller;
import dev.relay.common.error.ApiException;
import dev.relay.common.error.ErrorBody;
import dev.relay.common.ratelimit.OperationClass;
import dev.relay.common.ratelimit.RateLimited;
import dev.relay.task.task.ApprovalMode;
import dev.relay.task.task.PermissionMode;
import dev.relay.task.task.TaskListQuery;
import dev.relay.task.task.IdempotentCalls;
import dev.relay.task.task.TaskCreation;
import dev.relay.task.task.TaskQueries;
import dev.relay.task.task.TaskSettings;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;

/** The Pulumi-style agents task API over the same tasks as the Neo v1 API: create, list, get, respond, update and cancel. */
@Path("/api/preview/agents/{org}/tasks")
@Tag(name = "Agent tasks", description = "Pulumi-style agents task API")
@Authenticated
@SecurityRequirement(name = SecuritySchemes.BEARER)
@SecurityRequirement(name = SecuritySchemes.API_KEY)
@APIResponse(responseCode = "401", description = "No valid credentials",
        content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
@APIResponse(responseCode = "404", description = "Another organization, or no such task the caller may see",
        content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
public class AgentTaskResource {

    private final TaskCreation creation;
    private final TaskQueries queries;
    private final TaskSettings settings;
    private final UserEvents userEvents;
    private final IdempotentCalls idempotent;
    private final AgentTaskMapper mapper;
    private final SecurityIdentity identity;
    private final ObjectMapper json;

    public AgentTaskResource(TaskCreation creation, TaskQueries queries, TaskSettings settings, UserEvents userEvents,
            IdempotentCalls idempotent, AgentTaskMapper mapper, SecurityIdentity identity, ObjectMapper json) {
        this.creation = creation;
        this.queries = queries;
        this.settings = settings;
        this.userEvents = userEvents;
        this.idempotent = idempotent;
        this.mapper = mapper;
        this.identity = identity;
        this.json = json;
    }

    @RateLimited(OperationClass.RUNS)
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "create-agent-task", summary = "Create task",
            description = "Creates a task from its first user message (`message`, a `user_message` event) and starts its "
                    + "first run. `approvalMode` (default: the organization's, `manual`) decides whether runs ask the user to "
                    + "confirm before acting; `integrations` (the operator's MCP servers by id) null gives every configured server, [] none, a list "
                    + "of `{id}` objects only those. A retry with the same `Idempotency-Key` and body answers the first task.")
    @APIResponse(responseCode = "201", description = "The created task and its `taskId`",
            content = @Content(schema = @Schema(implementation = AgentTask.Created.class)))
    @APIResponse(responseCode = "400", description = "Bad field",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "402", description = "A budget limit is used up (code insufficient_neo_credits, "
            + "user_spending_cap_reached or project_spending_cap_reached)",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "409", description = "Idempotency-Key reused with another body",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    public Uni<RestResponse<AgentTask.Created>> create(@PathParam("org") String org, AgentTaskRequests.Create request,
            @HeaderParam(RequestRules.IDEMPOTENCY_KEY) String idempotencyKey) {
        Caller caller = Caller.from(identity);
        caller.requireOrg(org);
        return creation.start(caller, mapper.toNewTask(request), RequestRules.idempotent(json, idempotencyKey, "create " + org, request))
                .chain(started -> queries.find(caller, org, started.taskId()))
                .map(task -> RestResponse.status(RestResponse.Status.CREATED,
                        new AgentTask.Created(task.id, AgentTaskMapper.toAgentTask(task))));
    }

    @RateLimited(OperationClass.RUNS)
    @POST
    @Path("/{taskId}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "respond-agent-task", summary = "Respond to task",
            description = "Sends the creator's answer to the task as `event`: `user_message` (`content`) continues it with a "
                    + "new run; `user_confirmation` (`approval_request_id`, `ok`, optional `instructions`) answers the approval "
                    + "its run is waiting for, which then resumes; `user_cancel` cancels the unfinished run gracefully. "
                    + "409 while an earlier request on the task is still being worked on. A `user_message` while a run works is "
                    + "refused (409 `task_busy`) unless its `multitask_strategy` is `enqueue` (it runs after the working run), "
                    + "`interrupt` (the working run stops, the message's run takes the whole conversation) or `steer` (the working "
                    + "run takes the message in at its next model call).")
    @APIResponse(responseCode = "200", description = "The task after the answer",
            content = @Content(schema = @Schema(implementation = AgentTask.class)))
    @APIResponse(responseCode = "400", description = "Bad event",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "403", description = "Not the task's creator",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "404", description = "Task or approval request not found",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "409", description = "A run is still going, or the approval is not pending",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    public Uni<AgentTask> respond(@PathParam("org") String org, @PathParam("taskId") UUID taskId,
            AgentTaskRequests.Respond request, @HeaderParam(RequestRules.IDEMPOTENCY_KEY) String idempotencyKey) {
        Caller caller = Caller.from(identity);
        var answer = userEvents.answer(caller, org, taskId, request == null ? null : request.event());
        return idempotent.once(caller, RequestRules.idempotent(json, idempotencyKey, "respond " + taskId, request.event()), taskId,
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
    @APIResponse(responseCode = "400", description = "Bad parameter",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    public Uni<AgentTask.Page> list(@PathParam("org") String org, @QueryParam("continuationToken") String continuationToken,
            @QueryParam("pageSize") Integer pageSize, @QueryParam("sortBy") String sortBy,
            @QueryParam("sortDirection") String sortDirection, @QueryParam("taskType") String taskType) {
        TaskListQuery query = TaskPages.query(pageSize, sortBy, sortDirection, taskType, continuationToken);
        return queries.list(Caller.from(identity), org, query).map(found -> TaskPages.page(query, found));
    }

    @GET
    @Path("/{taskId}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "get-agent-task", summary = "Get task")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = AgentTask.class)))
    public Uni<AgentTask> get(@PathParam("org") String org, @PathParam("taskId") UUID taskId) {
        return queries.find(Caller.from(identity), org, taskId).map(AgentTaskMapper::toAgentTask);
    }

    @PATCH
    @Path("/{taskId}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "update-agent-task", summary = "Update task",
            description = "Changes the name (1-255 characters after trimming), sharing, approval mode or permission mode; "
                    + "null means unchanged. Only the task's creator may. `sharedAt` is set when the task is first shared.")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = AgentTask.class)))
    @APIResponse(responseCode = "400", description = "Bad field",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "403", description = "Not the task's creator",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    public Uni<AgentTask> update(@PathParam("org") String org, @PathParam("taskId") UUID taskId, AgentTaskRequests.Update request) {
        if (request == null) {
            throw ApiException.invalidRequest("a JSON body is required");
        }
        var changes = new TaskSettings.TaskChanges(RequestRules.name(request.name()), request.isShared(),
                FieldRules.oneOf("approvalMode", request.approvalMode(), ApprovalMode.class, null),
                FieldRules.oneOf("permissionMode", request.permissionMode(), PermissionMode.class, null));
        return settings.update(Caller.from(identity), org, taskId, changes).map(AgentTaskMapper::toAgentTask);
    }

    @RateLimited(OperationClass.RUNS)
    @POST
    @Path("/{taskId}/cancel")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "cancel-agent-task", summary = "Cancel task",
            description = "Ends the task's unfinished run at once with a `run.aborted` event (its `force` field records the "
                    + "flag) and leaves the task idle. The built-in runtime has nothing to wind down, so a graceful cancel "
                    + "(`force: false`) ends the run the same way. Cancelling an idle task changes nothing.")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = AgentTask.class)))
    @APIResponse(responseCode = "400", description = "`force` missing",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "403", description = "Not the task's creator",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    public Uni<AgentTask> cancel(@PathParam("org") String org, @PathParam("taskId") UUID taskId,
            AgentTaskRequests.Cancel request, @HeaderParam(RequestRules.IDEMPOTENCY_KEY) String idempotencyKey) {
        if (request == null || request.force() == null) {
            throw ApiException.invalidRequest("field 'force' is required");
        }
        Caller caller = Caller.from(identity);
        return idempotent.once(caller, RequestRules.idempotent(json, idempotencyKey, "cancel " + taskId, request), taskId,
                AgentTask.class, () -> settings.cancel(caller, org, taskId, request.force()).map(AgentTaskMapper::toAgentTask));
    }
}
