package dev.relay.stream.api;

import java.util.UUID;

import dev.relay.stream.domain.LogEnd;

/** An authorized stream request: the task, the position to stream after, and where the log ended then. */
record StreamStart(UUID taskId, long position, LogEnd end) {

    /** The run has ended and the client has already seen its last event. */
    boolean isFinished() {
        return end.runEnded() && end.lastSeq() <= position;
    }
}
