package dev.relay.task.apikeys;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
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

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import dev.relay.common.api.SecuritySchemes;
import dev.relay.common.api.FieldRules;
import dev.relay.common.auth.ApiKeyAuthentication;
import dev.relay.common.auth.ApiKeys;
import dev.relay.common.auth.Caller;
import dev.relay.common.error.ApiException;
import dev.relay.common.error.ErrorBody;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;

/** The caller's Neo API keys ({@code neo_sk_…}, sent as {@code X-Api-Key}): create, list, revoke. */
@Path("/api/v1/api-keys")
@Tag(name = "API Keys", description = "Neo API key management for programmatic access")
@Authenticated
@SecurityRequirement(name = SecuritySchemes.BEARER)
@SecurityRequirement(name = SecuritySchemes.API_KEY)
@APIResponse(responseCode = "401", description = "No valid credentials",
        content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
public class ApiKeyResource {

    private final ApiKeyService keys;
    private final SecurityIdentity identity;

    public ApiKeyResource(ApiKeyService keys, SecurityIdentity identity) {
        this.keys = keys;
        this.identity = identity;
    }

    /**
     * The body of a create, every field optional: {@code scope} {@code read} (GET and HEAD only) or
     * {@code read_write} (the default); {@code expires_at} an instant in the future (absent: never).
     */
    public record CreateRequest(String name, String scope, @JsonProperty("expires_at") String expiresAt) {
    }

    /** A key as listed: never the key itself, only its first characters. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record KeyView(UUID id, String name, String prefix, @JsonProperty("user_email") String userEmail, String scope,
            @JsonProperty("created_at") Instant createdAt, @JsonProperty("expires_at") Instant expiresAt,
            @JsonProperty("last_used_at") Instant lastUsedAt, @JsonProperty("revoked_at") Instant revokedAt, String key) {

        static KeyView of(ApiKey row, String key) {
            return new KeyView(row.id, row.name, row.shown, row.userEmail, row.scope, row.createdAt, row.expiresAt, row.lastUsedAt,
                    row.revokedAt, key);
        }
    }

    public record KeyList(@JsonProperty("api_keys") List<KeyView> apiKeys) {
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "create-api-key", summary = "Create API key",
            description = "Answers the new key (`key`) once: Relay keeps only its hash. Send it as `X-Api-Key`. `scope` `read` "
                    + "lets the key only read (GET, HEAD: anything else is a 403), `read_write` (the default) read and write; "
                    + "`expires_at` ends it (absent: never). A key acts as its user, never as an admin, and cannot create keys: "
                    + "create them with a token.")
    @APIResponse(responseCode = "201", content = @Content(schema = @Schema(implementation = KeyView.class)))
    @APIResponse(responseCode = "400", description = "Bad name, scope or expiry",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "403", description = "Asked with an API key",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    public Uni<RestResponse<KeyView>> create(CreateRequest request) {
        if (identity.getAttribute(ApiKeyAuthentication.KEY_HASH_ATTRIBUTE) != null) {
            throw ApiException.forbidden("an API key cannot create API keys: create them with a token");
        }
        String name = request == null || request.name() == null || request.name().isBlank() ? "API key" : request.name().strip();
        if (name.length() > 100) {
            throw ApiException.invalidRequest("field 'name' must be at most 100 characters");
        }
        String scope = request == null || request.scope() == null ? ApiKeys.READ_WRITE : request.scope();
        if (!List.of(ApiKeys.READ, ApiKeys.READ_WRITE).contains(scope)) {
            throw ApiException.invalidRequest("field 'scope' must be 'read' or 'read_write'");
        }
        Instant expiresAt = request == null ? null : FieldRules.instant("expires_at", request.expiresAt());
        if (expiresAt != null && !expiresAt.isAfter(Instant.now())) {
            throw ApiException.invalidRequest("field 'expires_at' must be in the future");
        }
        return keys.create(Caller.from(identity), name, scope, expiresAt)
                .map(created -> RestResponse.status(RestResponse.Status.CREATED, KeyView.of(created.record(), created.key())));
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "list-api-keys", summary = "List API keys",
            description = "The caller's keys, revoked ones included; with `all=true`, every member's (admins only).")
    @APIResponse(responseCode = "403", description = "all=true, and not an admin",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    public Uni<KeyList> list(@QueryParam("all") boolean all) {
        return keys.list(Caller.from(identity), all).map(rows -> new KeyList(rows.stream().map(row -> KeyView.of(row, null)).toList()));
    }

    @DELETE
    @Path("/{id}")
    @Operation(operationId = "revoke-api-key", summary = "Revoke API key",
            description = "The key stops working at once here and, within moments, in every service (streams it opened end). "
                    + "Revoking twice is harmless. An admin may revoke any member's key.")
    @APIResponse(responseCode = "204", description = "Revoked")
    @APIResponse(responseCode = "404", description = "No such key of the caller's",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    public Uni<Void> revoke(@PathParam("id") UUID id) {
        return keys.revoke(Caller.from(identity), id);
    }
}
