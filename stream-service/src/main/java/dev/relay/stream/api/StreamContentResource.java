package dev.relay.stream.api;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.relay.common.auth.StreamLinkSigner;
import dev.relay.common.error.ApiException;
import dev.relay.common.error.ErrorBody;
import dev.relay.common.auth.StreamLinkConfig;
import dev.relay.stream.domain.StoredEvent;
import dev.relay.stream.service.EventLog;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;

/**
 * One run's events behind a signed, short-lived link (task details' {@code streamUrls}): whoever holds the link may
 * read that run until the link expires, without a token, as with a presigned object URL.
 */
@Path("/api/v1/streams/{streamId}/content")
@Tag(name = "Task events")
@APIResponse(responseCode = "403", description = "The link is expired or was not issued by Relay",
        content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
// created at start, so a missing stream link secret stops the service there, not at its first request
@Startup
public class StreamContentResource {

    private final EventLog log;
    private final StreamLinkSigner signer;

    public StreamContentResource(EventLog log, StreamLinkConfig config) {
        this.log = log;
        this.signer = config.signer();
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "get-stream-content", summary = "Get a run's events through a signed link",
            description = "Answers `{stream_id, task_id, events}` with every stored event of the run, each the envelope the "
                    + "SSE stream sends. The link comes from the task details' `streamUrls`; `expires` and `signature` "
                    + "must be as issued and the link not expired.")
    @APIResponse(responseCode = "200", description = "The run's events",
            content = @Content(mediaType = MediaType.APPLICATION_JSON))
    public Uni<String> content(@PathParam("streamId") String streamId, @QueryParam("expires") Long expires,
            @QueryParam("signature") String signature) {
        UUID id = StreamRequests.parseId("stream", streamId);
        if (expires == null || !signer.isValid(id, expires, signature, Instant.now())) {
            throw ApiException.forbidden("the stream link has expired or is not valid; get a new one from the task details");
        }
        return log.ofStream(id).map(found -> body(id, found));
    }

    private static String body(UUID streamId, List<StoredEvent> found) {
        String taskId = found.isEmpty() ? "null" : "\"" + found.get(0).taskId + "\"";
        // the stored envelopes are JSON already: the answer embeds them as they are
        return "{\"stream_id\":\"" + streamId + "\",\"task_id\":" + taskId + ",\"events\":["
                + found.stream().map(event -> event.envelope).collect(Collectors.joining(",")) + "]}";
    }
}
