package dev.relay.stream.api;

import java.util.UUID;

import dev.relay.common.event.TaskEventTypes;
import dev.relay.stream.domain.StoredEvent;

/** An authorized stream request: the task, the position to stream after, and the log's latest event then. */
record StreamStart(UUID taskId, long position, StoredEvent latest) {

    static final String KEY = StreamStart.class.getName();

    /** The run has ended and the client has already seen its last event. */
    boolean isFinished() {
        return latest != null && latest.seq <= position && TaskEventTypes.isTerminal(latest.type);
    }
}
