package dev.relay.stream.sse;

import java.util.UUID;

/**
 * What the store announces on PostgreSQL's {@value #CHANNEL} channel when it stored a new event, so every
 * replica can push it to its viewers: {@code task_id|seq|type|envelope} (written by the store's SQL). Large
 * envelopes are left out; a viewer then reads that event from the table.
 */
public record LiveNotice(UUID taskId, long seq, String type, String envelope) {

    public static final String CHANNEL = "task_events";
    /** Longer envelopes are not sent inline (NOTIFY payloads are capped at 8000 bytes). */
    public static final int MAX_INLINE = 7000;

    public static LiveNotice decode(String payload) {
        int first = payload.indexOf('|');
        int second = payload.indexOf('|', first + 1);
        int third = payload.indexOf('|', second + 1);
        String envelope = payload.substring(third + 1);
        return new LiveNotice(UUID.fromString(payload.substring(0, first)), Long.parseLong(payload.substring(first + 1, second)),
                payload.substring(second + 1, third), envelope.isEmpty() ? null : envelope);
    }
}
