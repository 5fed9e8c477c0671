package dev.relay.task.task;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import dev.relay.common.event.ScheduleFired;
import dev.relay.common.event.ScheduledRunReported;
import dev.relay.common.event.Topics;
import dev.relay.common.messaging.Outbox;
import io.smallrye.mutiny.Uni;

/**
 * Tells the schedule service, through the outbox and in the caller's transaction, what became of its triggers: the
 * run each one started and how it ended, or why none was started. A report's event id is derived from the trigger
 * and the status ({@link ScheduledRunReported#eventId()}), so the same report is the same event however often a step
 * is retried.
 */
@ApplicationScoped
public class ScheduleReports {

    private final Outbox outbox;

    public ScheduleReports(Outbox outbox) {
        this.outbox = outbox;
    }

    /** Reports {@code status} of a run a schedule started (an execution starts one run at most); other runs report nothing. */
    public Uni<Void> run(TaskRun run, String status, String reason) {
        if (run.scheduleExecutionId == null) {
            return Uni.createFrom().voidItem();
        }
        return report(new ScheduledRunReported(run.scheduleExecutionId, run.scheduleId, run.taskId, run.id, status, reason, Instant.now(),
                0));
    }

    /** Reports a trigger that started no run ({@code busy} or {@code refused}). */
    public Uni<Void> notStarted(ScheduleFired trigger, String status, String reason) {
        return report(new ScheduledRunReported(trigger.executionId(), trigger.scheduleId(), trigger.taskId(), null, status, reason,
                Instant.now(), trigger.attempt()));
    }

    private Uni<Void> report(ScheduledRunReported report) {
        return outbox.add(Topics.SCHEDULE_RUNS, report.scheduleId().toString(), report.eventId(), report);
    }
}
