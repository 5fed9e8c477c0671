package dev.relay.stream.domain;

import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

/** One task event as stored: the key is (task, seq); {@code envelope} is the event exactly as received. */
@Entity
@Table(name = "task_event")
@IdClass(StoredEvent.Key.class)
public class StoredEvent {

    @Id
    @Column(name = "task_id")
    public UUID taskId;
    @Id
    public long seq;
    public UUID id;
    public String org;
    @Column(name = "stream_id")
    public UUID streamId;
    public String type;
    @Column(name = "created_at")
    public Instant createdAt;
    public String envelope;

    public static class Key implements Serializable {
        public UUID taskId;
        public long seq;

        @Override
        public boolean equals(Object other) {
            return other instanceof Key key && key.seq == seq && Objects.equals(key.taskId, taskId);
        }

        @Override
        public int hashCode() {
            return Objects.hash(taskId, seq);
        }
    }
}
