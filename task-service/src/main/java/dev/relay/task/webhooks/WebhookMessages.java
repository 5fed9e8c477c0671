package dev.relay.task.webhooks;

import java.time.Instant;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;

/**
 * Messages for an organization's webhook, written in the caller's transaction and sent after the commit by
 * {@link WebhookDispatcher}: what other features hand to webhooks.
 */
@ApplicationScoped
public class WebhookMessages {

    private static final Logger LOG = Logger.getLogger(WebhookMessages.class);

    private final WebhookRepository webhooks;
    private final WebhookDeliveryRepository deliveries;
    private final ObjectMapper json;
    private final WebhooksConfig config;
    private final Counter dropped;

    WebhookMessages(WebhookRepository webhooks, WebhookDeliveryRepository deliveries, ObjectMapper json, WebhooksConfig config,
            MeterRegistry registry) {
        this.webhooks = webhooks;
        this.deliveries = deliveries;
        this.json = json;
        this.config = config;
        this.dropped = Counter.builder("relay.webhooks.dropped")
                .description("Webhook messages never sent: their organization's queue was full").register(registry);
    }

    /**
     * Queues a message of {@code type} about task {@code taskId} for the organization's webhook, when it subscribes
     * to {@code type}, and for the task's own receiver ({@code taskReceiver}, null: none), signed with the webhook's
     * secret when sent (with no webhook then, it is not sent: the delivery log says why); answers whether any was
     * queued.
     */
    public Uni<Boolean> enqueue(String org, UUID taskId, String type, ObjectNode data, Instant at, String taskReceiver) {
        return webhooks.findById(org).chain(webhook -> {
            ObjectNode payload = json.createObjectNode().put("type", type).put("timestamp", at.toString());
            payload.set("data", data);
            Uni<Boolean> queued = Uni.createFrom().item(false);
            if (webhook != null && webhook.subscribes(type)) {
                queued = queue(WebhookDelivery.of(org, taskId, type, webhook.url, payload.toString(), at), at);
            } else {
                LOG.debugf("a %s message for task %s: organization %s has no webhook subscribed to it", type, taskId, org);
            }
            if (taskReceiver == null) {
                return queued;
            }
            return queued.chain(toWebhook -> queue(WebhookDelivery.toTaskReceiver(org, taskId, type, taskReceiver, payload.toString(), at), at));
        });
    }

    /** Queues the message, or keeps it as dropped (never sent) when its organization's queue is full. */
    private Uni<Boolean> queue(WebhookDelivery message, Instant at) {
        return deliveries.pendingOf(message.org, config.maxQueuedPerOrg()).chain(waiting -> {
            if (waiting >= config.maxQueuedPerOrg()) {
                message.drop(at);
                dropped.increment();
                LOG.warnf("a %s message for task %s dropped: organization %s has %d messages waiting for its webhook",
                        message.eventType, message.taskId, message.org, waiting);
            }
            return deliveries.persist(message).replaceWith(true);
        });
    }
}
