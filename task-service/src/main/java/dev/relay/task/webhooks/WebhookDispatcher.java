package dev.relay.task.webhooks;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.relay.common.lifecycle.StartingOrStopping;
import dev.relay.common.reactive.InTurn;
import dev.relay.common.reactive.OnOwnContext;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Sends the webhook messages that are due, each attempt recorded: a 2xx delivers it; anything else (an error
 * status, no answer, no connection) tries again after the backoff, until {@code relay.webhooks.give-up-after}.
 * A message taken is leased to this instance for longer than the look can take, so instances never send it at once;
 * one whose instance died is taken again after the lease (at least once, identified by its {@code webhook-id}).
 * Organizations are sent to side by side, a few messages each per look, so one organization's slow or failing
 * receiver delays only its own messages.
 */
@ApplicationScoped
public class WebhookDispatcher {

    private static final Logger LOG = Logger.getLogger(WebhookDispatcher.class);

    private final WebhookDeliveryRepository deliveries;
    private final WebhookRepository webhooks;
    private final Webhooks secrets;
    private final WebhookSender sender;
    private final WebhooksConfig config;
    private final Vertx vertx;
    /** The organizations this instance is sending to now. */
    private final Set<String> sending = ConcurrentHashMap.newKeySet();

    public WebhookDispatcher(WebhookDeliveryRepository deliveries, WebhookRepository webhooks, Webhooks secrets, WebhookSender sender,
            WebhooksConfig config, Vertx vertx) {
        this.deliveries = deliveries;
        this.webhooks = webhooks;
        this.secrets = secrets;
        this.sender = sender;
        this.config = config;
        this.vertx = vertx;
    }

    /**
     * One look: the due messages of as many organizations as may still be sent to at once here ({@code concurrency},
     * those already being sent to left out), {@code per-org} of each; each organization's are sent one after another
     * on a context of their own, and the look does not wait for them, so the next look serves the others.
     */
    @Scheduled(every = "{relay.webhooks.dispatch-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = StartingOrStopping.class)
    Uni<Void> dispatch() {
        int free = config.concurrency() - sending.size();
        if (free <= 0) {
            return Uni.createFrom().voidItem();
        }
        Instant now = Instant.now();
        return Panache.withTransaction(() -> deliveries.takeDue(now, now.plus(config.lease()), free, config.perOrg(), Set.copyOf(sending)))
                .invoke(due -> due.stream().collect(Collectors.groupingBy(WebhookDeliveryRepository.Due::org, LinkedHashMap::new,
                        Collectors.mapping(WebhookDeliveryRepository.Due::id, Collectors.toList()))).forEach(this::sendDetached))
                .replaceWithVoid();
    }

    private void sendDetached(String org, List<String> ids) {
        sending.add(org);
        OnOwnContext.run(vertx, () -> InTurn.each(ids, this::attempt))
                .onTermination().invoke(() -> sending.remove(org))
                .subscribe().with(done -> { }, failure -> LOG.errorf(failure, "webhook messages of organization %s could not be sent", org));
    }

    private Uni<Void> attempt(String deliveryId) {
        Context context = Vertx.currentContext();
        return Panache.withSession(() -> deliveries.findById(deliveryId).chain(delivery -> webhooks.findById(delivery.org)
                        .map(webhook -> webhook == null ? null
                                : new Addressed(delivery, delivery.destination(webhook.url), secrets.secretOf(webhook)))))
                .chain(addressed -> addressed == null
                        ? record(deliveryId, new WebhookSender.Outcome(null, "the organization has no webhook (removed, or never "
                                + "set): its signing secret signs every message, a task's own receiver's too", 0), true)
                        // sent to the webhook's URL now, which may have changed since the message was written (a
                        // message to a task's own receiver goes where the task said)
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
