package dev.relay.task.service;

import java.util.UUID;

import com.fasterxml.jackson.databind.node.ArrayNode;

import dev.relay.task.domain.RunConfig;

/**
 * A validated request to start a task, or to continue the caller's task {@code taskId} with a new run.
 * {@code prompt} is the text of the user message; {@code parts} its parts as given.
 */
public record NewTask(
        UUID taskId,
        UUID messageId,
        String prompt,
        ArrayNode parts,
        String visibility,
        UUID projectId,
        String completionDelivery,
        boolean isolated,
        ArrayNode secretNames,
        RunConfig runConfig) {
}
