package dev.relay.stream.api;

import java.util.UUID;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.SimpleResourceInfo;

import dev.relay.common.auth.Caller;
import dev.relay.common.error.ApiException;
import io.quarkus.security.identity.SecurityIdentity;
import dev.relay.stream.service.StreamAccess;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;

/**
 * Decides a stream request before any byte of the SSE response is written (once a stream starts, its status is
 * sent): 404 for a task the caller may not read, 204 when nothing is left to send, else the start position.
 */
public class StreamAuthorization {

    private final StreamAccess access;
    private final SecurityIdentity identity;

    public StreamAuthorization(StreamAccess access, SecurityIdentity identity) {
        this.access = access;
        this.identity = identity;
    }

    @ServerRequestFilter
    public Uni<Response> authorize(SimpleResourceInfo resource, UriInfo uri, RoutingContext routing) {
        if (resource.getResourceClass() != EventStreamResource.class) {
            return Uni.createFrom().nullItem();
        }
        String org = uri.getPathParameters().getFirst("org");
        UUID taskId = parseTaskId(uri.getPathParameters().getFirst("taskId"));
        long position = position(routing.request().getHeader("Last-Event-ID"), routing.request().getParam("after"));
        return access.authorize(Caller.from(identity), org, taskId).map(end -> {
            StreamStart start = new StreamStart(taskId, position, end);
            routing.put(StreamStart.KEY, start);
            return start.isFinished() ? Response.noContent().build() : null;
        });
    }

    static UUID parseTaskId(String taskId) {
        try {
            return UUID.fromString(taskId);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw ApiException.notFound("task " + taskId + " not found");
        }
    }

    static long position(String lastEventId, String after) {
        boolean fromHeader = lastEventId != null && !lastEventId.isBlank();
        String value = fromHeader ? lastEventId : after;
        if (value == null || value.isBlank()) {
            return 0;
        }
        try {
            long seq = Long.parseLong(value.strip());
            if (seq >= 0) {
                return seq;
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw ApiException.invalidRequest((fromHeader ? "header 'Last-Event-ID'" : "parameter 'after'")
                + " must be a non-negative event seq, got '" + value + "'");
    }
}
