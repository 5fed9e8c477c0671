package dev.relay.billing.api;

import java.time.Instant;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.relay.billing.api.BudgetViews.UsagePage;
import dev.relay.billing.api.BudgetViews.UsageView;
import dev.relay.billing.domain.GroupBy;
import dev.relay.billing.service.UsageQueries;
import dev.relay.common.api.FieldRules;
import dev.relay.common.api.SecuritySchemes;
import dev.relay.common.auth.Caller;
import dev.relay.common.error.ApiException;
import dev.relay.common.error.ErrorBody;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;

/** The caller's organization's usage, from the ledger the budgets are counted from. */
@Path("/api/v1/usage")
@Tag(name = "Usage")
@Authenticated
@SecurityRequirement(name = SecuritySchemes.BEARER)
@SecurityRequirement(name = SecuritySchemes.API_KEY)
@Produces(MediaType.APPLICATION_JSON)
@APIResponse(responseCode = "401", description = "No valid credentials",
        content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
@APIResponse(responseCode = "400", description = "A parameter is not valid",
        content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
public class UsageResource {

    private final UsageQueries usage;
    private final SecurityIdentity identity;

    public UsageResource(UsageQueries usage, SecurityIdentity identity) {
        this.usage = usage;
        this.identity = identity;
    }

    @GET
    @Operation(operationId = "get-usage", summary = "Usage of the organization",
            description = "Input, output and Neo tokens from `from` until `to` (ISO-8601 instants; default: the budget's current "
                    + "window), summed by `groupBy` (day, the default, model, user, project or task). By user or by task, a "
                    + "member reads only its own usage; an admin the whole organization's.")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = UsagePage.class)))
    public Uni<UsagePage> get(@QueryParam("from") String from, @QueryParam("to") String to, @QueryParam("groupBy") String groupBy) {
        GroupBy by = FieldRules.oneOf("groupBy", groupBy, GroupBy.class, GroupBy.DAY);
        Instant start = FieldRules.instant("from", from);
        Instant end = FieldRules.instant("to", to);
        if (start != null && end != null && !end.isAfter(start)) {
            throw ApiException.invalidRequest("'to' must be after 'from'");
        }
        return usage.grouped(Caller.from(identity), start, end, by).map(groups -> new UsagePage(groups.stream().map(UsageView::of).toList()));
    }
}
