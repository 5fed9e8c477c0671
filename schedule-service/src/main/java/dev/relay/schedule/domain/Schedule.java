package dev.relay.schedule.domain;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.DynamicUpdate;

import dev.relay.common.schedule.Frequency;
import dev.relay.common.schedule.Recurrence;

/** A schedule of one task: when it is due ({@link #recurrence()}), and where it stands. */
@Entity
@Table(name = "schedule")
@DynamicUpdate
public class Schedule {

    public static final String ACTIVE = "active";
    public static final String COMPLETED = "completed";
    public static final String PAUSED = "paused";
    public static final String FAILED = "failed";
    public static final String ONE_TIME = "one_time";
    public static final String RECURRING = "recurring";

    private static final DateTimeFormatter HH_MM = DateTimeFormatter.ofPattern("HH:mm");

    @Id
    public UUID id;
    public String org;
    @Column(name = "created_by")
    public String createdBy;
    @Column(name = "task_id")
    public UUID taskId;
    public String name;
    public String frequency;
    @Column(name = "start_time")
    public LocalTime startTime;
    @Column(name = "time_zone")
    public String timeZone;
    public String status;
    @Column(name = "catch_up")
    public String catchUp;
    public String overlap = Overlap.SKIP.value();
    // grows with every published state of the schedule
    public long version;
    @Column(name = "first_due_at")
    public Instant firstDueAt;
    @Column(name = "next_due_at")
    public Instant nextDueAt;
    @Column(name = "pause_note")
    public String pauseNote;
    @Column(name = "execution_count")
    public int executionCount;
    @Column(name = "last_executed_at")
    public Instant lastExecutedAt;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "updated_at")
    public Instant updatedAt;

    /** A new active schedule, first due after {@code now}. */
    public static Schedule create(UUID id, UUID taskId, String org, String createdBy, String name, Recurrence recurrence,
            CatchUp catchUp, Instant now) {
        return create(id, taskId, org, createdBy, name, recurrence, catchUp, recurrence.firstDue(now), now);
    }

    /** A new active schedule, first due at {@code firstDue}. */
    public static Schedule create(UUID id, UUID taskId, String org, String createdBy, String name, Recurrence recurrence,
            CatchUp catchUp, Instant firstDue, Instant now) {
        Schedule schedule = new Schedule();
        schedule.id = id;
        schedule.taskId = taskId;
        schedule.org = org;
        schedule.createdBy = createdBy;
        schedule.name = name;
        schedule.frequency = recurrence.isOneTime() ? null : recurrence.frequency().value();
        schedule.startTime = recurrence.startTime();
        schedule.timeZone = recurrence.zone().getId();
        schedule.status = ACTIVE;
        schedule.catchUp = catchUp.value();
        schedule.firstDueAt = firstDue;
        schedule.nextDueAt = schedule.firstDueAt;
        schedule.createdAt = now;
        schedule.updatedAt = now;
        return schedule;
    }

    public boolean isOwnedBy(String callerOrg, String callerEmail) {
        return org.equals(callerOrg) && createdBy.equals(callerEmail);
    }

    /** Stops firing until resumed; a completed schedule stays completed. */
    public void pause(String note, Instant now) {
        if (ACTIVE.equals(status)) {
            status = PAUSED;
            pauseNote = note;
            nextDueAt = null;
            updatedAt = now;
        }
    }

    /** Fires again from the next due time after {@code now}: what came due while paused is not made up. */
    public void resume(Instant now) {
        if (PAUSED.equals(status)) {
            Instant next = recurrence().isOneTime() ? recurrence().firstDue(now) : recurrence().nextDue(firstDueAt, now);
            status = ACTIVE;
            pauseNote = null;
            nextDueAt = next;
            updatedAt = now;
        }
    }

    /**
     * Changes when it is due: from now on, by the new recurrence (its first due time after {@code now} fixes the
     * weekday and day of month anew). A paused schedule takes it up when resumed; a completed or failed one stays so.
     */
    public void reschedule(Recurrence recurrence, Instant now) {
        frequency = recurrence.isOneTime() ? null : recurrence.frequency().value();
        startTime = recurrence.startTime();
        timeZone = recurrence.zone().getId();
        firstDueAt = recurrence.firstDue(now);
        if (ACTIVE.equals(status)) {
            nextDueAt = firstDueAt;
        }
        updatedAt = now;
    }

    public String type() {
        return frequency == null ? ONE_TIME : RECURRING;
    }

    public String startTimeText() {
        return HH_MM.format(startTime);
    }

    /** A one-time schedule whose only execution failed is failed itself. */
    public void executionFailed(Instant now) {
        if (frequency == null && COMPLETED.equals(status)) {
            status = FAILED;
            updatedAt = now;
        }
    }

    /** An execution that was counted as run turned out skipped (the task was busy). */
    public void executionSkipped() {
        executionCount = Math.max(0, executionCount - 1);
    }

    public Recurrence recurrence() {
        return new Recurrence(frequency == null ? null : Frequency.of(frequency).orElseThrow(), startTime, ZoneId.of(timeZone));
    }

    /** Whether the due time it is at was missed: nobody ran over it within {@code tolerance}. */
    public boolean missed(Instant now, Duration tolerance) {
        return now.isAfter(nextDueAt.plus(tolerance));
    }

    /**
     * Moves on from the due time just handled: to the next due time after {@code after}, or to {@code completed}
     * when there is none. {@code fired} counts an execution that ran.
     */
    public void advance(Instant after, boolean fired, Instant now) {
        if (fired) {
            executionCount++;
            lastExecutedAt = now;
        }
        nextDueAt = recurrence().nextDue(firstDueAt, after);
        if (nextDueAt == null) {
            status = COMPLETED;
        }
        updatedAt = now;
    }
}
