package dev.relay.task.run;

import dev.relay.common.event.TaskEventData;

import jakarta.enterprise.context.ApplicationScoped;

import dev.relay.common.messaging.Outbox;
import dev.relay.task.budgets.Admission;
import dev.relay.task.budgets.BudgetAdmission;
import dev.relay.task.task.TaskEventLog;
import dev.relay.task.task.TaskRun;
import io.smallrye.mutiny.Uni;

/** What a run's model calls use: reported ({@code usage.reported}), counted against its budget, and its brake. */
@ApplicationScoped
class RunUsage {

    private final ActiveRuns activeRuns;
    private final Outbox outbox;
    private final TaskEventLog eventLog;
    private final BudgetAdmission budget;
    private final RunEndings endings;

    RunUsage(ActiveRuns activeRuns, Outbox outbox, TaskEventLog eventLog, BudgetAdmission budget, RunEndings endings) {
        this.activeRuns = activeRuns;
        this.outbox = outbox;
        this.eventLog = eventLog;
        this.budget = budget;
        this.endings = endings;
    }

    /**
     * Reports what one model call used and counts it against the run's budget, as the billing ledger prices it.
     */
    Uni<Boolean> report(TaskRun claimed, String model, int inputTokens, int outputTokens, String servedBy) {
        return activeRuns.applied(claimed, (task, run) -> {
            run.used(inputTokens, outputTokens);
            return eventLog.append(task, run.id, TaskEventData.UsageReported.of(model, inputTokens, outputTokens, task.createdBy,
                            task.budgetHolder().project(), servedBy))
                    // the task counts Neo tokens, priced as the billing ledger prices this usage
                    .chain(() -> budget.settle(task.budgetHolder(), run.id, model, inputTokens, outputTokens))
                    .invoke(neoTokens -> task.used(inputTokens, neoTokens))
                    .replaceWithVoid();
        });
    }

    /**
     * Stops the run, as failed with the limit's refusal code, when a limit of its budget is used up (by this run's
     * usage, other runs', or a lower allowance); answers whether it stopped it.
     */
    Uni<Boolean> stopIfBudgetUsedUp(ClaimedRun claimed) {
        return outbox.transaction(() -> budget.exhausted(claimed.holder())).chain(line -> line == null ? Uni.createFrom().item(false)
                : endings.fail(claimed.run(), Admission.refusalMessage(line), line.scope().refusalCode()).replaceWith(true));
    }
}
