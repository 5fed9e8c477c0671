package dev.relay.task.domain;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.DynamicUpdate;
import org.hibernate.annotations.Mutability;
import org.hibernate.type.descriptor.java.Immutability;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** One execution of a task by the agent runtime; its id is the {@code stream_id} of the events it produced. */
@Entity
@Table(name = "task_run")
@DynamicUpdate
public class TaskRun {

    @Id
    public UUID id;
    @Column(name = "task_id")
    public UUID taskId;
    public String status;
    // a record, never changed: no snapshot copy or deep comparison at each flush
    @Mutability(Immutability.class)
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "run_config")
    public RunConfig runConfig;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "completed_at")
    public Instant completedAt;
    // set when a schedule's firing started the run
    @Column(name = "schedule_id")
    public UUID scheduleId;
    @Column(name = "schedule_execution_id")
    public UUID scheduleExecutionId;

    /** Counts the claims of this run: a worker's steps apply only while its claim is the latest. */
    public int attempt;
    /** When the worker of this active run last said it is alive. */
    @Column(name = "heartbeat_at")
    public Instant heartbeatAt;
    /** How often the run was handed to a worker again after its worker stopped. */
    public int recoveries;
    /** Set while the run waits for a worker after its worker stopped. */
    public boolean recovering;
    /** The model tokens the run used so far, as reported. */
    @Column(name = "input_tokens")
    public long inputTokens;
    @Column(name = "output_tokens")
    public long outputTokens;

    public RunStatus runStatus() {
        return RunStatus.of(status);
    }

    public void finish(RunStatus finalStatus, Instant at) {
        status = finalStatus.value();
        completedAt = at;
    }
}
