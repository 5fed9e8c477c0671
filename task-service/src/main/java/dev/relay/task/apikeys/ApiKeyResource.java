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

    /** The body of a create; {@code name} is optional. */
    public record CreateRequest(String name) {
    }

    /** A key as listed: never the key itself, only its first characters. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record KeyView(UUID id, String name, String prefix, @JsonProperty("created_at") Instant createdAt,
            @JsonProperty("revoked_at") Instant revokedAt, String key) {

        static KeyView of(ApiKey row, String key) {
            return new KeyView(row.id, row.name, row.shown, row.createdAt, row.revokedAt, key);
        }
    }

    public record KeyList(@JsonProperty("api_keys") List<KeyView> apiKeys) {
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "create-api-key", summary = "Create API key",
            description = "Answers the new key (`key`) once: Relay keeps only its hash. Send it as `X-Api-Key`.")
    @APIResponse(responseCode = "201", content = @Content(schema = @Schema(implementation = KeyView.class)))
    @APIResponse(responseCode = "400", description = "Bad name",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    public Uni<RestResponse<KeyView>> create(CreateRequest request) {
        String name = request == null || request.name() == null || request.name().isBlank() ? "API key" : request.name().strip();
        if (name.length() > 100) {
            throw ApiException.invalidRequest("field 'name' must be at most 100 characters");
        }
        return keys.create(Caller.from(identity), name)
                .map(created -> RestResponse.status(RestResponse.Status.CREATED, KeyView.of(created.record(), created.key())));
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "list-api-keys", summary = "List API keys", description = "The caller's keys, revoked ones included.")
    public Uni<KeyList> list() {
        return keys.list(Caller.from(identity)).map(rows -> new KeyList(rows.stream().map(row -> KeyView.of(row, null)).toList()));
    }

    @DELETE
    @Path("/{id}")
    @Operation(operationId = "revoke-api-key", summary = "Revoke API key",
            description = "The key stops working at once here and, within moments, in every service. Revoking twice is harmless.")
    @APIResponse(responseCode = "204", description = "Revoked")
    @APIResponse(responseCode = "404", description = "No such key of the caller's",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    public Uni<Void> revoke(@PathParam("id") UUID id) {
        return keys.revoke(Caller.from(identity), id);
    }
}
