package dev.relay.task.task;

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
    /** The organization and the user whose turn in the fair queue the run waits for (the task's, copied). */
    @Column(name = "org_id")
    public String orgId;
    @Column(name = "user_id")
    public String userId;
    /** Among the waiting runs of its user, higher goes first. */
    public int priority;
    /** The slot of its organization's limit of runs working at once that the run holds while active. */
    @Column(name = "org_slot")
    public Integer orgSlot;
    /** When the run was first held back waiting for a slot; null while it never waited. */
    @Column(name = "queued_at")
    public Instant queuedAt;
    /** What the message of a queued run says, until its run starts: message_id, content, parts, file_keys. */
    @Mutability(Immutability.class)
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "queued_message")
    public com.fasterxml.jackson.databind.JsonNode queuedMessage;
    /** When a worker first took the run. */
    @Column(name = "started_at")
    public Instant startedAt;

    /** The id of the queued run's message (as its sender chose it, or as given when it was queued). */
    public UUID queuedMessageId() {
        return UUID.fromString(queuedMessage.path("message_id").asText());
    }

    public RunStatus runStatus() {
        return RunStatus.of(status);
    }

    /** The status as the API shows it: a queued message's run is {@code pending} there (it waits to start). */
    public String wireStatus() {
        return runStatus() == RunStatus.QUEUED ? RunStatus.PENDING.value() : status;
    }

    /** A new run of {@code task}, waiting for a worker. */
    public static TaskRun pending(UUID id, Task task, RunConfig runConfig, Instant now) {
        TaskRun run = new TaskRun();
        run.id = id;
        run.taskId = task.id;
        run.orgId = task.org;
        run.userId = task.createdBy;
        run.priority = runConfig == null || runConfig.priority() == null ? 0 : runConfig.priority();
        run.status = RunStatus.PENDING.value();
        run.runConfig = runConfig;
        run.createdAt = now;
        return run;
    }

    /** A run of {@code task} whose message waits for the task's working run to end. */
    public static TaskRun queued(UUID id, Task task, RunConfig runConfig, com.fasterxml.jackson.databind.JsonNode message, Instant now) {
        TaskRun run = pending(id, task, runConfig, now);
        run.status = RunStatus.QUEUED.value();
        run.queuedMessage = message;
        return run;
    }

    /** The queued run's turn came: it waits for a worker, its message now part of the conversation. */
    public void dequeue() {
        requireStatus(RunStatus.QUEUED, "dequeue");
        status = RunStatus.PENDING.value();
    }

    /** Marks the run as started by a schedule's firing. */
    public void firedBy(UUID scheduleId, UUID executionId) {
        this.scheduleId = scheduleId;
        this.scheduleExecutionId = executionId;
    }

    /**
     * A worker takes the pending run: it becomes active under the next attempt (steps of older attempts no longer
     * apply). Answers whether the run was handed over after its previous worker stopped.
     */
    public boolean claim(Instant now, int slot) {
        requireStatus(RunStatus.PENDING, "claim");
        status = RunStatus.ACTIVE.value();
        orgSlot = slot;
        if (startedAt == null) {
            startedAt = now;
        }
        attempt++;
        heartbeatAt = now;
        boolean recovered = recovering;
        recovering = false;
        return recovered;
    }

    /** The pending run found no free slot and waits; answers whether this is the first time it waits. */
    public boolean holdBack(Instant now) {
        requireStatus(RunStatus.PENDING, "hold back");
        if (queuedAt != null) {
            return false;
        }
        queuedAt = now;
        return true;
    }

    /** Whether the run never started and was held back: it waits its turn among its organization's runs. */
    public boolean waitsItsTurn() {
        return startedAt == null && queuedAt != null;
    }

    /** The active run waits for the user's answer to an approval request. */
    public void suspend() {
        requireStatus(RunStatus.ACTIVE, "suspend");
        status = RunStatus.SUSPENDED.value();
    }

    /** The suspended run was answered: it waits for a worker again. */
    public void answered() {
        requireStatus(RunStatus.SUSPENDED, "answer");
        status = RunStatus.PENDING.value();
    }

    /** The active run lost its worker: it waits for another one, which resumes it from its recorded steps. */
    public void handBack() {
        requireStatus(RunStatus.ACTIVE, "hand back");
        recoveries++;
        recovering = true;
        status = RunStatus.PENDING.value();
    }

    /** Whether the run's worker has not said it is alive since {@code before}. */
    public boolean silentSince(Instant before) {
        return (heartbeatAt == null ? createdAt : heartbeatAt).isBefore(before);
    }

    /** Counts what one model call of the run used. */
    public void used(int inputTokens, int outputTokens) {
        this.inputTokens += inputTokens;
        this.outputTokens += outputTokens;
    }

    public void finish(RunStatus finalStatus, Instant at) {
        if (runStatus().isFinished()) {
            throw new IllegalStateException("run " + id + " is " + status + " already");
        }
        status = finalStatus.value();
        completedAt = at;
    }

    private void requireStatus(RunStatus expected, String change) {
        if (runStatus() != expected) {
            throw new IllegalStateException("cannot " + change + " run " + id + ": it is " + status + ", not " + expected.value());
        }
    }
}
