package dev.relay.task.run;

import dev.relay.common.event.TaskEventData;

import java.time.Duration;
import java.util.concurrent.Executor;

import jakarta.enterprise.context.ApplicationScoped;

import dev.relay.common.messaging.Outbox;
import dev.relay.task.budgets.Admission;
import dev.relay.task.budgets.BudgetAdmission;
import dev.relay.task.budgets.BudgetConfig;
import dev.relay.task.task.TaskEventLog;
import dev.relay.task.task.TaskRun;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/** What a run's model calls use: reported ({@code usage.reported}), counted against its budget, and its brake. */
@ApplicationScoped
class RunUsage {

    /** How often a model call waiting for budget held by other runs' reservations tries again. */
    private static final Duration CALL_RETRY_PAUSE = Duration.ofMillis(100);

    private final ActiveRuns activeRuns;
    private final Outbox outbox;
    private final TaskEventLog eventLog;
    private final BudgetAdmission budget;
    private final RunEndings endings;
    private final BudgetConfig budgetConfig;

    RunUsage(ActiveRuns activeRuns, Outbox outbox, TaskEventLog eventLog, BudgetAdmission budget, RunEndings endings,
            BudgetConfig budgetConfig) {
        this.budgetConfig = budgetConfig;
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
     * Reserves the budget of the run's next model call ({@code promptTokens}: an upper bound of its prompt) and
     * answers how many output tokens it may produce ({@link Long#MAX_VALUE}: no limit); 0 when not one fits, after the
     * run was stopped as failed with the limit's refusal code.
     */
    Uni<Long> allowCall(ClaimedRun claimed, long promptTokens) {
        Context context = Vertx.currentContext();
        return allowCall(claimed, promptTokens, System.nanoTime() + budgetConfig.callWait().toNanos(),
                command -> context.runOnContext(ignored -> command.run()));
    }

    /** Tries until {@code giveUpAt} (nano time) while other runs' reservations hold the room the call needs. */
    private Uni<Long> allowCall(ClaimedRun claimed, long promptTokens, long giveUpAt, Executor runContext) {
        TaskRun run = claimed.run();
        return outbox.transaction(() -> budget.allowCall(claimed.holder(), run.id, run.runConfig.model(), promptTokens)).chain(allowance -> {
            if (!allowance.refused()) {
                return Uni.createFrom().item(allowance.maxOutputTokens());
            }
            if (allowance.othersHold() && System.nanoTime() < giveUpAt) {
                return Uni.createFrom().voidItem().onItem().delayIt().by(CALL_RETRY_PAUSE).emitOn(runContext)
                        .chain(() -> allowCall(claimed, promptTokens, giveUpAt, runContext));
            }
            return endings.fail(run, Admission.callRefusalMessage(allowance.refusedBy(), promptTokens),
                    allowance.refusedBy().scope().refusalCode()).replaceWith(0L);
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
