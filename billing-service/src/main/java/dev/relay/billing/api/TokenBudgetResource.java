package dev.relay.billing.api;

import java.time.Instant;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

import dev.relay.billing.api.BudgetViews.BonusRequest;
import dev.relay.billing.api.BudgetViews.BonusView;
import dev.relay.billing.api.BudgetViews.BudgetRequest;
import dev.relay.billing.api.BudgetViews.CapRequest;
import dev.relay.billing.api.BudgetViews.CapView;
import dev.relay.billing.api.BudgetViews.TokenBudget;
import dev.relay.billing.domain.WindowKind;
import dev.relay.billing.service.Budgets;
import dev.relay.common.api.FieldRules;
import dev.relay.common.api.SecuritySchemes;
import dev.relay.common.auth.Caller;
import dev.relay.common.error.ApiException;
import dev.relay.common.error.ErrorBody;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;

/** An organization's Neo-token budget, bonuses and spending caps: read by members, changed by its admins. */
@Path("/api/orgs/{org}/neo")
@Tag(name = "Budgets")
@Authenticated
@SecurityRequirement(name = SecuritySchemes.BEARER)
@SecurityRequirement(name = SecuritySchemes.API_KEY)
@Produces(MediaType.APPLICATION_JSON)
@APIResponse(responseCode = "401", description = "No valid credentials",
        content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
@APIResponse(responseCode = "404", description = "Another organization, or no cap applies",
        content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
public class TokenBudgetResource {

    private final Budgets budgets;
    private final SecurityIdentity identity;

    public TokenBudgetResource(Budgets budgets, SecurityIdentity identity) {
        this.budgets = budgets;
        this.identity = identity;
    }

    @GET
    @Path("/token-budget")
    @Operation(operationId = "get-org-neo-token-budget", summary = "Get Org Neo Token Budget",
            description = "The current Neo-token allowance and consumption; 404 when no Neo-token cap applies to the organization.")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = TokenBudget.class)))
    public Uni<TokenBudget> get(@PathParam("org") String org) {
        return budgets.state(Caller.from(identity), org).map(TokenBudget::of);
    }

    @PUT
    @Path("/token-budget")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "put-org-neo-token-budget", summary = "Set the token budget (admins)",
            description = "Window kind, base allowance per window and window length in days (0: never resets). Changing an "
                    + "existing budget keeps the current window's consumption.")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = TokenBudget.class)))
    @APIResponse(responseCode = "400", description = "A field is not valid",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "403", description = "Not an admin of the organization",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    public Uni<TokenBudget> put(@PathParam("org") String org, BudgetRequest request) {
        if (request == null) {
            throw ApiException.invalidRequest("a JSON body with windowKind, baseAllowanceTokens and windowDays is required");
        }
        WindowKind kind = FieldRules.oneOf("windowKind", request.windowKind(), WindowKind.class, null);
        if (kind == null) {
            throw ApiException.invalidRequest("field 'windowKind' is required");
        }
        long allowance = NumberFields.wholeAtLeast("baseAllowanceTokens", request.baseAllowanceTokens(), 0);
        long days = NumberFields.wholeAtLeast("windowDays", request.windowDays(), 0);
        if (days > 3660) {
            throw ApiException.invalidRequest("field 'windowDays' must be at most 3660, got " + days);
        }
        return budgets.put(Caller.from(identity), org, kind, allowance, (int) days).map(TokenBudget::of);
    }

    @DELETE
    @Path("/token-budget")
    @Operation(operationId = "delete-org-neo-token-budget", summary = "Remove the token budget (admins)",
            description = "No cap applies afterwards (the budget reads 404); the usage history stays.")
    @APIResponse(responseCode = "204", description = "Removed")
    @APIResponse(responseCode = "403", description = "Not an admin of the organization",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    public Uni<Void> delete(@PathParam("org") String org) {
        return budgets.delete(Caller.from(identity), org);
    }

    @POST
    @Path("/token-budget/bonuses")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "post-org-neo-token-bonus", summary = "Grant bonus tokens (admins)",
            description = "Extra Neo tokens on top of the base allowance until expiresAt.")
    @APIResponse(responseCode = "201", content = @Content(schema = @Schema(implementation = BonusView.class)))
    @APIResponse(responseCode = "400", description = "A field is not valid",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "403", description = "Not an admin of the organization",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    public Uni<RestResponse<BonusView>> grant(@PathParam("org") String org, BonusRequest request) {
        if (request == null) {
            throw ApiException.invalidRequest("a JSON body with tokens and expiresAt is required");
        }
        long tokens = NumberFields.wholeAtLeast("tokens", request.tokens(), 1);
        Instant expiresAt = FieldRules.instant("expiresAt", request.expiresAt());
        if (expiresAt == null) {
            throw ApiException.invalidRequest("field 'expiresAt' is required");
        }
        return budgets.grantBonus(Caller.from(identity), org, tokens, expiresAt)
                .map(bonus -> RestResponse.status(RestResponse.Status.CREATED, BonusView.of(bonus)));
    }

    @PUT
    @Path("/spending-caps/users/{email}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "put-user-spending-cap", summary = "Cap a user's spend per window (admins)")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = CapView.class)))
    @APIResponse(responseCode = "400", description = "A field is not valid",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "403", description = "Not an admin of the organization",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    public Uni<CapView> capUser(@PathParam("org") String org, @PathParam("email") String email, CapRequest request) {
        return cap(org, "user", email, request);
    }

    @PUT
    @Path("/spending-caps/projects/{projectId}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "put-project-spending-cap", summary = "Cap a project's spend per window (admins)")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = CapView.class)))
    @APIResponse(responseCode = "400", description = "A field is not valid",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "403", description = "Not an admin of the organization",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    public Uni<CapView> capProject(@PathParam("org") String org, @PathParam("projectId") String projectId, CapRequest request) {
        return cap(org, "project", projectId, request);
    }

    private Uni<CapView> cap(String org, String scope, String subject, CapRequest request) {
        if (request == null) {
            throw ApiException.invalidRequest("a JSON body with limitTokens is required");
        }
        long limit = NumberFields.wholeAtLeast("limitTokens", request.limitTokens(), 0);
        if (subject.isBlank() || subject.length() > 320) {
            throw ApiException.invalidRequest("the " + scope + " in the path must be 1 to 320 characters");
        }
        return budgets.putCap(Caller.from(identity), org, scope, subject, limit).replaceWith(new CapView(scope, subject, limit));
    }
}
