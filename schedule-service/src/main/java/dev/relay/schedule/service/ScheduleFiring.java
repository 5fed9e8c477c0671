package dev.relay.schedule.service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.relay.common.event.ScheduleFired;
import dev.relay.common.event.Topics;
import dev.relay.common.lifecycle.StartingOrStopping;
import dev.relay.common.messaging.Outbox;
import dev.relay.schedule.config.ScheduleConfig;
import dev.relay.schedule.domain.CatchUp;
import dev.relay.schedule.domain.Execution;
import dev.relay.schedule.domain.Overlap;
import dev.relay.schedule.domain.Schedule;
import dev.relay.schedule.repository.ExecutionRepository;
import dev.relay.schedule.repository.ExecutionRepository.Backlog;
import dev.relay.schedule.repository.ScheduleRepository;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Fires due schedules exactly once, on any number of replicas: each batch of due schedules is claimed with
 * {@code FOR UPDATE SKIP LOCKED}, and in the same transaction each gets its execution (unique per due time), its
 * trigger in the outbox and its next due time. A replica that dies mid-batch commits nothing: its rows are claimed
 * again by the next one to look. Every writer of an execution holds its schedule's lock.
 */
@ApplicationScoped
public class ScheduleFiring {

    private static final Logger LOG = Logger.getLogger(ScheduleFiring.class);

    private final ScheduleRepository schedules;
    private final ExecutionRepository executions;
    private final ScheduleUpdates updates;
    private final Outbox outbox;
    private final ScheduleConfig config;
    private final Clock clock;
    private final MeterRegistry registry;
    private final Timer firingLag;
    private final StartingOrStopping lifecycle;

    public ScheduleFiring(ScheduleRepository schedules, ExecutionRepository executions, ScheduleUpdates updates, Outbox outbox,
            ScheduleConfig config, Clock clock, MeterRegistry registry, StartingOrStopping lifecycle) {
        this.lifecycle = lifecycle;
        this.registry = registry;
        this.firingLag = Timer.builder("relay.schedule.firing.lag").description("How long after its due time a schedule fired")
                .publishPercentiles(0.5, 0.99).register(registry);
        for (String status : List.of(Execution.PENDING, Execution.SKIPPED, Execution.BUFFERED)) {
            registry.counter("relay.schedule.firings", "status", status);
        }
        this.schedules = schedules;
        this.executions = executions;
        this.updates = updates;
        this.outbox = outbox;
        this.config = config;
        this.clock = clock;
    }

    @Scheduled(every = "{relay.schedule.fire-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = StartingOrStopping.class)
    Uni<Void> fireWhatIsDue() {
        Instant now = clock.instant();
        // a full batch means more are due: the next batch at once, unless the service is stopping meanwhile
        return fireDue(now).chain(fired -> fired < config.claimBatch() ? releaseDue(now).replaceWithVoid()
                : lifecycle.isRunning() ? fireWhatIsDue() : Uni.createFrom().voidItem());
    }

    /**
     * Fires one batch of the schedules due at {@code now}; answers how many were claimed. A batch is a few statements
     * whatever its size: the claim, what holds firings back, the latest executions, then the new executions, triggers,
     * published states and advanced schedules written in batches at commit.
     */
    public Uni<Integer> fireDue(Instant now) {
        return outbox.transaction(() -> schedules.claimDue(now, config.claimBatch()).chain(due -> {
            List<UUID> ids = due.stream().map(schedule -> schedule.id).toList();
            return executions.backlogsOf(ids).chain(backlogs -> executions.latestShownOf(ids).chain(latest -> {
                List<Execution> created = new ArrayList<>();
                Uni<Void> published = Uni.createFrom().voidItem();
                for (Schedule schedule : due) {
                    Execution execution = fire(schedule, backlogs.getOrDefault(schedule.id, Backlog.NONE), now);
                    created.add(execution);
                    Execution shown = execution.isShown() ? execution : latest.get(schedule.id);
                    published = published
                            .chain(() -> Execution.PENDING.equals(execution.status)
                                    ? trigger(schedule, execution.id, execution.scheduledAt, 0) : Uni.createFrom().voidItem())
                            .chain(() -> updates.changed(schedule, shown));
                }
                return published.chain(() -> executions.insertAll(created))
                        .chain(() -> schedules.saveFired(due))
                        .replaceWith(created);
            }));
        })).invoke(this::count).map(List::size);
    }

    /** {@code relay_schedule_firings_total{status}} and {@code relay_schedule_firing_lag_seconds}, once committed. */
    private void count(List<Execution> fired) {
        for (Execution execution : fired) {
            registry.counter("relay.schedule.firings", "status", execution.status).increment();
            firingLag.record(Duration.between(execution.scheduledAt, execution.firedAt));
        }
    }

    /** Triggers one batch of buffered executions whose time has come; answers how many schedules were claimed. */
    public Uni<Integer> releaseDue(Instant now) {
        return outbox.transaction(() -> schedules.claimReleased(now, config.claimBatch())
                .chain(claimed -> Multi.createFrom().iterable(claimed)
                        .onItem().transformToUniAndConcatenate(schedule -> executions.nextReleased(schedule.id, now)
                                .chain(execution -> execution == null ? Uni.createFrom().voidItem() : release(schedule, execution))
                                .chain(() -> updates.changed(schedule)))
                        .collect().asList()
                        .map(List::size)));
    }

    /** Triggers the schedule's oldest buffered execution, if any, in the caller's transaction (which holds the schedule's lock). */
    public Uni<Void> releaseNext(Schedule schedule) {
        return executions.flush().chain(() -> executions.oldestBuffered(schedule.id))
                .chain(execution -> execution == null ? Uni.createFrom().voidItem() : release(schedule, execution));
    }

    /**
     * Triggers a buffered execution of {@code schedule} (locked by the caller), unless the task is still running one of
     * its executions: then it waits for that one to end.
     */
    private Uni<Void> release(Schedule schedule, Execution execution) {
        return executions.flush().chain(() -> executions.backlogsOf(List.of(schedule.id))).chain(backlogs -> {
            if (backlogs.getOrDefault(schedule.id, Backlog.NONE).open() > 0) {
                execution.releaseAt = null;
                return Uni.createFrom().voidItem();
            }
            execution.released();
            return trigger(schedule, execution.id, execution.scheduledAt, execution.attempt);
        });
    }

    /** What the due time {@code schedule} is at becomes (by its catch-up and overlap policies); advances the schedule. */
    private Execution fire(Schedule schedule, Backlog backlog, Instant now) {
        Instant dueAt = schedule.nextDueAt;
        boolean missed = schedule.missed(now, config.misfireAfter());
        Execution execution;
        if (missed && CatchUp.of(schedule.catchUp) == CatchUp.SKIP) {
            LOG.infof("schedule %s missed its due time %s; skipping to the next one", schedule.id, dueAt);
            execution = Execution.of(schedule.id, dueAt, now, Execution.SKIPPED, "missed: no replica was running at the due time");
        } else if (backlog.open() == 0 && backlog.buffered() == 0) {
            execution = Execution.of(schedule.id, dueAt, now, Execution.PENDING, missed ? "missed: run once on catching up" : null);
        } else {
            Overlap overlap = Overlap.of(schedule.overlap).orElse(Overlap.SKIP);
            execution = overlap == Overlap.ALLOW || (overlap == Overlap.BUFFER_ONE && backlog.buffered() == 0)
                    ? Execution.of(schedule.id, dueAt, now, Execution.BUFFERED, "waiting for the previous run to end")
                    : Execution.of(schedule.id, dueAt, now, Execution.SKIPPED,
                            overlap == Overlap.SKIP ? "overlap: the previous run was still going" : "overlap: a firing was waiting already");
        }
        // the schedule's lock makes this the only execution for this due time; the unique key would refuse a second
        schedule.advance(missed ? now : dueAt, execution.isShown(), now);
        return execution;
    }

    public Uni<Void> trigger(Schedule schedule, UUID executionId, Instant scheduledAt, int attempt) {
        ScheduleFired fired = new ScheduleFired(executionId, schedule.id, schedule.taskId, schedule.org, schedule.createdBy, scheduledAt, attempt);
        return outbox.add(Topics.TASK_TRIGGERS, schedule.taskId.toString(), fired.triggerId(), fired);
    }
}
