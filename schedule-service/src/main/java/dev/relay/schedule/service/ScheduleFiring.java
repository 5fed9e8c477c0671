package dev.relay.schedule.service;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.relay.common.event.ScheduleFired;
import dev.relay.common.event.Topics;
import dev.relay.common.messaging.Outbox;
import dev.relay.schedule.config.ScheduleConfig;
import dev.relay.schedule.domain.CatchUp;
import dev.relay.schedule.domain.Schedule;
import dev.relay.schedule.repository.ExecutionRepository;
import dev.relay.schedule.repository.ScheduleRepository;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Fires due schedules exactly once, on any number of replicas: each batch of due schedules is claimed with
 * {@code FOR UPDATE SKIP LOCKED}, and in the same transaction each gets its execution (unique per due time), its
 * trigger in the outbox and its next due time. A replica that dies mid-batch commits nothing: its rows are claimed
 * again by the next one to look.
 */
@ApplicationScoped
public class ScheduleFiring {

    private static final Logger LOG = Logger.getLogger(ScheduleFiring.class);

    private final ScheduleRepository schedules;
    private final ExecutionRepository executions;
    private final Outbox outbox;
    private final ScheduleConfig config;
    private final Clock clock;

    public ScheduleFiring(ScheduleRepository schedules, ExecutionRepository executions, Outbox outbox, ScheduleConfig config,
            Clock clock) {
        this.schedules = schedules;
        this.executions = executions;
        this.outbox = outbox;
        this.config = config;
        this.clock = clock;
    }

    @Scheduled(every = "{relay.schedule.fire-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> fireWhatIsDue() {
        return fireDue(clock.instant()).chain(fired -> fired < config.claimBatch() ? Uni.createFrom().voidItem() : fireWhatIsDue());
    }

    /** Fires one batch of the schedules due at {@code now}; answers how many were claimed. */
    public Uni<Integer> fireDue(Instant now) {
        return outbox.transaction(() -> schedules.claimDue(now, config.claimBatch())
                .chain(due -> Multi.createFrom().iterable(due)
                        .onItem().transformToUniAndConcatenate(schedule -> fire(schedule, now))
                        .collect().asList()
                        .map(List::size)));
    }

    private Uni<Void> fire(Schedule schedule, Instant now) {
        Instant dueAt = schedule.nextDueAt;
        if (schedule.missed(now, config.misfireAfter()) && CatchUp.of(schedule.catchUp) == CatchUp.SKIP) {
            LOG.infof("schedule %s missed its due time %s; skipping to the next one", schedule.id, dueAt);
            return executions.record(UUID.randomUUID(), schedule.id, dueAt, now, "skipped", "missed: no replica was running at the due time")
                    .invoke(() -> schedule.advance(now, false, now))
                    .replaceWithVoid();
        }
        UUID executionId = UUID.randomUUID();
        boolean caughtUp = schedule.missed(now, config.misfireAfter());
        return executions.record(executionId, schedule.id, dueAt, now, "pending", caughtUp ? "missed: run once on catching up" : null)
                .chain(recorded -> !recorded ? Uni.createFrom().voidItem()
                        : outbox.add(Topics.TASK_TRIGGERS, schedule.taskId.toString(), executionId,
                                new ScheduleFired(executionId, schedule.id, schedule.taskId, schedule.org, schedule.createdBy, dueAt)))
                .invoke(() -> schedule.advance(caughtUp ? now : dueAt, true, now));
    }
}
