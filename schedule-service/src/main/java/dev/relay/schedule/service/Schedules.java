package dev.relay.schedule.service;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import dev.relay.common.auth.Caller;
import dev.relay.common.error.ApiException;
import dev.relay.common.event.ScheduleFired;
import dev.relay.common.event.ScheduleRequested;
import dev.relay.common.event.Topics;
import dev.relay.common.messaging.Outbox;
import dev.relay.common.messaging.PoisonRecord;
import dev.relay.schedule.domain.CatchUp;
import dev.relay.schedule.domain.Execution;
import dev.relay.schedule.domain.Frequency;
import dev.relay.schedule.domain.Recurrence;
import dev.relay.schedule.domain.Schedule;
import dev.relay.schedule.repository.ExecutionRepository;
import dev.relay.schedule.repository.ScheduleRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/** The schedules of a caller: created, read, paused, resumed, triggered and deleted. A schedule is its creator's. */
@ApplicationScoped
public class Schedules {

    private final ScheduleRepository schedules;
    private final ExecutionRepository executions;
    private final Outbox outbox;
    private final Clock clock;

    public Schedules(ScheduleRepository schedules, ExecutionRepository executions, Outbox outbox, Clock clock) {
        this.schedules = schedules;
        this.executions = executions;
        this.outbox = outbox;
        this.clock = clock;
    }

    /** A schedule with a page of its executions, newest first. */
    public record WithExecutions(Schedule schedule, List<Execution> executions) {
    }

    public Uni<Schedule> create(UUID taskId, String org, String createdBy, String name, Recurrence recurrence, CatchUp catchUp) {
        Schedule schedule = Schedule.create(UUID.randomUUID(), taskId, org, createdBy, name, recurrence, catchUp, clock.instant());
        return Panache.withTransaction(() -> schedules.persist(schedule));
    }

    /**
     * Makes the schedule a task create asked for, in the consumer's transaction. Without a start time it is due from
     * now on: at this minute of the day (or of the hour).
     */
    public Uni<Void> createRequested(ScheduleRequested request) {
        ZoneId zone = ZoneId.of(request.timeZone() == null ? "UTC" : request.timeZone());
        Instant now = clock.instant();
        LocalTime start = request.startTime() == null ? LocalTime.ofInstant(now, zone) : LocalTime.parse(request.startTime());
        Recurrence recurrence = "one_time".equals(request.scheduleType()) ? Recurrence.once(start, zone)
                : new Recurrence(Frequency.of(request.frequency()).orElseThrow(
                        () -> new PoisonRecord("unknown scan_frequency '" + request.frequency() + "'", null)), start, zone);
        Schedule schedule = Schedule.create(request.scheduleId(), request.taskId(), request.org(), request.createdBy(), request.name(),
                recurrence, CatchUp.SKIP, now);
        return schedules.persist(schedule).replaceWithVoid();
    }

    public Uni<Schedule> find(UUID id) {
        return Panache.withSession(() -> schedules.findById(id));
    }

    public Uni<List<Schedule>> page(Caller caller, Instant afterCreatedAt, UUID afterId, int size) {
        return Panache.withSession(() -> schedules.pageOf(caller.org(), caller.email(), afterCreatedAt, afterId, size));
    }

    public Uni<WithExecutions> get(Caller caller, UUID id, Instant afterScheduledAt, UUID afterId, int size) {
        return Panache.withSession(() -> owned(caller, schedules.findById(id))
                .chain(schedule -> executions.pageOf(id, afterScheduledAt, afterId, size).map(page -> new WithExecutions(schedule, page))));
    }

    public Uni<Schedule> pause(Caller caller, UUID id, String note) {
        Instant now = clock.instant();
        return Panache.withTransaction(() -> owned(caller, schedules.findById(id, LockModeType.PESSIMISTIC_WRITE))
                .invoke(schedule -> schedule.pause(note, now)));
    }

    public Uni<Schedule> resume(Caller caller, UUID id) {
        Instant now = clock.instant();
        return Panache.withTransaction(() -> owned(caller, schedules.findById(id, LockModeType.PESSIMISTIC_WRITE))
                .invoke(schedule -> schedule.resume(now)));
    }

    /** Fires the schedule now, outside its due times (which stay as they are); answers the new execution's id. */
    public Uni<UUID> trigger(Caller caller, UUID id) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        UUID executionId = UUID.randomUUID();
        return outbox.transaction(() -> owned(caller, schedules.findById(id, LockModeType.PESSIMISTIC_WRITE))
                .chain(schedule -> executions.record(executionId, schedule.id, now, now, "pending", "triggered")
                        .chain(recorded -> {
                            if (!recorded) {
                                throw ApiException.conflict("already_triggered", "the schedule was triggered at this very instant already");
                            }
                            schedule.executionCount++;
                            schedule.lastExecutedAt = now;
                            return outbox.add(Topics.TASK_TRIGGERS, schedule.taskId.toString(), executionId,
                                    new ScheduleFired(executionId, schedule.id, schedule.taskId, schedule.org, schedule.createdBy, now));
                        }))
                .replaceWith(executionId));
    }

    /** Deletes the schedule and its executions in one statement; concurrent deletes answer 404 but for one. */
    public Uni<Void> delete(Caller caller, UUID id) {
        return Panache.withTransaction(() -> schedules.deleteOwned(id, caller.org(), caller.email()))
                .map(deleted -> {
                    if (deleted == 0) {
                        throw ApiException.notFound("schedule not found");
                    }
                    return null;
                });
    }

    private static Uni<Schedule> owned(Caller caller, Uni<Schedule> found) {
        return found.map(schedule -> {
            if (schedule == null || !schedule.isOwnedBy(caller.org(), caller.email())) {
                throw ApiException.notFound("schedule not found");
            }
            return schedule;
        });
    }
}
