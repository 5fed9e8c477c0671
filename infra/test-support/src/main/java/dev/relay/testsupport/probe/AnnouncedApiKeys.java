package dev.relay.testsupport.probe;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;

import dev.relay.testsupport.TestTopics;

/**
 * API keys as the task service announces them on the api-keys topic, for the matrices of the services that keep a copy
 * of the keys' hashes: a live key of a user, and one announced and then revoked (a real revocation, not a key the
 * service never heard of).
 */
public final class AnnouncedApiKeys {

    /** {@code dev.relay.common.event.Topics.API_KEYS}: common depends on this module, so not the constant itself. */
    private static final String TOPIC = "api-keys";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private AnnouncedApiKeys() {
    }

    /** A live key of the user and a revoked one, both as the service behind {@code base} now knows them. */
    public record Keys(String live, String revoked) {
    }

    /**
     * Announces two read-write keys of {@code email} in {@code org} ({@code hash} is how the services hash a key), waits
     * until both open {@code probePath} of the service at {@code base} (sent in {@code header}), revokes the second
     * and waits until it is refused with a 401.
     */
    public static Keys liveAndRevoked(URI base, String probePath, String header, String org, String email, String live, String revoked,
            UnaryOperator<String> hash) {
        announce(UUID.randomUUID(), org, email, hash.apply(live), null);
        UUID revokedId = UUID.randomUUID();
        announce(revokedId, org, email, hash.apply(revoked), null);
        awaitStatus(base.resolve(probePath), header, live, 200);
        awaitStatus(base.resolve(probePath), header, revoked, 200);
        announce(revokedId, org, email, hash.apply(revoked), Instant.now());
        awaitStatus(base.resolve(probePath), header, revoked, 401);
        return new Keys(live, revoked);
    }

    private static void announce(UUID id, String org, String email, String hash, Instant revokedAt) {
        String record = "{\"id\":\"" + id + "\",\"org\":\"" + org + "\",\"user_email\":\"" + email + "\",\"hash\":\"" + hash + "\""
                + (revokedAt == null ? "" : ",\"revoked_at\":\"" + revokedAt + "\"") + "}";
        TestTopics.send(TOPIC, id.toString(), record, Map.of());
    }

    private static void awaitStatus(URI uri, String header, String key, int status) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        int last = -1;
        while (Instant.now().isBefore(deadline)) {
            try {
                last = HTTP.send(HttpRequest.newBuilder(uri).header(header, key).timeout(Duration.ofSeconds(10)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode();
                if (last == status) {
                    return;
                }
                Thread.sleep(100);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("an announced key got " + last + " from " + uri + " for 30 s, expected " + status);
    }
}
