package dev.relay.task.task;

import java.util.UUID;

/**
 * A CDI event: the request to execute pending run {@code streamId} committed on this instance, which may start it at
 * once instead of waiting for its {@code task-runs} record (behind whatever else that partition carries).
 */
public record RunRequestCommitted(UUID taskId, UUID streamId) {
}
