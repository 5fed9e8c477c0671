package dev.relay.task.run;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

/** A task's artifacts ({@code GET /api/v1/tasks/{id}/artifacts}). */
public record ArtifactList(List<ArtifactView> artifacts) {

    public record ArtifactView(
            UUID id,
            @Schema(description = "completion: what a completed run handed off") String kind,
            @JsonProperty("stream_id") UUID streamId,
            @JsonProperty("created_at") Instant createdAt,
            @Schema(description = "artifact_id, task_id, stream_id, status, message (the final assistant message), "
                    + "tool_outputs [{call_id, name, output, error}], usage {model, input_tokens, output_tokens, total_tokens}, "
                    + "completed_at") JsonNode content) {
    }
}
