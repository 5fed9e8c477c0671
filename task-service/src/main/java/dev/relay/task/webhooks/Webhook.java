package dev.relay.task.webhooks;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** An organization's webhook: where completions and the lifecycle events it subscribes to are POSTed, and its signing secret (sealed). */
@Entity
@Table(name = "webhook")
public class Webhook {

    @Id
    public String org;
    public String url;
    public byte[] sealed;
    @Column(name = "key_id")
    public String keyId;
    @Column(name = "created_by")
    public String createdBy;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "updated_at")
    public Instant updatedAt;
    /** The event types it subscribes to, comma-separated; null: {@value #DEFAULT_EVENT} alone. */
    public String events;

    public static final String DEFAULT_EVENT = "task.completed";

    /** The event types it subscribes to. */
    public java.util.List<String> eventList() {
        return events == null || events.isBlank() ? java.util.List.of(DEFAULT_EVENT) : java.util.List.of(events.split(","));
    }

    public boolean subscribes(String type) {
        return eventList().contains(type);
    }

    /** The signing secret sealed anew ({@code sealed} under the key {@code keyId}); the secret itself is unchanged. */
    public void resealed(byte[] sealed, String keyId) {
        this.sealed = sealed;
        this.keyId = keyId;
    }
}
