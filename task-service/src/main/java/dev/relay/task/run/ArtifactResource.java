package dev.relay.task.run;

import java.io.IOException;
import java.util.List;
import java.util.UUID;

import jakarta.ws.rs.GET;
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

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.relay.common.api.SecuritySchemes;
import dev.relay.common.auth.Caller;
import dev.relay.common.error.ErrorBody;
import dev.relay.task.task.TaskQueries;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;

/** What a task's completed runs handed off: {@code GET /api/v1/tasks/{id}/artifacts}. */
@Path("/api/v1/tasks/{id}/artifacts")
@Tag(name = "Tasks", description = "Task execution and management")
@Authenticated
@SecurityRequirement(name = SecuritySchemes.BEARER)
@SecurityRequirement(name = SecuritySchemes.API_KEY)
@APIResponse(responseCode = "401", description = "No valid credentials",
        content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
@APIResponse(responseCode = "404", description = "Task not found",
        content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
public class ArtifactResource {

    private final TaskQueries queries;
    private final ArtifactRepository artifacts;
    private final SecurityIdentity identity;
    private final ObjectMapper json;

    ArtifactResource(TaskQueries queries, ArtifactRepository artifacts, SecurityIdentity identity, ObjectMapper json) {
        this.queries = queries;
        this.artifacts = artifacts;
        this.identity = identity;
        this.json = json;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "get-v1-tasks-id-artifacts", summary = "List task artifacts",
            description = "What the task's completed runs handed off (`completion_delivery` artifact or webhook): per run, "
                    + "its final message, the outputs of its tool calls and its usage; oldest first.")
    @APIResponse(responseCode = "200", description = "The task's artifacts",
            content = @Content(schema = @Schema(implementation = ArtifactList.class)))
    public Uni<ArtifactList> artifacts(@PathParam("id") UUID id) {
        Caller caller = Caller.from(identity);
        return Panache.withSession(() -> queries.visible(caller, id).chain(task -> artifacts.ofTask(id))).map(this::list);
    }

    private ArtifactList list(List<Artifact> found) {
        return new ArtifactList(found.stream().map(artifact -> {
            try {
                return new ArtifactList.ArtifactView(artifact.id, artifact.kind, artifact.streamId, artifact.createdAt,
                        json.readTree(artifact.content));
            } catch (IOException unreadable) {
                throw new IllegalStateException("artifact " + artifact.id + " holds no JSON", unreadable);
            }
        }).toList());
    }
}
