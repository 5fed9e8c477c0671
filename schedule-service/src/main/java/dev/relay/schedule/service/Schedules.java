package dev.relay.schedule.service;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import dev.relay.common.auth.Caller;
import dev.relay.common.error.ApiException;
import dev.relay.common.event.ScheduleRequested;
import dev.relay.common.messaging.Outbox;
import dev.relay.common.messaging.PoisonRecord;
import dev.relay.common.schedule.Frequency;
import dev.relay.common.schedule.Recurrence;
import dev.relay.schedule.domain.CatchUp;
import dev.relay.schedule.domain.Execution;
import dev.relay.schedule.domain.Overlap;
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
    private final ScheduleFiring firing;
    private final ScheduleUpdates updates;
    private final Clock clock;

    public Schedules(ScheduleRepository schedules, ExecutionRepository executions, Outbox outbox, ScheduleFiring firing,
            ScheduleUpdates updates, Clock clock) {
        this.firing = firing;
        this.updates = updates;
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
        return outbox.transaction(() -> schedules.persist(schedule).call(() -> updates.changed(schedule)));
    }

    /**
     * Makes the schedule a task create asked for, in the consumer's transaction, first due when the task service said
     * it would be (or, from an older request without it, at its first due time from now).
     */
    public Uni<Void> createRequested(ScheduleRequested request) {
        ZoneId zone = ZoneId.of(request.timeZone() == null ? "UTC" : request.timeZone());
        Instant now = clock.instant();
        LocalTime start = request.startTime() == null ? LocalTime.ofInstant(now, zone) : LocalTime.parse(request.startTime());
        Recurrence recurrence = Schedule.ONE_TIME.equals(request.scheduleType()) ? Recurrence.once(start, zone)
                : new Recurrence(Frequency.of(request.frequency()).orElseThrow(
                        () -> new PoisonRecord("unknown scan_frequency '" + request.frequency() + "'", null)), start, zone);
        Instant firstDue = request.firstDueAt() == null ? recurrence.firstDue(now) : request.firstDueAt();
        Schedule schedule = Schedule.create(request.scheduleId(), request.taskId(), request.org(), request.createdBy(), request.name(),
                recurrence, CatchUp.SKIP, firstDue, now);
        return schedules.persist(schedule).chain(() -> updates.changed(schedule));
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
        return change(caller, id, schedule -> schedule.pause(note, now));
    }

    public Uni<Schedule> resume(Caller caller, UUID id) {
        Instant now = clock.instant();
        return change(caller, id, schedule -> schedule.resume(now));
    }

    /** What a PATCH changes; null fields stay as they are. */
    public record ScheduleChanges(String name, Frequency frequency, LocalTime startTime, ZoneId timeZone, CatchUp catchUp, Overlap overlap) {
    }

    /**
     * Applies the caller's changes. A new frequency, start time or zone takes effect from now: the next due time is
     * the first one after now by the new rule. A one-time schedule has no frequency to change (400).
     */
    public Uni<Schedule> update(Caller caller, UUID id, ScheduleChanges changes) {
        Instant now = clock.instant();
        return change(caller, id, schedule -> {
            if (changes.frequency() != null && schedule.frequency == null) {
                throw ApiException.invalidRequest("field 'scan_frequency' applies to recurring schedules only; this one is one_time");
            }
            if (changes.name() != null) {
                schedule.name = changes.name();
            }
            if (changes.catchUp() != null) {
                schedule.catchUp = changes.catchUp().value();
            }
            if (changes.overlap() != null) {
                schedule.overlap = changes.overlap().value();
            }
            if (changes.frequency() != null || changes.startTime() != null || changes.timeZone() != null) {
                Recurrence current = schedule.recurrence();
                schedule.reschedule(new Recurrence(changes.frequency() == null ? current.frequency() : changes.frequency(),
                        changes.startTime() == null ? current.startTime() : changes.startTime(),
                        changes.timeZone() == null ? current.zone() : changes.timeZone()), now);
            }
            schedule.updatedAt = now;
        });
    }

    /** Changes the caller's schedule under its lock and publishes its new state, in one transaction. */
    private Uni<Schedule> change(Caller caller, UUID id, Consumer<Schedule> change) {
        return outbox.transaction(() -> owned(caller, schedules.findById(id, LockModeType.PESSIMISTIC_WRITE))
                .invoke(change)
                .call(updates::changed));
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
                            return firing.trigger(schedule, executionId, now, 0).chain(() -> updates.changed(schedule));
                        }))
                .replaceWith(executionId));
    }

    /**
     * Deletes the schedule and its executions in one statement, and publishes that it is gone; concurrent deletes
     * answer 404 but for one.
     */
    public Uni<Void> delete(Caller caller, UUID id) {
        return outbox.transaction(() -> owned(caller, schedules.findById(id))
                .chain(schedule -> schedules.deleteOwned(id, caller.org(), caller.email()).chain(deleted -> {
                    if (deleted == 0) {
                        throw ApiException.notFound("schedule not found");
                    }
                    return updates.deleted(schedule);
                })));
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
