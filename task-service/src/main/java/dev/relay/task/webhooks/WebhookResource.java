package dev.relay.task.webhooks;

import java.time.Instant;
import java.util.List;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import dev.relay.common.api.FieldRules;
import dev.relay.common.api.KeysetPage;
import dev.relay.common.api.PageToken;
import dev.relay.common.api.SecuritySchemes;
import dev.relay.common.auth.Caller;
import dev.relay.common.egress.EgressPolicy;
import dev.relay.common.egress.ReceiverUrls;
import dev.relay.common.error.ApiException;
import dev.relay.common.error.ErrorBody;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;

/**
 * The organization's webhook, where tasks with {@code completion_delivery: webhook} are POSTed when they complete,
 * signed the Standard Webhooks way with a secret shown once; and the log of every delivery attempt.
 */
@Path("/api/v1/webhook")
@Tag(name = "Webhook", description = "Completion delivery to the organization's webhook")
@Authenticated
@SecurityRequirement(name = SecuritySchemes.BEARER)
@SecurityRequirement(name = SecuritySchemes.API_KEY)
@APIResponse(responseCode = "401", description = "No valid credentials",
        content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
public class WebhookResource {


    private final Webhooks webhooks;
    private final SecurityIdentity identity;
    private final EgressPolicy egress;

    public WebhookResource(Webhooks webhooks, SecurityIdentity identity, EgressPolicy egress) {
        this.webhooks = webhooks;
        this.identity = identity;
        this.egress = egress;
    }

    public record SetRequest(String url, @JsonProperty("rotate_secret") Boolean rotateSecret,
            @Schema(description = "The event types to send (replacing the earlier list): task.completed (tasks with "
                    + "completion_delivery webhook), run.started, run.resumed, approval.requested, run.completed, run.failed, "
                    + "run.aborted, run.interrupted, budget.warning. Omitted: unchanged; a new webhook subscribes to task.completed") List<String> events) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record WebhookView(
            String url,
            @Schema(description = "The event types it is sent") List<String> events,
            @Schema(description = "The signing secret (whsec_…): answered only when the webhook is created or its secret "
                    + "rotated; keep it, it is not shown again") String secret,
            @JsonProperty("created_by") String createdBy,
            @JsonProperty("created_at") Instant createdAt,
            @JsonProperty("updated_at") Instant updatedAt) {

        static WebhookView of(Webhook webhook, String secret) {
            return new WebhookView(webhook.url, webhook.eventList(), secret, webhook.createdBy, webhook.createdAt, webhook.updatedAt);
        }
    }

    public record Attempt(@JsonProperty("attempted_at") Instant attemptedAt, @JsonProperty("status_code") Integer statusCode,
            String error, @JsonProperty("duration_ms") long durationMs) {
    }

    public record DeliveryView(
            @Schema(description = "The webhook-id header of every attempt: deduplicate by it") String id,
            @JsonProperty("task_id") java.util.UUID taskId,
            @JsonProperty("event_type") String eventType,
            @Schema(description = "pending, delivered, failed (given up) or dropped (never sent: the organization had relay.webhooks.max-queued-per-org messages waiting)") String status,
            @JsonProperty("created_at") Instant createdAt,
            @JsonProperty("next_attempt_at") Instant nextAttemptAt,
            @JsonProperty("finished_at") Instant finishedAt,
            List<Attempt> attempts) {
    }

    /** One page of the delivery log; no {@code continuationToken} on the last page. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record DeliveryList(List<DeliveryView> deliveries, String continuationToken) {
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "set-webhook", summary = "Set webhook",
            description = "Sets the URL (http or https) completions are POSTed to; a URL that leads inside the operator's network "
                    + "(loopback, private, link-local addresses, localhost names, ports other than the allowed ones) is refused. Creating the webhook, or `rotate_secret: true`, "
                    + "makes a new signing secret, answered this once. Admins of the organization only.")
    @APIResponse(responseCode = "201", description = "Created (with its secret)", content = @Content(schema = @Schema(implementation = WebhookView.class)))
    @APIResponse(responseCode = "200", description = "Changed", content = @Content(schema = @Schema(implementation = WebhookView.class)))
    @APIResponse(responseCode = "400", description = "Bad URL, or one the egress policy refuses",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "503", description = "No key configured to seal the secret",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "403", description = "Not an admin of the organization",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    public Uni<RestResponse<WebhookView>> set(SetRequest request) {
        String url = ReceiverUrls.requireValid("url", request == null ? null : request.url(), egress);
        boolean rotate = request.rotateSecret() != null && request.rotateSecret();
        return webhooks.set(Caller.from(identity), url, rotate, events(request.events())).map(saved -> RestResponse.status(
                saved.created() ? RestResponse.Status.CREATED : RestResponse.Status.OK, WebhookView.of(saved.webhook(), saved.secret())));
    }

    /** The event types, checked: known ones, each once; null when the request names none. */
    private static List<String> events(List<String> events) {
        if (events == null) {
            return null;
        }
        List<String> known = new java.util.ArrayList<>(LifecycleMessages.TYPES);
        known.add(Webhook.DEFAULT_EVENT);
        if (events.isEmpty() || events.size() > known.size() || events.stream().distinct().count() != events.size()
                || !known.containsAll(events)) {
            throw ApiException.invalidRequest("field 'events' must list event types among " + known.stream().sorted().toList()
                    + ", each once");
        }
        return List.copyOf(events);
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "get-webhook", summary = "Get webhook", description = "The webhook's URL; never its secret.")
    @APIResponse(responseCode = "200", description = "The webhook", content = @Content(schema = @Schema(implementation = WebhookView.class)))
    @APIResponse(responseCode = "404", description = "No webhook set",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    public Uni<WebhookView> get() {
        return webhooks.find(Caller.from(identity)).map(webhook -> WebhookView.of(webhook, null));
    }

    @DELETE
    @Operation(operationId = "delete-webhook", summary = "Delete webhook",
            description = "Removes the webhook; messages not yet delivered are given up at their next attempt. Admins only.")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "404", description = "No webhook set",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "403", description = "Not an admin of the organization",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    public Uni<Void> delete() {
        return webhooks.delete(Caller.from(identity));
    }

    @GET
    @Path("/deliveries")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "list-webhook-deliveries", summary = "List webhook deliveries",
            description = "The organization's webhook messages, newest first, with every attempt: `pageSize` (1-1000, default 100) "
                    + "at a time; pass the answer's `continuationToken` to get the next page. `limit` is a deprecated alias of "
                    + "`pageSize`. Admins only: the log names every member's tasks.")
    @APIResponse(responseCode = "200", description = "Deliveries", content = @Content(schema = @Schema(implementation = DeliveryList.class)))
    @APIResponse(responseCode = "400", description = "Bad page size or token",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "403", description = "Not an admin of the organization",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    public Uni<DeliveryList> deliveries(@QueryParam("pageSize") Integer pageSize,
            @QueryParam("continuationToken") String continuationToken,
            @Parameter(deprecated = true, description = "Use pageSize") @QueryParam("limit") Integer limit) {
        int size = FieldRules.pageSize(pageSize != null ? pageSize : limit);
        Position after = PageToken.decode(continuationToken, "is not one this API issued",
                fields -> fields.size() == 2 ? new Position(Instant.parse(fields.get(0)), fields.get(1)) : null);
        return webhooks.deliveries(Caller.from(identity), after == null ? null : after.at(), after == null ? null : after.id(),
                        KeysetPage.fetchSize(size))
                .map(found -> KeysetPage.of(found, size, last -> List.of(last.delivery().createdAt.toString(), last.delivery().id))
                        .map(WebhookResource::view))
                .map(page -> new DeliveryList(page.items(), page.continuationToken()));
    }

    private static DeliveryView view(Webhooks.Delivery found) {
        WebhookDelivery delivery = found.delivery();
        return new DeliveryView(delivery.id, delivery.taskId, delivery.eventType, delivery.status, delivery.createdAt,
                delivery.nextAttemptAt, delivery.finishedAt, found.attempts().stream()
                        .map(attempt -> new Attempt(attempt.attemptedAt, attempt.statusCode, attempt.error, attempt.durationMs)).toList());
    }

    /** Where a page of the delivery log ends: its last delivery's creation time and id. */
    private record Position(Instant at, String id) {
    }
}
