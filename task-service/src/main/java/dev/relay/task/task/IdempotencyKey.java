package dev.relay.task.task;

import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

/** A request a client may retry: its key (per user), a hash of its content, the task it concerns and its answer. */
@Entity
@Table(name = "idempotency_key")
@IdClass(IdempotencyKey.Key.class)
public class IdempotencyKey {

    @Id
    public String org;
    @Id
    @Column(name = "user_email")
    public String userEmail;
    @Id
    public String key;
    @Column(name = "request_hash")
    public String requestHash;
    @Column(name = "task_id")
    public UUID taskId;
    /** The run a create's message waits in behind the task's working run; null when it did not wait, and for other calls. */
    @Column(name = "run_id")
    public UUID runId;
    @Column(name = "created_at")
    public Instant createdAt;
    /** The JSON answer of a respond or cancel call; null for creates, and while the first call is in flight. */
    public String response;

    /** The first use of a key: no answer yet. */
    public static IdempotencyKey claim(Key id, UUID taskId, String requestHash) {
        return claim(id, taskId, null, requestHash);
    }

    /** The first use of a key by a create whose message waits in {@code runId} (null when it did not wait). */
    public static IdempotencyKey claim(Key id, UUID taskId, UUID runId, String requestHash) {
        IdempotencyKey row = new IdempotencyKey();
        row.org = id.org;
        row.userEmail = id.userEmail;
        row.key = id.key;
        row.taskId = taskId;
        row.runId = runId;
        row.requestHash = requestHash;
        row.createdAt = Instant.now();
        return row;
    }

    public static class Key implements Serializable {
        public String org;
        public String userEmail;
        public String key;

        public Key() {
        }

        public Key(String org, String userEmail, String key) {
            this.org = org;
            this.userEmail = userEmail;
            this.key = key;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Key k && Objects.equals(k.org, org) && Objects.equals(k.userEmail, userEmail)
                    && Objects.equals(k.key, key);
        }

        @Override
        public int hashCode() {
            return Objects.hash(org, userEmail, key);
        }
    }
}
