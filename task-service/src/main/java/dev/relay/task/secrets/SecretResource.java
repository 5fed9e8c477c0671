package dev.relay.task.secrets;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

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

import com.fasterxml.jackson.annotation.JsonProperty;

import dev.relay.common.api.SecuritySchemes;
import dev.relay.common.auth.Caller;
import dev.relay.common.error.ApiException;
import dev.relay.common.error.ErrorBody;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;

/**
 * The organization's secrets, which a task names in {@code secrets} for its run's tools: values are write-only —
 * stored encrypted, never answered, listed by name only.
 */
@Path("/api/v1/secrets")
@Tag(name = "Secrets", description = "Write-only secrets a task's tools may use")
@Authenticated
@SecurityRequirement(name = SecuritySchemes.BEARER)
@SecurityRequirement(name = SecuritySchemes.API_KEY)
@APIResponse(responseCode = "401", description = "No valid credentials",
        content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
public class SecretResource {

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");
    private static final int MAX_VALUE_CHARACTERS = 65_536;
    private static final int MAX_HOSTS = 20;
    private static final int MAX_USERS = 100;
    private static final Pattern HOST = Pattern.compile("(?=.{1,253}$)(\\*\\.)?[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");

    private final SecretVault vault;
    private final Resealer resealer;
    private final SecurityIdentity identity;

    public SecretResource(SecretVault vault, Resealer resealer, SecurityIdentity identity) {
        this.vault = vault;
        this.resealer = resealer;
        this.identity = identity;
    }

    public record StoreRequest(String name, String value,
            @Schema(description = "The hosts the secret may be sent to (exact names or `*.example.com`; 1 to 20): http_request "
                    + "fills it only into the headers and body of a request to one of them") List<String> hosts,
            @Schema(description = "The members (emails, at most 100) whose tasks' runs may use it; omitted or empty: every member") List<String> users) {
    }

    /** A secret as shown: its name, the hosts it may be sent to and its dates, never its value. */
    public record SecretView(String name,
            @Schema(description = "Where it may be sent; empty for a secret stored before hosts were required, which no run may use "
                    + "until it is stored again with its hosts") List<String> hosts,
            @Schema(description = "The members whose tasks' runs may use it; empty: every member") List<String> users,
            @JsonProperty("created_by") String createdBy, @JsonProperty("created_at") Instant createdAt,
            @JsonProperty("updated_at") Instant updatedAt) {

        static SecretView of(Secret secret) {
            return new SecretView(secret.name, secret.hostList(), secret.userList(), secret.createdBy, secret.createdAt, secret.updatedAt);
        }
    }

    public record SecretList(List<SecretView> secrets) {
    }

    /** What a re-seal did. */
    public record ResealView(
            @Schema(description = "The id of the key every value is now sealed under") @JsonProperty("key_id") String keyId,
            @Schema(description = "How many values (secrets and the webhook's signing secret) it moved onto that key") int resealed,
            @Schema(description = "How many are still under another key: values under a key in no ring of this service (they "
                    + "cannot be opened; the operator must put that key back), or stored meanwhile under an older configuration") long remaining) {
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "store-secret", summary = "Store secret",
            description = "Admins only. Stores `value` under `name` (letters, digits, `_`; at most 64) with the `hosts` it may be sent to "
                    + "(required: exact host names or `*.example.com`, 1 to 20) and the `users` whose tasks may use it (emails; omitted: every member), "
                    + "replacing the value, hosts and users of a secret of that name. "
                    + "The value is encrypted at rest and never answered; a run's http_request fills `{{secrets.NAME}}` only into the "
                    + "headers and body of a request to one of its hosts.")
    @APIResponse(responseCode = "201", description = "Created", content = @Content(schema = @Schema(implementation = SecretView.class)))
    @APIResponse(responseCode = "200", description = "Replaced", content = @Content(schema = @Schema(implementation = SecretView.class)))
    @APIResponse(responseCode = "400", description = "Bad name, value or hosts",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "503", description = "No key configured",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "403", description = "Not an admin of the organization",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    public Uni<RestResponse<SecretView>> store(StoreRequest request) {
        if (request == null || request.name() == null || !NAME.matcher(request.name()).matches()) {
            throw ApiException.invalidRequest("field 'name' must be 1 to 64 letters, digits or '_', not starting with a digit");
        }
        if (request.value() == null || request.value().isEmpty() || request.value().length() > MAX_VALUE_CHARACTERS) {
            throw ApiException.invalidRequest("field 'value' must be 1 to " + MAX_VALUE_CHARACTERS + " characters");
        }
        List<String> hosts = hosts(request.hosts());
        return vault.store(Caller.from(identity), request.name(), request.value(), hosts, users(request.users())).map(stored -> RestResponse.status(
                stored.created() ? RestResponse.Status.CREATED : RestResponse.Status.OK, SecretView.of(stored.secret())));
    }

    /** The members who may use the secret, checked and in lower case; empty: every member. */
    private static List<String> users(List<String> users) {
        if (users == null) {
            return List.of();
        }
        if (users.size() > MAX_USERS) {
            throw ApiException.invalidRequest("field 'users' must list at most " + MAX_USERS + " members");
        }
        List<String> checked = new ArrayList<>();
        for (int i = 0; i < users.size(); i++) {
            String user = users.get(i) == null ? "" : users.get(i).strip().toLowerCase(Locale.ROOT);
            if (user.isEmpty() || user.length() > 320 || user.contains(",") || user.chars().anyMatch(Character::isWhitespace)) {
                throw ApiException.invalidRequest("field 'users[" + i + "]' must be a member's email");
            }
            checked.add(user);
        }
        return checked;
    }

    /** The hosts, checked and in lower case. */
    private static List<String> hosts(List<String> hosts) {
        if (hosts == null || hosts.isEmpty() || hosts.size() > MAX_HOSTS) {
            throw ApiException.invalidRequest("field 'hosts' must list 1 to " + MAX_HOSTS + " hosts the secret may be sent to");
        }
        List<String> checked = new ArrayList<>();
        for (int i = 0; i < hosts.size(); i++) {
            String host = hosts.get(i) == null ? "" : hosts.get(i).strip().toLowerCase(Locale.ROOT);
            if (!HOST.matcher(host).matches()) {
                throw ApiException.invalidRequest("field 'hosts[" + i + "]' must be a host name (api.example.com) or *.example.com,"
                        + " without scheme, port or path");
            }
            checked.add(host);
        }
        return checked;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "list-secrets", summary = "List secrets",
            description = "The organization's secrets by name, with the hosts each may be sent to; never a value.")
    public Uni<SecretList> list() {
        return vault.list(Caller.from(identity)).map(secrets -> new SecretList(secrets.stream().map(SecretView::of).toList()));
    }

    @POST
    @Path("/reseal")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "reseal-secrets", summary = "Re-seal secrets under the current key",
            description = "Admins only. After the operator rotated the secrets key (`relay.secrets.key-id`, the old key kept in "
                    + "`relay.secrets.old-keys`), re-seals every secret of the organization and its webhook's signing secret under "
                    + "the current key now, instead of waiting for the background passes; nothing else changes.")
    @APIResponse(responseCode = "200", description = "Re-sealed", content = @Content(schema = @Schema(implementation = ResealView.class)))
    @APIResponse(responseCode = "403", description = "Not an admin of the organization",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "409", description = "A re-seal of the organization is under way (code reseal_in_progress)",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "503", description = "No key configured",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    public Uni<ResealView> reseal() {
        Caller caller = Caller.from(identity);
        caller.requireAdmin("re-seal its secrets");
        return resealer.resealOrg(caller.org()).map(done -> new ResealView(done.keyId(), done.resealed(), done.remaining()));
    }

    @DELETE
    @Path("/{name}")
    @Operation(operationId = "delete-secret", summary = "Delete secret", description = "Admins only.")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "404", description = "No such secret",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "403", description = "Not an admin of the organization",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    public Uni<Void> delete(@PathParam("name") String name) {
        return vault.delete(Caller.from(identity), name);
    }
}
