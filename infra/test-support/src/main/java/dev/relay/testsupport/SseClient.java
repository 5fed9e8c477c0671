package dev.relay.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Reads an SSE stream with the JDK HTTP client, which hands lines over as they arrive (REST Assured buffers the
 * whole body, so it cannot follow an endless stream).
 */
public final class SseClient {

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    private SseClient() {
    }

    /** What a stream answered: the status and the events read until it closed or {@code stop} matched one. */
    public record Result(int status, List<SseEvent> events, List<String> comments, List<String> retries) {
    }

    public static Result get(URI uri, Map<String, String> headers, Duration timeout) {
        return get(uri, headers, timeout, event -> false);
    }

    public static Result get(URI uri, Map<String, String> headers, Duration timeout, Predicate<SseEvent> stop) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "text/event-stream");
        headers.forEach(request::header);
        return send(request.GET().build(), stop);
    }

    public static Result post(URI uri, Map<String, String> headers, String json, Duration timeout) {
        return post(uri, headers, json, timeout, event -> { });
    }

    /** As {@link #post(URI, Map, String, Duration)}, telling {@code seen} of each event as it is read. */
    public static Result post(URI uri, Map<String, String> headers, String json, Duration timeout, Consumer<SseEvent> seen) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout)
                .header("Content-Type", "application/json");
        headers.forEach(request::header);
        return send(request.POST(HttpRequest.BodyPublishers.ofString(json)).build(), event -> {
            seen.accept(event);
            return false;
        });
    }

    private static Result send(HttpRequest request, Predicate<SseEvent> stop) {
        try {
            HttpResponse<Stream<String>> response = HTTP.send(request, HttpResponse.BodyHandlers.ofLines());
            List<SseEvent> events = new ArrayList<>();
            List<String> comments = new ArrayList<>();
            List<String> retries = new ArrayList<>();
            try (Stream<String> lines = response.body()) {
                parse(lines.iterator(), events, comments, retries, stop);
            }
            return new Result(response.statusCode(), events, comments, retries);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void parse(Iterator<String> lines, List<SseEvent> events, List<String> comments, List<String> retries,
            Predicate<SseEvent> stop) {
        String id = null;
        String event = null;
        StringBuilder data = null;
        while (lines.hasNext()) {
            String line = lines.next();
            if (line.isEmpty()) {
                if (data != null) {
                    SseEvent dispatched = new SseEvent(id, event, data.toString());
                    events.add(dispatched);
                    if (stop.test(dispatched)) {
                        return;
                    }
                }
                event = null;
                data = null;
                continue;
            }
            if (line.startsWith(":")) {
                comments.add(line.substring(1).strip());
                continue;
            }
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1);
            if (value.startsWith(" ")) {
                value = value.substring(1);
            }
            switch (field) {
                case "id" -> id = value;
                case "event" -> event = value;
                case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                case "retry" -> retries.add(value);
                default -> {
                    // unknown fields are ignored, as the SSE spec says
                }
            }
        }
    }
}
