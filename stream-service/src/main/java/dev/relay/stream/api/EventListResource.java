package dev.relay.stream.api;

import java.util.List;
import java.util.UUID;

import jakarta.ws.rs.GET;
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

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.relay.common.api.SecuritySchemes;
import dev.relay.common.auth.Caller;
import dev.relay.common.api.FieldRules;
import dev.relay.common.api.KeysetPage;
import dev.relay.common.api.PageToken;
import dev.relay.common.error.ErrorBody;
import dev.relay.stream.domain.StoredEvent;
import dev.relay.stream.service.EventLog;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;

/** A task's stored events, page by page, in seq order; the continuation token is opaque to clients. */
@Path("/api/preview/agents/{org}/tasks/{taskId}/events")
@Tag(name = "Task events")
@Authenticated
@SecurityRequirement(name = SecuritySchemes.BEARER)
@SecurityRequirement(name = SecuritySchemes.API_KEY)
@APIResponse(responseCode = "401", description = "No valid credentials",
        content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
@APIResponse(responseCode = "400", description = "Bad page size or token",
        content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
@APIResponse(responseCode = "404", description = "Task not found",
        content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
public class EventListResource {

    private static final String TOKEN_KIND = "after";

    private final EventLog log;
    private final SecurityIdentity identity;
    private final ObjectMapper json;

    public EventListResource(EventLog log, SecurityIdentity identity, ObjectMapper json) {
        this.log = log;
        this.identity = identity;
        this.json = json;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "list-task-events", summary = "Get task events",
            description = "The task's events in seq order, `pageSize` (1-1000, default 100) at a time; pass the answer's "
                    + "`continuationToken` to get the next page. Pages are stable: events are only ever appended.")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = EventPage.class)))
    public Uni<EventPage> list(@PathParam("org") String org, @PathParam("taskId") String taskId,
            @QueryParam("continuationToken") String continuationToken, @QueryParam("pageSize") Integer pageSize) {
        UUID id = StreamRequests.parseTaskId(taskId);
        int size = FieldRules.pageSize(pageSize);
        Long after = PageToken.decode(continuationToken, "is not a token this API issued",
                fields -> fields.size() == 2 && fields.get(0).equals(TOKEN_KIND) ? Long.valueOf(fields.get(1)) : null);
        return log.page(Caller.from(identity), org, id, after == null ? 0 : after, KeysetPage.fetchSize(size))
                .map(fetched -> KeysetPage.of(fetched, size, event -> List.of(TOKEN_KIND, String.valueOf(event.seq))).map(this::item))
                .map(page -> new EventPage(page.items(), page.continuationToken()));
    }

    private EventPage.Item item(StoredEvent event) {
        JsonNode data;
        try {
            data = json.readTree(event.envelope).get("data");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored envelope of " + event.id + " is not JSON", e);
        }
        return new EventPage.Item(event.id, event.type, event.seq, false, event.streamId, event.createdAt, data);
    }
}
