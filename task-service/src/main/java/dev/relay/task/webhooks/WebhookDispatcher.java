package dev.relay.task.webhooks;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.relay.common.reactive.InTurn;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Sends the webhook messages that are due, each attempt recorded: a 2xx delivers it; anything else (an error
 * status, no answer, no connection) tries again after the backoff, until {@code relay.webhooks.give-up-after}.
 * A message taken is leased to this instance while it is sent, so instances never send it at once; one whose
 * instance died is taken again after the lease (at least once, identified by its {@code webhook-id}).
 */
@ApplicationScoped
public class WebhookDispatcher {

    private static final Logger LOG = Logger.getLogger(WebhookDispatcher.class);

    private final WebhookDeliveryRepository deliveries;
    private final WebhookRepository webhooks;
    private final Webhooks secrets;
    private final WebhookSender sender;
    private final WebhooksConfig config;

    public WebhookDispatcher(WebhookDeliveryRepository deliveries, WebhookRepository webhooks, Webhooks secrets, WebhookSender sender,
            WebhooksConfig config) {
        this.deliveries = deliveries;
        this.webhooks = webhooks;
        this.secrets = secrets;
        this.sender = sender;
        this.config = config;
    }

    @Scheduled(every = "{relay.webhooks.dispatch-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> dispatch() {
        Instant now = Instant.now();
        return Panache.withTransaction(() -> deliveries.takeDue(now, now.plus(config.timeout().multipliedBy(3)), config.batch()))
                .chain(due -> InTurn.each(due, this::attempt));
    }

    private Uni<Void> attempt(String deliveryId) {
        Context context = Vertx.currentContext();
        return Panache.withSession(() -> deliveries.findById(deliveryId).chain(delivery -> webhooks.findById(delivery.org)
                        .map(webhook -> webhook == null ? null : new Addressed(delivery, webhook.url, secrets.secretOf(webhook)))))
                .chain(addressed -> addressed == null
                        ? record(deliveryId, new WebhookSender.Outcome(null, "the organization's webhook was removed", 0), true)
                        // sent to the webhook's URL now, which may have changed since the message was written
                        : sender.send(addressed.url(), addressed.secret(), deliveryId, addressed.delivery().payload)
                                // the answer comes on the HTTP client's thread; the attempt is recorded on this context
                                .emitOn(command -> context.runOnContext(ignored -> command.run()))
                                // a destination the egress policy refuses is given up at once, not retried for a day
                                .chain(outcome -> record(deliveryId, outcome, outcome.refused())))
                .onFailure().invoke(failure -> LOG.errorf(failure, "webhook message %s could not be attempted", deliveryId))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    private record Addressed(WebhookDelivery delivery, String url, String secret) {
    }

    /** Records the attempt; {@code last}: no later attempt can succeed (the webhook is gone or refused), so give up now. */
    private Uni<Void> record(String deliveryId, WebhookSender.Outcome outcome, boolean last) {
        Instant now = Instant.now();
        return Panache.withTransaction(() -> deliveries.findById(deliveryId).chain(delivery -> {
            delivery.attempted(outcome.accepted(), now, config.retryBackoff(), config.maxBackoff(), last ? Duration.ZERO : config.giveUpAfter());
            WebhookAttempt attempt = new WebhookAttempt();
            attempt.id = UUID.randomUUID();
            attempt.deliveryId = deliveryId;
            attempt.attemptedAt = now;
            attempt.statusCode = outcome.statusCode();
            attempt.error = outcome.error();
            attempt.durationMs = outcome.durationMillis();
            if (WebhookDelivery.FAILED.equals(delivery.status)) {
                LOG.warnf("webhook message %s of organization %s given up after %d attempts", deliveryId, delivery.org, delivery.attempts);
            }
            return deliveries.record(attempt);
        }));
    }
}
