package dev.relay.task.webhooks;

import dev.relay.task.secrets.SealedValues;
import dev.relay.task.secrets.SecretCipher;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import dev.relay.common.auth.Caller;
import dev.relay.common.error.ApiException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * An organization's webhook: set (with a signing secret made here and shown once), read, removed, and the log of
 * its deliveries. The secret is kept sealed like the secrets API's values.
 */
@ApplicationScoped
class Webhooks implements SealedValues {

    /** The associated data the signing secret is sealed under; not a name the secrets API accepts. */
    static final String SECRET_NAME = "webhook-signing-secret";

    /** What setting did; {@code secret} is shown this once (a new webhook, or a rotated secret), else null. */
    public record Saved(Webhook webhook, String secret, boolean created) {
    }

    /** A delivery and its attempts, oldest first. */
    public record Delivery(WebhookDelivery delivery, List<WebhookAttempt> attempts) {
    }

    private final WebhookRepository webhooks;
    private final WebhookDeliveryRepository deliveries;
    private final SecretCipher cipher;
    private final SecureRandom random = new SecureRandom();

    Webhooks(WebhookRepository webhooks, WebhookDeliveryRepository deliveries, SecretCipher cipher) {
        this.webhooks = webhooks;
        this.deliveries = deliveries;
        this.cipher = cipher;
    }

    /**
     * Sets (or re-points) the organization's webhook, and makes a new signing secret when asked; {@code events}, when
     * given, replaces the event types it subscribes to: admins only.
     */
    public Uni<Saved> set(Caller caller, String url, boolean rotateSecret, java.util.List<String> events) {
        caller.requireAdmin("set its webhook or rotate its secret");
        return Panache.withTransaction(() -> webhooks.findById(caller.org(), jakarta.persistence.LockModeType.PESSIMISTIC_WRITE)
                .chain(found -> {
                    Instant now = Instant.now();
                    Webhook webhook = found == null ? new Webhook() : found;
                    String secret = null;
                    if (found == null || rotateSecret) {
                        secret = newSecret();
                        webhook.sealed = cipher.seal(caller.org(), SECRET_NAME, secret);
                        webhook.keyId = cipher.keyId();
                    }
                    webhook.url = url;
                    if (events != null) {
                        webhook.events = String.join(",", events);
                    }
                    webhook.updatedAt = now;
                    if (found == null) {
                        webhook.org = caller.org();
                        webhook.createdBy = caller.email();
                        webhook.createdAt = now;
                        String shown = secret;
                        return webhooks.persist(webhook).map(saved -> new Saved(saved, shown, true));
                    }
                    return Uni.createFrom().item(new Saved(webhook, secret, false));
                }));
    }

    public Uni<Webhook> find(Caller caller) {
        return Panache.withSession(() -> webhooks.findById(caller.org())).map(webhook -> {
            if (webhook == null) {
                throw ApiException.notFound("no webhook is set for organization " + caller.org());
            }
            return webhook;
        });
    }

    public Uni<Void> delete(Caller caller) {
        caller.requireAdmin("delete its webhook");
        return Panache.withTransaction(() -> webhooks.deleteById(caller.org())).invoke(deleted -> {
            if (!deleted) {
                throw ApiException.notFound("no webhook is set for organization " + caller.org());
            }
        }).replaceWithVoid();
    }

    /** The caller's organization's deliveries, newest first, after ({@code afterAt}, {@code afterId}) when given. */
    public Uni<List<Delivery>> deliveries(Caller caller, Instant afterAt, String afterId, int limit) {
        caller.requireAdmin("read its webhook's delivery log"); // it names every member's tasks, private ones too
        return Panache.withSession(() -> deliveries.recentOf(caller.org(), afterAt, afterId, limit).chain(recent -> deliveries
                .attemptsOf(recent.stream().map(delivery -> delivery.id).toList()).map(attempts -> {
                    Map<String, List<WebhookAttempt>> byDelivery = attempts.stream()
                            .collect(Collectors.groupingBy(attempt -> attempt.deliveryId));
                    return recent.stream().map(delivery -> new Delivery(delivery, byDelivery.getOrDefault(delivery.id, List.of())))
                            .toList();
                })));
    }

    @Override
    public String kind() {
        return "webhook signing secrets";
    }

    @Override
    public Uni<Integer> resealUnderCurrentKey(SecretCipher current, String org, int max) {
        return Panache.withTransaction(() -> webhooks.sealedUnderAnotherKey(current.keyId(), current.keyIds(), org, max).map(found -> {
            found.forEach(webhook -> webhook.resealed(current.seal(webhook.org, SECRET_NAME,
                    current.open(webhook.org, SECRET_NAME, webhook.sealed, webhook.keyId)), current.keyId()));
            return found.size();
        }));
    }

    @Override
    public Uni<Long> underAnotherKey(String keyId, String org) {
        return Panache.withSession(() -> webhooks.countUnderAnotherKey(keyId, org));
    }

    /** The signing secret of {@code webhook}, to sign a message with. */
    String secretOf(Webhook webhook) {
        return cipher.open(webhook.org, SECRET_NAME, webhook.sealed, webhook.keyId);
    }

    /** A Standard Webhooks secret: {@code whsec_} and 32 random bytes, base64. */
    private String newSecret() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return "whsec_" + Base64.getEncoder().encodeToString(bytes);
    }
}
