package dev.relay.schedule.domain;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.DynamicUpdate;

/**
 * One firing of a schedule, for one due time (the seeds' {@code ExecutionInfo}): {@value #PENDING} once its trigger
 * is out, {@value #RUNNING} once the task service started its run, then {@value #COMPLETED} or {@value #FAILED};
 * {@value #SKIPPED} when it never ran (missed, or overlapping), {@value #BUFFERED} while it waits for the run before it.
 */
@Entity
@Table(name = "schedule_execution")
@DynamicUpdate
public class Execution {

    public static final String PENDING = "pending";
    public static final String RUNNING = "running";
    public static final String COMPLETED = "completed";
    public static final String FAILED = "failed";
    public static final String SKIPPED = "skipped";
    public static final String BUFFERED = "buffered";

    private static final Set<String> OPEN = Set.of(PENDING, RUNNING);

    @Id
    public UUID id;
    @Column(name = "schedule_id")
    public UUID scheduleId;
    @Column(name = "scheduled_at")
    public Instant scheduledAt;
    @Column(name = "fired_at")
    public Instant firedAt;
    public String status;
    public String reason;
    @Column(name = "started_at")
    public Instant startedAt;
    @Column(name = "completed_at")
    public Instant completedAt;
    @Column(name = "run_id")
    public UUID runId;
    @Column(name = "release_at")
    public Instant releaseAt;
    public int attempt;

    /** A new execution of {@code scheduleId} for its due time {@code scheduledAt}, fired at {@code firedAt}. */
    public static Execution of(UUID scheduleId, Instant scheduledAt, Instant firedAt, String status, String reason) {
        Execution execution = new Execution();
        execution.id = UUID.randomUUID();
        execution.scheduleId = scheduleId;
        execution.scheduledAt = scheduledAt;
        execution.firedAt = firedAt;
        execution.status = status;
        execution.reason = reason;
        return execution;
    }

    /** Whether it ran or is to run: shown as the schedule's latest execution (a skipped one is history only). */
    public boolean isShown() {
        return !SKIPPED.equals(status);
    }

    /** Whether its trigger is out and its run has not ended. */
    public boolean isOpen() {
        return OPEN.contains(status);
    }

    public void started(UUID run, Instant at) {
        if (PENDING.equals(status)) {
            status = RUNNING;
            runId = run;
            startedAt = at;
        }
    }

    /** Ends an open execution {@value #COMPLETED} or {@value #FAILED}; answers whether it was open. */
    public boolean ended(String finalStatus, String why, Instant at) {
        if (!isOpen()) {
            return false;
        }
        status = finalStatus;
        reason = why == null ? reason : why;
        completedAt = at;
        return true;
    }

    /** Holds an execution whose trigger found the task busy, to be triggered again at {@code retryAt}. */
    public void heldBack(String why, Instant retryAt) {
        status = BUFFERED;
        reason = why;
        releaseAt = retryAt;
    }

    /** Skips an execution whose trigger found the task busy. */
    public void skipped(String why) {
        status = SKIPPED;
        reason = why;
    }

    /** Triggers a buffered execution again: a new attempt, so the task service takes it as a new trigger. */
    public void released() {
        status = PENDING;
        releaseAt = null;
        attempt++;
    }
}
