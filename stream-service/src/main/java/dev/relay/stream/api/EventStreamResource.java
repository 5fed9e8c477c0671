package dev.relay.stream.api;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeIn;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.relay.common.auth.ApiKeys;
import dev.relay.common.error.ApiException;
import dev.relay.common.error.ErrorBody;
import dev.relay.stream.sse.ConnectionLimits;
import dev.relay.stream.sse.Frame;
import dev.relay.stream.sse.TaskStreams;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Multi;
import io.vertx.ext.web.RoutingContext;

/** A task's events as Server-Sent Events: the stored log after a position, then live events until the run ends. */
@Path("/api/preview/agents/{org}/tasks/{taskId}/events/stream")
@Tag(name = "Task events")
@Authenticated
@SecurityScheme(securitySchemeName = "BearerAuth", type = SecuritySchemeType.HTTP, scheme = "bearer", bearerFormat = "JWT")
@SecurityScheme(securitySchemeName = "ApiKeyAuth", type = SecuritySchemeType.APIKEY, in = SecuritySchemeIn.HEADER,
        apiKeyName = ApiKeys.HEADER, description = "Neo API key (neo_sk_* prefix)")
@SecurityRequirement(name = "BearerAuth")
@SecurityRequirement(name = "ApiKeyAuth")
public class EventStreamResource {

    private final TaskStreams streams;
    private final ConnectionLimits limits;

    public EventStreamResource(TaskStreams streams, ConnectionLimits limits) {
        this.streams = streams;
        this.limits = limits;
    }

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Operation(operationId = "stream-task-events", summary = "Stream task events",
            description = "Every stored event after the requested position (`Last-Event-ID`, else `after`, else from the "
                    + "start), then live events, until the task's run ends. Each event has `id` = seq, `event` = type and "
                    + "the JSON event envelope as data. A stream resumed after the last event of a finished run answers 204, "
                    + "which tells SSE clients to stop reconnecting.")
    @APIResponse(responseCode = "200", description = "The event stream",
            content = @Content(mediaType = MediaType.SERVER_SENT_EVENTS, schema = @Schema(implementation = String.class)))
    @APIResponse(responseCode = "204", description = "Nothing left to stream: the run has ended and every event was seen")
    @APIResponse(responseCode = "429", description = "Too many open streams for the organization",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "404", description = "Task not found", content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public Multi<OutboundSseEvent> stream(@PathParam("org") String org, @PathParam("taskId") String taskId,
            @Parameter(description = "The seq of the last event received; the stream continues after it")
            @HeaderParam("Last-Event-ID") String lastEventId,
            @Parameter(description = "Send only events with a greater seq (the task details' last_seq)") @QueryParam("after") String after,
            @Context Sse sse, @Context RoutingContext routing) {
        // StreamAuthorization has checked the caller and the position before the response started
        StreamStart start = routing.get(StreamStart.KEY);
        if (!limits.tryAcquire(org)) {
            throw ApiException.tooManyRequests("organization '" + org + "' has too many open streams; close one or retry later");
        }
        return streams.open(start.taskId(), start.position())
                .onTermination().invoke(() -> limits.release(org))
                .map(frame -> toSse(sse, frame));
    }

    private static OutboundSseEvent toSse(Sse sse, Frame frame) {
        OutboundSseEvent.Builder builder = sse.newEventBuilder();
        if (frame.retryMillis() >= 0) {
            builder.reconnectDelay(frame.retryMillis());
        }
        if (frame.isComment()) {
            return builder.comment(frame.comment()).build();
        }
        return builder.id(Long.toString(frame.seq())).name(frame.type())
                .data(frame.data()).build();
    }
}
