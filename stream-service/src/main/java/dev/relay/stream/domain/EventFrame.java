package dev.relay.stream.domain;

import java.util.UUID;

/** An event of a task as a stream sends it: from the topic (live) or from the log (history). */
public record EventFrame(UUID taskId, long seq, String type, String envelope) {
}
