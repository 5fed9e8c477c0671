package dev.relay.task.webhooks;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;


import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookSigningException;

import dev.relay.common.egress.Destination;
import dev.relay.common.egress.EgressHttp;
import dev.relay.common.egress.EgressPolicy;
import dev.relay.common.egress.EgressRefused;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * POSTs a message to a webhook the Standard Webhooks way (the standardwebhooks library signs it): headers
 * {@code webhook-id}, {@code webhook-timestamp} (seconds) and {@code webhook-signature} ({@code v1,} + base64
 * HMAC-SHA256 of {@code id.timestamp.body} under the secret). Redirects are not followed. Every send goes through the
 * egress policy, which resolves the URL's host then and there and checks it: a refused one opens no socket and is
 * answered {@link Outcome#refused()}, the same for every reason and with no time taken.
 */
@ApplicationScoped
class WebhookSender {

    /** What one attempt got: the receiver's status code, or why there was none (code null). */
    public record Outcome(Integer statusCode, String error, long durationMillis) {

        public boolean accepted() {
            return statusCode != null && statusCode >= 200 && statusCode < 300;
        }

        /** The egress policy refused the destination: nothing was sent, and nothing later will be. */
        public boolean refused() {
            return EgressRefused.MESSAGE.equals(error);
        }

        static Outcome ofRefusal() {
            return new Outcome(null, EgressRefused.MESSAGE, 0);
        }
    }

    private final EgressHttp http = EgressHttp.withDefaultTrust();
    private final Duration timeout;
    private final EgressPolicy egress;

    @Inject
    WebhookSender(WebhooksConfig config, EgressPolicy egress) {
        this(config.timeout(), egress);
    }

    /** {@code timeout}: how long the whole exchange with a receiver may take, its body included. */
    WebhookSender(Duration timeout, EgressPolicy egress) {
        this.timeout = timeout;
        this.egress = egress;
    }

    public Uni<Outcome> send(String url, String secret, String messageId, String payload) {
        URI uri;
        List<Map.Entry<String, String>> headers;
        try {
            uri = URI.create(url);
            long timestamp = Instant.now().getEpochSecond();
            headers = List.of(Map.entry("Content-Type", "application/json"), Map.entry("User-Agent", "Relay-Webhooks/1"),
                    Map.entry("webhook-id", messageId), Map.entry("webhook-timestamp", Long.toString(timestamp)),
                    Map.entry("webhook-signature", new Webhook(secret).sign(messageId, timestamp, payload)));
        } catch (WebhookSigningException | IllegalArgumentException e) {
            return Uni.createFrom().item(new Outcome(null, "the message could not be signed or addressed", 0));
        }
        byte[] body = payload.getBytes(StandardCharsets.UTF_8);
        return Uni.createFrom().item(() -> attempt(uri, headers, body)).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    /** One POST, blocking (on a worker thread): to the address the policy checked now, or not at all. */
    private Outcome attempt(URI url, List<Map.Entry<String, String>> headers, byte[] body) {
        long started = System.nanoTime();
        Destination destination;
        try {
            destination = egress.check(url);
        } catch (EgressRefused refused) {
            return Outcome.ofRefusal();
        } catch (UnknownHostException unknown) {
            return new Outcome(null, "could not connect", millisSince(started));
        }
        try {
            return new Outcome(http.exchange(destination, "POST", url, headers, body, 0, timeout).status(), null, millisSince(started));
        } catch (SocketTimeoutException slow) {
            return new Outcome(null, "no answer in time", millisSince(started));
        } catch (ConnectException refused) {
            return new Outcome(null, "could not connect", millisSince(started));
        } catch (IOException | RuntimeException failed) {
            return new Outcome(null, "the connection failed", millisSince(started));
        }
    }

    private static long millisSince(long started) {
        return Duration.ofNanos(System.nanoTime() - started).toMillis();
    }
}
