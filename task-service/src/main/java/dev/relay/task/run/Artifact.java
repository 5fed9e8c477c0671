package dev.relay.task.run;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** What a run handed off when it completed (its final message, the tool outputs, its usage), as JSON. */
@Entity
@Table(name = "artifact")
public class Artifact {

    public static final String COMPLETION = "completion";

    @Id
    public UUID id;
    @Column(name = "task_id")
    public UUID taskId;
    @Column(name = "stream_id")
    public UUID streamId;
    public String kind;
    public String content;
    @Column(name = "created_at")
    public Instant createdAt;
}
