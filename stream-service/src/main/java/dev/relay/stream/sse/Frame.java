package dev.relay.stream.sse;

/**
 * One thing written to an SSE connection: an event ({@code seq} as its id, {@code type} as its name) or a comment,
 * optionally with the {@code retry} delay the client should wait before reconnecting.
 */
public record Frame(long seq, String type, String data, String comment, long retryMillis) {

    public static Frame event(long seq, String type, String data) {
        return new Frame(seq, type, data, null, -1);
    }

    public static Frame comment(String text) {
        return new Frame(-1, null, null, text, -1);
    }

    /** The first frame of every stream. */
    public static Frame hello(long retryMillis) {
        return new Frame(-1, null, null, "connected", retryMillis);
    }

    public boolean isComment() {
        return comment != null;
    }
}
