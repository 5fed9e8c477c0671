package dev.relay.schedule.service;

import java.time.Clock;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import org.jboss.logging.Logger;

import dev.relay.common.event.ScheduledRunReported;
import dev.relay.schedule.config.ScheduleConfig;
import dev.relay.schedule.domain.Execution;
import dev.relay.schedule.domain.Overlap;
import dev.relay.schedule.domain.Schedule;
import dev.relay.schedule.repository.ExecutionRepository;
import dev.relay.schedule.repository.ScheduleRepository;
import io.smallrye.mutiny.Uni;

/**
 * Follows each execution's run from the task service's reports: started, completed or failed, or not started because
 * the task was busy (then the overlap policy decides) or gone. When an execution ends, the next buffered one is
 * triggered. Reports of a deleted schedule, or that come late (an ended execution), change nothing.
 */
@ApplicationScoped
public class ExecutionReports {

    private static final Logger LOG = Logger.getLogger(ExecutionReports.class);

    private final ScheduleRepository schedules;
    private final ExecutionRepository executions;
    private final ScheduleFiring firing;
    private final ScheduleUpdates updates;
    private final ScheduleConfig config;
    private final Clock clock;

    public ExecutionReports(ScheduleRepository schedules, ExecutionRepository executions, ScheduleFiring firing, ScheduleUpdates updates,
            ScheduleConfig config, Clock clock) {
        this.schedules = schedules;
        this.executions = executions;
        this.firing = firing;
        this.updates = updates;
        this.config = config;
        this.clock = clock;
    }

    /** Applies {@code report} in the caller's transaction. */
    public Uni<Void> apply(ScheduledRunReported report) {
        // the schedule's lock first, as every writer of its executions takes it
        return schedules.findById(report.scheduleId(), LockModeType.PESSIMISTIC_WRITE).chain(schedule -> schedule == null
                ? Uni.createFrom().voidItem()
                : executions.findById(report.executionId()).chain(execution -> execution == null || !execution.scheduleId.equals(schedule.id)
                        ? Uni.createFrom().voidItem()
                        : apply(schedule, execution, report)));
    }

    private Uni<Void> apply(Schedule schedule, Execution execution, ScheduledRunReported report) {
        Instant now = clock.instant();
        boolean ended = switch (report.status()) {
            case ScheduledRunReported.STARTED -> {
                execution.started(report.runId(), report.at());
                yield false;
            }
            case ScheduledRunReported.COMPLETED -> execution.ended(Execution.COMPLETED, null, report.at());
            case ScheduledRunReported.FAILED, ScheduledRunReported.REFUSED -> {
                boolean failed = execution.ended(Execution.FAILED, report.reason(), report.at());
                if (failed) {
                    schedule.executionFailed(now);
                }
                yield failed;
            }
            case ScheduledRunReported.BUSY -> busy(schedule, execution, report.reason(), now);
            default -> {
                LOG.warnf("unknown report status '%s' for execution %s: ignored", report.status(), execution.id);
                yield false;
            }
        };
        Uni<Void> next = ended ? firing.releaseNext(schedule) : Uni.createFrom().voidItem();
        return next.chain(() -> updates.changed(schedule));
    }

    /** A trigger that found the task running a run of its own: skipped, or tried again later (buffer_one, allow). */
    private boolean busy(Schedule schedule, Execution execution, String reason, Instant now) {
        if (!Execution.PENDING.equals(execution.status)) {
            return false;
        }
        if (Overlap.of(schedule.overlap).orElse(Overlap.SKIP) == Overlap.SKIP) {
            execution.skipped("overlap: " + reason);
            schedule.executionSkipped();
        } else {
            execution.heldBack("waiting: " + reason, now.plus(config.busyRetryAfter()));
        }
        return false;
    }
}
