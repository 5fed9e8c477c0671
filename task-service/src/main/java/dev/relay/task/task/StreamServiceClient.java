package dev.relay.task.task;

import java.util.UUID;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;
import org.jboss.resteasy.reactive.client.SseEvent;

import dev.relay.common.auth.ApiKeys;
import io.smallrye.mutiny.Multi;

/** The stream service's SSE endpoint, which the Neo create call relays (it never rebuilds a stream itself). */
@RegisterRestClient(configKey = "stream-service")
@Path("/api/preview/agents")
public interface StreamServiceClient {

    @GET
    @Path("/{org}/tasks/{taskId}/events/stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    Multi<SseEvent<String>> events(@PathParam("org") String org, @PathParam("taskId") UUID taskId,
            @QueryParam("through") long through, @QueryParam("until_run") UUID untilRun, @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @HeaderParam(ApiKeys.HEADER) String apiKey);
}
