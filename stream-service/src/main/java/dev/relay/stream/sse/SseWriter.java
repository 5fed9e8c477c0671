package dev.relay.stream.sse;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;

/**
 * Writes Server-Sent Events straight to the HTTP response: frames are appended to a batch and the batch goes out as
 * one chunk on {@link #flush()}, so a burst of events costs one write instead of one each. Backpressure is the
 * connection's own: {@link #isFull()} while its write queue is over the high-water mark, {@link #onDrain} when it
 * empties. Not thread-safe: a stream uses it from its own Vert.x context.
 */
public final class SseWriter {

    /** A batch this large is written before more is added, so one burst never becomes one huge chunk. */
    private static final int BATCH_BYTES = 16 * 1024;

    private final HttpServerResponse response;
    /** What is batched and not yet written; none while nothing is (an idle stream holds no buffer). */
    private StringBuilder batch;

    public SseWriter(HttpServerResponse response) {
        this.response = response;
    }

    /** Sends the headers and the first frame: the reconnection delay and a comment. */
    public void open(long retryMillis) {
        response.setStatusCode(200)
                .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
                .putHeader("X-Accel-Buffering", "no")
                .setChunked(true);
        batch().append("retry: ").append(retryMillis).append("\n: connected\n\n");
        flush();
    }

    public void event(long id, String type, String data) {
        StringBuilder batch = batch();
        batch.append("id: ").append(id).append("\nevent: ").append(type).append('\n');
        int start = 0;
        for (int end = data.indexOf('\n'); end >= 0; end = data.indexOf('\n', start)) {
            batch.append("data: ").append(data, start, end).append('\n');
            start = end + 1;
        }
        batch.append("data: ").append(data, start, data.length()).append("\n\n");
        if (batch.length() >= BATCH_BYTES) {
            flush();
        }
    }

    public void comment(String text) {
        batch().append(": ").append(text).append("\n\n");
    }

    public void flush() {
        if (batch != null && !response.closed() && !response.ended()) {
            response.write(Buffer.buffer(batch.toString()));
        }
        batch = null;
    }

    private StringBuilder batch() {
        if (batch == null) {
            batch = new StringBuilder(256);
        }
        return batch;
    }

    public boolean isFull() {
        return response.writeQueueFull();
    }

    /** Calls {@code action} once, when the connection has taken what was queued. */
    public void onDrain(Runnable action) {
        response.drainHandler(ignored -> action.run());
    }

    /** Calls {@code action} when the client goes away, at once if it already went (during the stream's setup). */
    public void onClose(Runnable action) {
        response.closeHandler(ignored -> action.run());
        response.exceptionHandler(ignored -> action.run());
        if (response.closed()) {
            action.run();
        }
    }

    /** Writes what is batched and ends the response. */
    public void end() {
        flush();
        if (!response.closed() && !response.ended()) {
            response.end();
        }
    }

    /** Ends the connection at once, without the rest (the stream failed and can say so only by closing). */
    public void abort() {
        batch = null;
        if (!response.closed()) {
            response.reset();
        }
    }
}
