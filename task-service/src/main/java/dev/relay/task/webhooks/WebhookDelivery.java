package dev.relay.task.webhooks;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.DynamicUpdate;

/**
 * One message for an organization's webhook: sent until the receiver answers 2xx, with exponential backoff between
 * attempts, for at most a configured time; every attempt carries the same id ({@code webhook-id}) for deduplication.
 */
@Entity
@Table(name = "webhook_delivery")
@DynamicUpdate
public class WebhookDelivery {

    public static final String PENDING = "pending";
    public static final String DELIVERED = "delivered";
    public static final String FAILED = "failed";
    /** Never sent: the organization had {@code relay.webhooks.max-queued-per-org} messages waiting already. */
    public static final String DROPPED = "dropped";

    @Id
    public String id;
    public String org;
    @Column(name = "task_id")
    public UUID taskId;
    @Column(name = "event_type")
    public String eventType;
    /**
     * Where the message was first addressed; attempts go to the webhook's URL at the time, or here for a message to
     * its task's own receiver.
     */
    public String url;
    /** A message to its task's own receiver ({@code webhook_url}) rather than to the organization's webhook. */
    @Column(name = "to_task_receiver")
    public boolean toTaskReceiver;
    public String payload;
    public String status;
    public int attempts;
    @Column(name = "next_attempt_at")
    public Instant nextAttemptAt;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "finished_at")
    public Instant finishedAt;

    public static WebhookDelivery of(String org, UUID taskId, String eventType, String url, String payload, Instant now) {
        WebhookDelivery delivery = new WebhookDelivery();
        delivery.id = "msg_" + UUID.randomUUID().toString().replace("-", "");
        delivery.org = org;
        delivery.taskId = taskId;
        delivery.eventType = eventType;
        delivery.url = url;
        delivery.payload = payload;
        delivery.status = PENDING;
        delivery.nextAttemptAt = now;
        delivery.createdAt = now;
        return delivery;
    }

    /** A message to the task's own receiver {@code url}, signed with the organization's webhook secret when sent. */
    public static WebhookDelivery toTaskReceiver(String org, UUID taskId, String eventType, String url, String payload, Instant now) {
        WebhookDelivery delivery = of(org, taskId, eventType, url, payload, now);
        delivery.toTaskReceiver = true;
        return delivery;
    }

    /** Where an attempt goes now: the task's receiver, or the organization's webhook at {@code webhookUrl}. */
    public String destination(String webhookUrl) {
        return toTaskReceiver ? url : webhookUrl;
    }

    /** Gives the message up before any attempt: its organization's queue is full. Kept, so the delivery log shows it. */
    public void drop(Instant now) {
        status = DROPPED;
        finishedAt = now;
        nextAttemptAt = null;
    }

    /**
     * Records an attempt's outcome: delivered on a 2xx; else the next attempt after {@code backoff} doubled per
     * attempt (at most {@code maxBackoff}), or failed once {@code giveUpAfter} has passed since it was written.
     */
    public void attempted(boolean accepted, Instant now, Duration backoff, Duration maxBackoff, Duration giveUpAfter) {
        attempts++;
        if (accepted) {
            status = DELIVERED;
            finishedAt = now;
            nextAttemptAt = null;
            return;
        }
        Duration wait = backoff.multipliedBy(1L << Math.min(attempts - 1, 20));
        Instant next = now.plus(wait.compareTo(maxBackoff) > 0 ? maxBackoff : wait);
        if (next.isAfter(createdAt.plus(giveUpAfter))) {
            status = FAILED;
            finishedAt = now;
            nextAttemptAt = null;
        } else {
            nextAttemptAt = next;
        }
    }
}
