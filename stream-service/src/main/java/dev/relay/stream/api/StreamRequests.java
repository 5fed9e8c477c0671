package dev.relay.stream.api;

import java.util.UUID;

import dev.relay.common.error.ApiException;

/** Reads a task id and stream positions from a request, answering 404 and 400 in the error body's words. */
final class StreamRequests {

    private StreamRequests() {
    }

    static UUID parseTaskId(String taskId) {
        return parseId("task", taskId);
    }

    /** An id from a path: one that is not a UUID names nothing, so it is a 404 like an unknown one. */
    static UUID parseId(String kind, String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw ApiException.notFound(kind + " " + id + " not found");
        }
    }

    /** The seq to stream after: {@code Last-Event-ID} (what browsers send on reconnect), else {@code after}, else 0. */
    static long position(String lastEventId, String after) {
        boolean fromHeader = lastEventId != null && !lastEventId.isBlank();
        return fromHeader ? seq("header 'Last-Event-ID'", lastEventId) : seq("parameter 'after'", after);
    }

    /** The run whose last event the stream must send before it ends ({@code until_run}), else null. */
    static UUID untilRun(String run) {
        if (run == null || run.isBlank()) {
            return null;
        }
        try {
            return UUID.fromString(run.strip());
        } catch (IllegalArgumentException notAnId) {
            throw ApiException.invalidRequest("parameter 'until_run' must be a run id (a UUID), not '" + run + "'");
        }
    }

    /** The seq the stream must send before it ends ({@code through}), else 0. */
    static long through(String through) {
        return seq("parameter 'through'", through);
    }

    private static long seq(String name, String value) {
        if (value == null || value.isBlank()) {
            return 0;
        }
        try {
            long seq = Long.parseLong(value.strip());
            if (seq >= 0) {
                return seq;
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw ApiException.invalidRequest(name + " must be a non-negative event seq, got '" + value + "'");
    }
}
