package dev.relay.bench;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

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
    private static final byte[] NOTHING = new byte[0];

    private byte[] partial = NOTHING;
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

    /**
     * Waits for every stream's answer and tallies the statuses; any stream that did not answer 200 (or not at all
     * within {@code seconds}) breaks the run: figures of refused streams measure nothing.
     */
    static Map<Integer, Integer> requireAllOk(List<CompletableFuture<Integer>> opened, int seconds, String what) {
        Map<Integer, Integer> statuses = new TreeMap<>();
        for (CompletableFuture<Integer> status : opened) {
            int answer;
            try {
                answer = status.get(seconds, TimeUnit.SECONDS);
            } catch (Exception e) {
                answer = -1;
            }
            statuses.merge(answer, 1, Integer::sum);
        }
        int ok = statuses.getOrDefault(200, 0);
        InvariantViolation.check(ok == opened.size(), "%d of %d %s did not answer 200 (status: count, -1 = no answer) %s",
                opened.size() - ok, opened.size(), what, statuses);
        return statuses;
    }

    private void onBytes(Buffer bytes) {
        byte[] input = partial.length == 0 ? bytes.getBytes() : concat(partial, bytes.getBytes());
        int lineStart = 0;
        for (int i = 0; i < input.length; i++) {
            if (input[i] == '\n') {
                onLine(input, lineStart, i);
                lineStart = i + 1;
            }
        }
        partial = lineStart == input.length ? NOTHING : Arrays.copyOfRange(input, lineStart, input.length);
    }

    private void onLine(byte[] input, int start, int end) {
        if (end > start && input[end - 1] == '\r') {
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

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }

    private static boolean startsWith(byte[] input, int start, int end, String prefix) {
        if (end - start < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (input[start + i] != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static String value(byte[] input, int start, int end) {
        if (start < end && input[start] == ' ') {
            start++;
        }
        return new String(input, start, end - start, StandardCharsets.UTF_8);
    }
}
