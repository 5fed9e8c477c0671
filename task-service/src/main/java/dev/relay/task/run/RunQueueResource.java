package dev.relay.task.run;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.fasterxml.jackson.annotation.JsonProperty;

import dev.relay.common.api.SecuritySchemes;
import dev.relay.common.auth.Caller;
import dev.relay.common.error.ApiException;
import dev.relay.common.error.ErrorBody;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;

/** The organization's run queue: how many of its runs may work at once, how many do, and how many wait their turn. */
@Path("/api/v1/run-queue")
@Tag(name = "Run queue", description = "The organization's limit of runs working at once and its waiting runs")
@Authenticated
@SecurityRequirement(name = SecuritySchemes.BEARER)
@SecurityRequirement(name = SecuritySchemes.API_KEY)
@APIResponse(responseCode = "401", description = "No valid credentials",
        content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
@Produces(MediaType.APPLICATION_JSON)
public class RunQueueResource {

    private final OrgRunLimits limits;
    private final SecurityIdentity identity;

    public RunQueueResource(OrgRunLimits limits, SecurityIdentity identity) {
        this.limits = limits;
        this.identity = identity;
    }

    public record SetRequest(@JsonProperty("max_active_runs") Integer maxActiveRuns) {
    }

    public record QueueView(
            @Schema(description = "Runs of the organization that work at once; more wait their turn")
            @JsonProperty("max_active_runs") int maxActiveRuns,
            @Schema(description = "Whether the organization's admins set the limit (else the operator's default applies)")
            @JsonProperty("own_limit") boolean ownLimit,
            @JsonProperty("default_max_active_runs") int defaultMaxActiveRuns,
            @Schema(description = "The highest limit the organization may set")
            @JsonProperty("ceiling") int ceiling,
            @JsonProperty("active_runs") long activeRuns,
            @JsonProperty("waiting_runs") long waitingRuns) {

        static QueueView of(OrgRunLimits.QueueState state) {
            return new QueueView(state.maxActiveRuns(), state.ownLimit(), state.defaultMaxActiveRuns(), state.ceiling(),
                    state.activeRuns(), state.waitingRuns());
        }
    }

    @GET
    @Operation(operationId = "get-run-queue", summary = "Get run queue",
            description = "The organization's limit of runs at once, and how many of its runs work and wait now.")
    @APIResponse(responseCode = "200", description = "The queue", content = @Content(schema = @Schema(implementation = QueueView.class)))
    public Uni<QueueView> get() {
        return limits.state(Caller.from(identity)).map(QueueView::of);
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "set-run-queue-limit", summary = "Set run queue limit",
            description = "Sets how many runs of the organization work at once (1 up to the operator's ceiling); runs past it "
                    + "wait their turn. Holds on every instance within seconds. Admins of the organization only.")
    @APIResponse(responseCode = "200", description = "Set", content = @Content(schema = @Schema(implementation = QueueView.class)))
    @APIResponse(responseCode = "400", description = "Missing or out of range",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "403", description = "Not an admin of the organization",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    public Uni<QueueView> set(SetRequest request) {
        if (request == null || request.maxActiveRuns() == null) {
            throw ApiException.invalidRequest("field 'max_active_runs' is required");
        }
        return limits.set(Caller.from(identity), request.maxActiveRuns()).map(QueueView::of);
    }

    @DELETE
    @Operation(operationId = "reset-run-queue-limit", summary = "Reset run queue limit",
            description = "Goes back to the operator's default limit. Admins of the organization only.")
    @APIResponse(responseCode = "200", description = "Reset", content = @Content(schema = @Schema(implementation = QueueView.class)))
    @APIResponse(responseCode = "403", description = "Not an admin of the organization",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    public Uni<QueueView> reset() {
        return limits.reset(Caller.from(identity)).map(QueueView::of);
    }
}
