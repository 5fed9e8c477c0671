package dev.relay.schedule.service;

import java.time.Instant;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.relay.common.event.ScheduleChanged;
import dev.relay.common.event.Topics;
import dev.relay.common.messaging.Outbox;
import dev.relay.schedule.domain.Execution;
import dev.relay.schedule.domain.Schedule;
import dev.relay.schedule.repository.ExecutionRepository;
import io.smallrye.mutiny.Uni;

/**
 * Publishes a schedule's whole state after each change (topic {@value Topics#SCHEDULE_UPDATES}), through the outbox in
 * the changing transaction, with the next version: what the task service shows as the task's {@code schedule_info}.
 */
@ApplicationScoped
public class ScheduleUpdates {

    private final ExecutionRepository executions;
    private final Outbox outbox;

    public ScheduleUpdates(ExecutionRepository executions, Outbox outbox) {
        this.executions = executions;
        this.outbox = outbox;
    }

    /** Publishes the state of {@code schedule}, changed in the caller's transaction (which holds its lock). */
    public Uni<Void> changed(Schedule schedule) {
        return executions.flush().chain(() -> executions.latestShown(schedule.id)).chain(latest -> changed(schedule, latest));
    }

    /** Publishes the state of {@code schedule}, whose newest shown execution the caller knows ({@code latest}, or null). */
    public Uni<Void> changed(Schedule schedule, Execution latest) {
        schedule.version++;
        ScheduleChanged state = new ScheduleChanged(schedule.id, schedule.taskId, schedule.org, schedule.name, schedule.type(),
                schedule.frequency, schedule.startTimeText(), schedule.timeZone, schedule.status, schedule.executionCount,
                schedule.lastExecutedAt, schedule.nextDueAt, latest == null ? null : shown(latest), schedule.version);
        return outbox.add(Topics.SCHEDULE_UPDATES, schedule.id.toString(), UUID.randomUUID(), state);
    }

    /** Publishes that the schedule is gone. */
    public Uni<Void> deleted(Schedule schedule) {
        return outbox.add(Topics.SCHEDULE_UPDATES, schedule.id.toString(), UUID.randomUUID(),
                ScheduleChanged.deleted(schedule.id, schedule.taskId, schedule.org));
    }

    /**
     * An execution as the seeds' {@code ExecutionInfo} shows it: waiting is pending; started_at, which the seeds
     * require, is when its run started, and until then when it fired.
     */
    private static ScheduleChanged.ExecutionState shown(Execution execution) {
        String status = Execution.BUFFERED.equals(execution.status) ? Execution.PENDING : execution.status;
        Instant started = execution.startedAt != null ? execution.startedAt : execution.firedAt;
        return new ScheduleChanged.ExecutionState(execution.id, execution.scheduledAt, started, execution.completedAt, status);
    }
}
