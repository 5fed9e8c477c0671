package dev.relay.task.webhooks;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** An organization's webhook: where completions are POSTed, and its signing secret (sealed). */
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

    /** The signing secret sealed anew ({@code sealed} under the key {@code keyId}); the secret itself is unchanged. */
    public void resealed(byte[] sealed, String keyId) {
        this.sealed = sealed;
        this.keyId = keyId;
    }
}
