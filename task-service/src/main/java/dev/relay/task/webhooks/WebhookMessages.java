package dev.relay.task.webhooks;

import java.time.Instant;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

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

    WebhookMessages(WebhookRepository webhooks, WebhookDeliveryRepository deliveries, ObjectMapper json) {
        this.webhooks = webhooks;
        this.deliveries = deliveries;
        this.json = json;
    }

    /**
     * Queues a message of {@code type} about task {@code taskId} for the organization's webhook; answers false,
     * queuing nothing, when the organization has none.
     */
    public Uni<Boolean> enqueue(String org, UUID taskId, String type, ObjectNode data, Instant at) {
        return webhooks.findById(org).chain(webhook -> {
            if (webhook == null) {
                LOG.infof("a %s message for task %s: organization %s has no webhook", type, taskId, org);
                return Uni.createFrom().item(false);
            }
            ObjectNode payload = json.createObjectNode().put("type", type).put("timestamp", at.toString());
            payload.set("data", data);
            return deliveries.persist(WebhookDelivery.of(org, taskId, type, webhook.url, payload.toString(), at)).replaceWith(true);
        });
    }
}
