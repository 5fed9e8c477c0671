package dev.relay.stream.api;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/** One page of a task's events (the Pulumi {@code ListTaskEvents} shape); no {@code continuationToken} on the last page. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(name = "ListTaskEventsResponse")
public record EventPage(List<Item> events, String continuationToken) {

    @JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(name = "AgentConsoleEvent")
    public record Item(UUID id, String type, long seq, boolean isSynthetic, UUID streamId, Instant createdAt, JsonNode data) {
    }
}
