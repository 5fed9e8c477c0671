package dev.relay.task.api;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

import dev.relay.task.domain.RunConfig;

/** The Neo v1 {@code TaskDetailsResponse} and the types it is made of. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TaskDetails(
        TaskInfo task,
        List<MessageView> messages,
        @JsonProperty("read_only") boolean readOnly,
        StreamInfo stream,
        List<StreamSummary> streams) {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TaskInfo(
            UUID id,
            String title,
            String status,
            String visibility,
            @JsonProperty("created_at") Instant createdAt,
            @JsonProperty("updated_at") Instant updatedAt,
            @JsonProperty("created_by") String createdBy,
            String model,
            @JsonProperty("project_id") UUID projectId,
            @JsonProperty("is_isolated") boolean isolated,
            @JsonProperty("is_scheduled") boolean scheduled,
            @JsonProperty("secret_names") JsonNode secretNames,
            @JsonProperty("completion_delivery") String completionDelivery) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record MessageView(
            UUID id,
            String role,
            String content,
            JsonNode parts,
            @JsonProperty("stream_id") UUID streamId,
            @JsonProperty("created_at") Instant createdAt,
            boolean complete) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record StreamInfo(
            boolean hasStream,
            @JsonProperty("last_seq") Long lastSeq,
            @JsonProperty("run_config") RunConfig runConfig,
            String streamId,
            String streamStatus) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record StreamSummary(
            @JsonProperty("stream_id") UUID streamId,
            String status,
            @JsonProperty("created_at") Instant createdAt,
            @JsonProperty("completed_at") Instant completedAt,
            @JsonProperty("run_config") RunConfig runConfig) {
    }
}
