package dev.relay.schedule.api;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
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
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.relay.common.api.FieldRules;
import dev.relay.common.api.KeysetPage;
import dev.relay.common.api.PageToken;
import dev.relay.common.api.SecuritySchemes;
import dev.relay.common.auth.Caller;
import dev.relay.common.error.ApiException;
import dev.relay.common.error.ErrorBody;
import dev.relay.common.ratelimit.OperationClass;
import dev.relay.common.ratelimit.RateLimited;
import dev.relay.schedule.api.ScheduleViews.ExecutionView;
import dev.relay.schedule.api.ScheduleViews.PauseRequest;
import dev.relay.schedule.api.ScheduleViews.ScheduleChangeRequest;
import dev.relay.schedule.api.ScheduleViews.ScheduleDetails;
import dev.relay.schedule.api.ScheduleViews.SchedulePage;
import dev.relay.schedule.api.ScheduleViews.ScheduleView;
import dev.relay.schedule.api.ScheduleViews.Triggered;
import dev.relay.schedule.service.Schedules;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;

/** The caller's schedules: read, changed, paused and resumed, triggered now, deleted. Another user's schedule is 404. */
@Path("/api/v1/schedules")
@Tag(name = "Schedules")
@Authenticated
@SecurityRequirement(name = SecuritySchemes.BEARER)
@SecurityRequirement(name = SecuritySchemes.API_KEY)
@Produces(MediaType.APPLICATION_JSON)
@APIResponse(responseCode = "401", description = "No valid credentials",
        content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
public class ScheduleResource {

    private final Schedules schedules;
    private final SecurityIdentity identity;
    private final ObjectMapper json;

    public ScheduleResource(Schedules schedules, SecurityIdentity identity, ObjectMapper json) {
        this.schedules = schedules;
        this.identity = identity;
        this.json = json;
    }

    @GET
    @Operation(operationId = "list-schedules", summary = "List schedules", description = "The caller's schedules, newest first.")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = SchedulePage.class)))
    @APIResponse(responseCode = "400", description = "Bad page size or token",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    public Uni<SchedulePage> list(@QueryParam("pageSize") Integer pageSize, @QueryParam("continuationToken") String token) {
        int size = FieldRules.pageSize(pageSize);
        Position after = Position.of(token);
        return schedules.page(Caller.from(identity), after == null ? null : after.at(), after == null ? null : after.id(),
                        KeysetPage.fetchSize(size))
                .map(rows -> KeysetPage.of(rows, size, schedule -> Position.fields(schedule.createdAt, schedule.id)).map(ScheduleView::of))
                .map(page -> new SchedulePage(page.items(), page.continuationToken()));
    }

    @GET
    @Path("/{id}")
    @Operation(operationId = "get-schedule", summary = "Get a schedule", description = "The schedule and its executions, newest first, page by page.")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = ScheduleDetails.class)))
    @APIResponse(responseCode = "400", description = "Bad page size or token",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "404", description = "No such schedule of the caller's",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    public Uni<ScheduleDetails> get(@PathParam("id") UUID id, @QueryParam("pageSize") Integer pageSize,
            @QueryParam("continuationToken") String token) {
        int size = FieldRules.pageSize(pageSize);
        Position after = Position.of(token);
        return schedules.get(Caller.from(identity), id, after == null ? null : after.at(), after == null ? null : after.id(),
                        KeysetPage.fetchSize(size))
                .map(found -> {
                    KeysetPage<ExecutionView> page = KeysetPage.of(found.executions(), size,
                            execution -> Position.fields(execution.scheduledAt, execution.id)).map(ExecutionView::of);
                    return new ScheduleDetails(ScheduleView.of(found.schedule()), page.items(), page.continuationToken());
                });
    }

    @PATCH
    @Path("/{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "update-schedule", summary = "Change a schedule",
            description = "Name, frequency, start time, time zone, catch-up and overlap policies; absent fields stay. A new "
                    + "frequency, start time or zone takes effect from now.")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = ScheduleView.class)))
    @APIResponse(responseCode = "400", description = "A field is not valid",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "404", description = "No such schedule of the caller's",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    public Uni<ScheduleView> update(@PathParam("id") UUID id, ScheduleChangeRequest request) {
        return schedules.update(Caller.from(identity), id, ScheduleChangeMapper.changes(request)).map(ScheduleView::of);
    }

    @POST
    @Path("/{id}/pause")
    @Operation(operationId = "pause-schedule", summary = "Pause a schedule", description = "Stops firing, with an optional note, until resumed.")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = ScheduleView.class)))
    @APIResponse(responseCode = "404", description = "No such schedule of the caller's",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    @RequestBody(required = false, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = PauseRequest.class)))
    public Uni<ScheduleView> pause(@PathParam("id") UUID id, String body) throws JsonProcessingException {
        // the body is optional: read as text so that a pause without one (and without a content type) is served
        PauseRequest request = body == null || body.isBlank() ? null : json.readValue(body, PauseRequest.class);
        String note = request == null ? null : request.note();
        if (note != null && note.length() > 500) {
            throw ApiException.invalidRequest("field 'note' must be at most 500 characters");
        }
        return schedules.pause(Caller.from(identity), id, note).map(ScheduleView::of);
    }

    @POST
    @Path("/{id}/resume")
    @Operation(operationId = "resume-schedule", summary = "Resume a schedule",
            description = "Fires again from its next due time; what came due while paused is not made up.")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = ScheduleView.class)))
    @APIResponse(responseCode = "404", description = "No such schedule of the caller's",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    public Uni<ScheduleView> resume(@PathParam("id") UUID id) {
        return schedules.resume(Caller.from(identity), id).map(ScheduleView::of);
    }

    @RateLimited(OperationClass.RUNS)
    @POST
    @Path("/{id}/trigger")
    @Operation(operationId = "trigger-schedule", summary = "Run a schedule now",
            description = "Starts one execution now; the schedule's due times stay as they are.")
    @APIResponse(responseCode = "202", content = @Content(schema = @Schema(implementation = Triggered.class)))
    @APIResponse(responseCode = "404", description = "No such schedule of the caller's",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    public Uni<RestResponse<Triggered>> trigger(@PathParam("id") UUID id) {
        return schedules.trigger(Caller.from(identity), id).map(execution -> RestResponse.accepted(new Triggered(execution)));
    }

    @DELETE
    @Path("/{id}")
    @Operation(operationId = "delete-schedule", summary = "Delete a schedule", description = "The schedule and its history; it never fires again.")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "404", description = "No such schedule of the caller's",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    public Uni<Void> delete(@PathParam("id") UUID id) {
        return schedules.delete(Caller.from(identity), id);
    }

    /** Where a page ends: the sort instant and id of its last row, the continuation token's fields. */
    private record Position(Instant at, UUID id) {
        static Position of(String token) {
            return PageToken.decode(token, "is not one this API issued",
                    fields -> fields.size() == 2 ? new Position(Instant.parse(fields.get(0)), UUID.fromString(fields.get(1))) : null);
        }

        static List<String> fields(Instant at, UUID id) {
            return List.of(at.toString(), id.toString());
        }
    }
}
