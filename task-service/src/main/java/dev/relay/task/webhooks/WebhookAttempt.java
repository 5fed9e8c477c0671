package dev.relay.task.webhooks;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** One try to deliver a webhook message: the receiver's status code, or why no answer came. */
@Entity
@Table(name = "webhook_attempt")
public class WebhookAttempt {

    @Id
    public UUID id;
    @Column(name = "delivery_id")
    public String deliveryId;
    @Column(name = "attempted_at")
    public Instant attemptedAt;
    @Column(name = "status_code")
    public Integer statusCode;
    public String error;
    @Column(name = "duration_ms")
    public long durationMs;
}
