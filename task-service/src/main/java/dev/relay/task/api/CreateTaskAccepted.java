package dev.relay.task.api;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The Neo v1 {@code CreateTaskAcceptedResponse}. */
@Schema(name = "CreateTaskAcceptedResponse")
public record CreateTaskAccepted(@JsonProperty("task_id") UUID taskId, String status) {

    public static CreateTaskAccepted of(UUID taskId) {
        return new CreateTaskAccepted(taskId, "accepted");
    }
}
