package dev.relay.schedule;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

import dev.relay.common.auth.Caller;
import dev.relay.common.event.ScheduledRunReported;
import dev.relay.common.messaging.Outbox;
import dev.relay.common.schedule.Frequency;
import dev.relay.common.schedule.Recurrence;
import dev.relay.schedule.domain.CatchUp;
import dev.relay.schedule.domain.Execution;
import dev.relay.schedule.domain.Schedule;
import dev.relay.schedule.service.ExecutionReports;
import dev.relay.schedule.service.ScheduleFiring;
import dev.relay.schedule.service.Schedules;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;

/** Schedules for tests, made through the service as the task service's request will make them. */
public final class TestSchedules {

    private TestSchedules() {
    }

    /** A daily schedule of a new task of {@code email} in {@code org}, first due within the next hour. */
    public static Schedule daily(Schedules schedules, String org, String email) {
        LocalTime start = LocalTime.now(ZoneOffset.UTC).plusHours(1).truncatedTo(ChronoUnit.MINUTES);
        return await(() -> schedules.create(UUID.randomUUID(), org, email, "daily scan",
                new Recurrence(Frequency.DAILY, start, ZoneOffset.UTC), CatchUp.SKIP));
    }

    /** The schedule's executions, newest first. */
    public static List<Execution> executions(Schedules schedules, Schedule schedule) {
        return await(() -> schedules.get(new Caller(schedule.org, schedule.createdBy, Set.of()), schedule.id, null, null, 100)).executions();
    }

    /** Applies a report of the task service's about an execution's run, as the consumer of schedule-runs does. */
    public static void report(ExecutionReports reports, Outbox outbox, Schedule schedule, UUID executionId, String status) {
        ScheduledRunReported report = new ScheduledRunReported(executionId, schedule.id, schedule.taskId,
                ScheduledRunReported.STARTED.equals(status) ? UUID.randomUUID() : null, status,
                ScheduledRunReported.BUSY.equals(status) ? "another run of the task was in progress" : null, Instant.now(), 0);
        await(() -> outbox.transaction(() -> reports.apply(report)));
    }

    /**
     * Fires every schedule due at {@code now}, batch after batch, as the service's timer does: the due schedules
     * other test classes left behind (one claim takes {@code claim-batch} of them, oldest due first) cannot keep a
     * test's own out of the firing. Answers how many fired.
     */
    public static int fireAllDue(ScheduleFiring firing, Instant now) {
        int fired = 0;
        for (int batch = await(() -> firing.fireDue(now)); batch > 0; batch = await(() -> firing.fireDue(now))) {
            fired += batch;
        }
        return fired;
    }

    /** Releases every buffered execution whose time has come at {@code now}, batch after batch. */
    public static void releaseAllDue(ScheduleFiring firing, Instant now) {
        while (await(() -> firing.releaseDue(now)) > 0) {
            // the next batch
        }
    }

    /** The item of {@code work}, run on a Vert.x context as Hibernate Reactive needs. */
    public static <T> T await(Supplier<Uni<T>> work) {
        try {
            return VertxContextSupport.subscribeAndAwait(work::get);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }
}
