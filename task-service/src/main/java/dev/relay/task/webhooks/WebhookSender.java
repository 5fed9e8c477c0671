package dev.relay.task.webhooks;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletionException;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookSigningException;

import io.smallrye.mutiny.Uni;

/**
 * POSTs a message to a webhook the Standard Webhooks way (the standardwebhooks library signs it): headers
 * {@code webhook-id}, {@code webhook-timestamp} (seconds) and {@code webhook-signature} ({@code v1,} + base64
 * HMAC-SHA256 of {@code id.timestamp.body} under the secret). Redirects are not followed.
 */
@ApplicationScoped
class WebhookSender {

    /** What one attempt got: the receiver's status code, or why there was none (code null). */
    public record Outcome(Integer statusCode, String error, long durationMillis) {

        public boolean accepted() {
            return statusCode != null && statusCode >= 200 && statusCode < 300;
        }
    }

    private final HttpClient http;
    private final Duration timeout;

    /** {@code timeout}: how long the receiver has to answer (its setting is documented with {@code WebhooksConfig}). */
    WebhookSender(@ConfigProperty(name = "relay.webhooks.timeout", defaultValue = "10s") Duration timeout) {
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    public Uni<Outcome> send(String url, String secret, String messageId, String payload) {
        long started = System.nanoTime();
        HttpRequest request;
        try {
            long timestamp = Instant.now().getEpochSecond();
            request = HttpRequest.newBuilder(URI.create(url)).timeout(timeout)
                    .header("Content-Type", "application/json")
                    .header("User-Agent", "Relay-Webhooks/1")
                    .header("webhook-id", messageId)
                    .header("webhook-timestamp", Long.toString(timestamp))
                    .header("webhook-signature", new Webhook(secret).sign(messageId, timestamp, payload))
                    .POST(HttpRequest.BodyPublishers.ofString(payload)).build();
        } catch (WebhookSigningException | IllegalArgumentException e) {
            return Uni.createFrom().item(new Outcome(null, "the message could not be signed or addressed", 0));
        }
        return Uni.createFrom().completionStage(() -> http.sendAsync(request, HttpResponse.BodyHandlers.discarding()))
                .map(response -> new Outcome(response.statusCode(), null, millisSince(started)))
                .onFailure().recoverWithItem(failure -> new Outcome(null, reason(failure), millisSince(started)));
    }

    private static String reason(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof java.net.http.HttpTimeoutException) {
            return "no answer in time";
        }
        if (cause instanceof java.net.ConnectException) {
            return "could not connect";
        }
        return cause instanceof IOException ? "the connection failed" : "the request failed";
    }

    private static long millisSince(long started) {
        return Duration.ofNanos(System.nanoTime() - started).toMillis();
    }
}
