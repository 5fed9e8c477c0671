package dev.relay.stream.api;

import java.util.UUID;

import dev.relay.stream.domain.LogEnd;
import dev.relay.stream.sse.StreamFrom;

/**
 * An authorized stream request: the task, the position to stream after, the seq the stream must reach before it
 * may end ({@code through}, 0 for none), the run whose end it waits for ({@code until_run}, null for none: never on a
 * resumed stream, whose run may have ended before its position, nor for a run the log does not show as the task's),
 * and where the log ended then.
 */
record StreamStart(UUID taskId, long position, long through, UUID untilRun, LogEnd end) {

    /** The seq the log must hold before the open can be decided from it: what the client saw or asked for. */
    static long needed(long position, long through) {
        return Math.max(position, through);
    }

    /**
     * The run has ended and the client has already seen its last event, and that is the log's last event: a log that
     * does not hold the client's position yet (storing lags the live events) decides nothing, so it is no 204.
     */
    boolean isFinished() {
        return end.runEnded() && end.lastSeq() == position && position >= through;
    }

    StreamFrom from() {
        return new StreamFrom(position, through, end.runEnded(), untilRun);
    }
}
