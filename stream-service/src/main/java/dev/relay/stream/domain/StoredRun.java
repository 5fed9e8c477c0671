package dev.relay.stream.domain;

import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A run (stream) of a task as the log knows it: where its events start in the task's sequence. */
@Entity
@Table(name = "task_run")
public class StoredRun {

    @Id
    @Column(name = "stream_id")
    public UUID streamId;
    @Column(name = "task_id")
    public UUID taskId;
    @Column(name = "first_seq")
    public long firstSeq;
}
