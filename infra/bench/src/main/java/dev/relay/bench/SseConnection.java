package dev.relay.bench;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

/**
 * One SSE connection read on a Vert.x event loop (no thread per connection, frames parsed straight from the bytes
 * received); each complete event goes to {@code onEvent}. The same client reads Relay and nchan.
 */
final class SseConnection {

    interface Listener {
        void onEvent(String event, String data);
    }

    private final Listener listener;
    private Buffer partial = Buffer.buffer();
    private String event;
    private StringBuilder data;

    private SseConnection(Listener listener) {
        this.listener = listener;
    }

    /** Opens the stream; the future completes with the HTTP status once headers arrived. */
    static CompletableFuture<Integer> open(HttpClient http, URI uri, String token, Listener listener) {
        SseConnection connection = new SseConnection(listener);
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(uri.toString())
                .putHeader("Accept", "text/event-stream");
        if (token != null) {
            options.putHeader("Authorization", "Bearer " + token);
        }
        CompletableFuture<Integer> status = new CompletableFuture<>();
        http.request(options)
                .compose(request -> request.send())
                .onSuccess(response -> {
                    response.handler(connection::onBytes);
                    response.exceptionHandler(ignored -> { });
                    status.complete(response.statusCode());
                })
                .onFailure(status::completeExceptionally);
        return status;
    }

    private void onBytes(Buffer bytes) {
        Buffer input = partial.length() == 0 ? bytes : partial.appendBuffer(bytes);
        int length = input.length();
        int lineStart = 0;
        for (int i = 0; i < length; i++) {
            if (input.getByte(i) == '\n') {
                onLine(input, lineStart, i);
                lineStart = i + 1;
            }
        }
        partial = lineStart == length ? Buffer.buffer() : input.getBuffer(lineStart, length);
    }

    private void onLine(Buffer input, int start, int end) {
        if (end > start && input.getByte(end - 1) == '\r') {
            end--;
        }
        if (start == end) {
            if (data != null) {
                listener.onEvent(event, data.toString());
            }
            event = null;
            data = null;
        } else if (startsWith(input, start, end, "event:")) {
            event = value(input, start + 6, end);
        } else if (startsWith(input, start, end, "data:")) {
            String value = value(input, start + 5, end);
            data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
        }
    }

    private static boolean startsWith(Buffer input, int start, int end, String prefix) {
        if (end - start < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (input.getByte(start + i) != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static String value(Buffer input, int start, int end) {
        if (start < end && input.getByte(start) == ' ') {
            start++;
        }
        return input.getString(start, end, StandardCharsets.UTF_8.name());
    }
}
