package dev.relay.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/** One SSE connection read asynchronously (no thread per connection); each complete event goes to {@code onEvent}. */
final class SseConnection implements Flow.Subscriber<String> {

    interface Listener {
        void onEvent(String event, String data);
    }

    private final Listener listener;
    private String event;
    private StringBuilder data;

    private SseConnection(Listener listener) {
        this.listener = listener;
    }

    /** Opens the stream; the future completes with the HTTP status once headers arrived. */
    static CompletableFuture<Integer> open(HttpClient http, URI uri, String token, Listener listener) {
        SseConnection connection = new SseConnection(listener);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).header("Accept", "text/event-stream");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        // the status is known when the headers arrive; sendAsync itself completes only when the stream ends
        CompletableFuture<Integer> status = new CompletableFuture<>();
        http.sendAsync(request.build(), info -> {
            status.complete(info.statusCode());
            return HttpResponse.BodySubscribers.fromLineSubscriber(connection);
        }).whenComplete((response, failure) -> {
            if (failure != null) {
                status.completeExceptionally(failure);
            }
        });
        return status;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(String line) {
        if (line.isEmpty()) {
            if (data != null) {
                listener.onEvent(event, data.toString());
            }
            event = null;
            data = null;
        } else if (line.startsWith("event:")) {
            event = line.substring(6).strip();
        } else if (line.startsWith("data:")) {
            String value = line.substring(5);
            value = value.startsWith(" ") ? value.substring(1) : value;
            data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
        }
    }

    @Override
    public void onError(Throwable throwable) {
        // a dropped connection shows up as missing deliveries in the figures
    }

    @Override
    public void onComplete() {
        // streams end after run.completed; nothing to release
    }
}
