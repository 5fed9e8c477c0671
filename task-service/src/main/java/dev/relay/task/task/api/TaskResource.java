package dev.relay.task.task.api;

import dev.relay.task.task.Task;
import java.util.UUID;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.SseEventSink;
import jakarta.ws.rs.sse.Sse;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.logging.Logger;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.client.SseEvent;

import dev.relay.common.api.SecuritySchemes;
import dev.relay.common.auth.ApiKeys;
import dev.relay.common.auth.Caller;
import dev.relay.common.error.ApiException;
import dev.relay.common.error.ErrorBody;
import dev.relay.common.event.TaskEventTypes;
import dev.relay.common.ratelimit.OperationClass;
import dev.relay.common.ratelimit.RateLimited;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.relay.task.task.NewTask;
import dev.relay.task.task.TaskCreation;
import dev.relay.task.task.StreamRelay;
import dev.relay.task.task.TaskQueries;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/** The Neo v1 task API: create (SSE or JSON acknowledgement) and task details. */
@Path(ResponseModeRouting.PATH)
@Tag(name = "Tasks", description = "Task execution and management")
@Authenticated
@SecurityRequirement(name = SecuritySchemes.BEARER)
@SecurityRequirement(name = SecuritySchemes.API_KEY)
@APIResponse(responseCode = "401", description = "No valid credentials",
        content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
public class TaskResource {

    private static final Logger LOG = Logger.getLogger(TaskResource.class);

    private final TaskCreation creation;
    private final TaskQueries queries;
    private final TaskMapper mapper;
    private final StreamRelay streams;
    private final SecurityIdentity identity;
    private final Sse sse;
    private final ObjectMapper json;

    public TaskResource(TaskCreation creation, TaskQueries queries, TaskMapper mapper, StreamRelay streams,
            SecurityIdentity identity, Sse sse, ObjectMapper json) {
        this.creation = creation;
        this.queries = queries;
        this.mapper = mapper;
        this.streams = streams;
        this.identity = identity;
        this.sse = sse;
        this.json = json;
    }

    @RateLimited(OperationClass.RUNS)
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "post-v1-tasks", summary = "Create task (json)",
            description = "Create a new task or continue an existing one (`id` of a task you own). Answers 202 with the "
                    + "task id when `response_format=json`, or when it is omitted and `Accept: application/json` is sent.")
    @APIResponse(responseCode = "202", description = "Task accepted (JSON acknowledgement mode)",
            content = @Content(schema = @Schema(implementation = CreateTaskAccepted.class)))
    @APIResponse(responseCode = "400", description = "Bad request",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "402", description = "A budget limit is used up (code insufficient_neo_credits, "
            + "user_spending_cap_reached or project_spending_cap_reached)",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    public Uni<RestResponse<CreateTaskAccepted>> create(CreateTaskRequest request,
            @HeaderParam(RequestRules.IDEMPOTENCY_KEY) String idempotencyKey) {
        return creation.start(Caller.from(identity), mapper.toNewTask(request), idempotent(idempotencyKey, request))
                .map(started -> RestResponse.accepted(CreateTaskAccepted.of(started.taskId(), started.warnings())));
    }

    @RateLimited(OperationClass.RUNS)
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Operation(operationId = "post-v1-tasks-stream", summary = "Create task (stream)",
            description = "Create a new task or continue an existing one and stream its events as Server-Sent Events "
                    + "(the default when `response_format` is omitted). Each event has `id` = seq and `event` = type.")
    @APIResponse(responseCode = "200", description = "Streaming SSE response",
            content = @Content(mediaType = MediaType.SERVER_SENT_EVENTS, schema = @Schema(implementation = String.class)))
    @APIResponse(responseCode = "400", description = "Bad request",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "402", description = "A budget limit is used up (the create is refused before any "
            + "event is sent)", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    public Uni<Void> createStreaming(CreateTaskRequest request,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, @HeaderParam(ApiKeys.HEADER) String apiKey,
            @HeaderParam(RequestRules.IDEMPOTENCY_KEY) String idempotencyKey, @Context SseEventSink sink) {
        Caller caller = Caller.from(identity);
        NewTask task = mapper.toNewTask(request);
        // the create is decided before the status line: a refusal (402 budget, 409 busy, …) is a plain error answer
        return creation.start(caller, task, idempotent(idempotencyKey, request)).invoke(started -> {
            Multi<SseEvent<String>> events = streams.events(caller.org(), started.taskId(), started.lastSeq(), started.queuedRun(), authorization,
                    apiKey);
            if (task.schedule() != null && task.taskId() == null) {
                // a new scheduled task runs when its schedule fires: its stream so far is task.created alone
                events = events.select().where(event -> TaskEventTypes.TASK_CREATED.equals(event.name())).select().first();
            }
            relay(events, sink);
        }).replaceWithVoid();
    }

    /**
     * Sends the stream service's events on, one after the other. A client that left fails the next send (at the
     * latest the stream service's next keep-alive comment), which cancels the relay.
     */
    private void relay(Multi<SseEvent<String>> events, SseEventSink sink) {
        events.map(this::relayed).onFailure().recoverWithItem(this::errorEvent)
                .onItem().transformToUniAndConcatenate(event -> Uni.createFrom().completionStage(() -> sink.send(event)))
                .onTermination().invoke(sink::close)
                .subscribe().with(sent -> { }, gone -> LOG.debugf(gone, "the client of a relayed stream left"));
    }

    /** The create's Idempotency-Key with the fingerprint of its body. */
    private dev.relay.task.task.IdempotentRequest idempotent(String header, CreateTaskRequest request) {
        return RequestRules.idempotent(json, header, "create", request);
    }

    /**
     * A failure after the stream started (the status line is already sent), the stream service refusing or failing
     * the relay, ends the stream with one {@code error} event carrying the error body. (Refusals of the create itself,
     * such as a busy task or a used-up budget, are plain error answers.)
     */
    private OutboundSseEvent errorEvent(Throwable failure) {
        ApiException e = failure instanceof ApiException refused ? refused : relayFailure(failure);
        return sse.newEventBuilder().name("error").mediaType(MediaType.APPLICATION_JSON_TYPE)
                .data(ErrorBody.class, ErrorBody.of(e))
                .build();
    }

    private static ApiException relayFailure(Throwable failure) {
        if (failure instanceof WebApplicationException upstream && upstream.getResponse().getStatus() == 401) {
            return new ApiException(401, "unauthorized", "unauthorized", "the stream service did not accept the credentials");
        }
        if (failure instanceof WebApplicationException upstream && upstream.getResponse().getStatus() < 500) {
            int status = upstream.getResponse().getStatus();
            return new ApiException(status, "stream_refused", "stream refused", "the stream service answered " + status);
        }
        LOG.warnf(failure, "relaying a task stream failed");
        return new ApiException(502, "stream_unavailable", "bad gateway",
                "the task's stream could not be relayed; resume it from the events stream endpoint");
    }

    /** Re-emits an event of the stream service as it was: id (seq), name (type) and data, or a comment line. */
    private OutboundSseEvent relayed(SseEvent<String> event) {
        OutboundSseEvent.Builder builder = sse.newEventBuilder();
        if (event.data() == null || event.data().isEmpty()) {
            return builder.comment(event.comment() != null ? event.comment() : "").build();
        }
        return builder.id(event.id()).name(event.name()).data(event.data()).build();
    }

    @GET
    @Path("/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "get-v1-tasks-id", summary = "Get task details",
            description = "Task metadata, its messages materialized through `stream.last_seq`, and every run oldest "
                    + "first. Resume the SSE stream from `last_seq + 1` to receive exactly the rest.")
    @APIResponse(responseCode = "200", description = "Task details with messages",
            content = @Content(schema = @Schema(implementation = TaskDetails.class)))
    @APIResponse(responseCode = "404", description = "Task not found",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    public Uni<TaskDetails> get(@PathParam("id") UUID id) {
        Caller caller = Caller.from(identity);
        return queries.snapshot(caller, id).map(snapshot -> mapper.toDetails(snapshot, caller));
    }
}
