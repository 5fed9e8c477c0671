package dev.relay.stream.sse;

import java.util.UUID;

/** An event of a task as a stream holds it until it is sent: from the topic (live) or from the log (history). */
public record LiveNotice(UUID taskId, long seq, String type, String envelope) {
}
