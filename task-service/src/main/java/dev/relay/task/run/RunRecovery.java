package dev.relay.task.run;

import java.time.Instant;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.relay.common.messaging.Outbox;
import dev.relay.task.task.RunStatus;
import dev.relay.task.task.TaskEventLog;
import io.smallrye.mutiny.Uni;

/** Hands a run whose worker stopped heartbeating to a worker again; it resumes from its recorded steps. */
@ApplicationScoped
class RunRecovery {

    private final ActiveRuns activeRuns;
    private final Outbox outbox;
    private final TaskEventLog eventLog;

    RunRecovery(ActiveRuns activeRuns, Outbox outbox, TaskEventLog eventLog) {
        this.activeRuns = activeRuns;
        this.outbox = outbox;
        this.eventLog = eventLog;
    }

    /**
     * Hands the run over if it is still active and silent since {@code staleBefore}, at most {@code maxRecoveries}
     * times. Answers whether it was handed over.
     */
    Uni<Boolean> recover(UUID streamId, Instant staleBefore, int maxRecoveries) {
        return outbox.transaction(() -> activeRuns.locked(streamId, (task, run) -> {
            if (run.runStatus() != RunStatus.ACTIVE || !run.silentSince(staleBefore) || run.recoveries >= maxRecoveries) {
                return Uni.createFrom().item(false);
            }
            run.handBack();
            task.runRequested();
            return eventLog.requestRun(task, run.id).replaceWith(true);
        })).map(handedOver -> handedOver != null && handedOver);
    }
}
