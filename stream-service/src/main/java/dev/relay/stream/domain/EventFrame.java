package dev.relay.stream.domain;

import java.util.UUID;

/**
 * An event of a task as a stream sends it: from the topic (live) or from the log (history); {@code streamId} is its
 * run (null for an event about the task itself; read from the topic, only a run's last event is sure to have it).
 */
public record EventFrame(UUID taskId, long seq, String type, UUID streamId, String envelope) {
}
