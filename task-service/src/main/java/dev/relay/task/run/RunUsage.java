package dev.relay.task.run;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;

import jakarta.enterprise.context.ApplicationScoped;

import dev.relay.task.agent.AgentRuntime.Output;
import dev.relay.task.budgets.Admission;
import dev.relay.task.budgets.BudgetAdmission;
import dev.relay.task.budgets.BudgetCheck;
import dev.relay.task.budgets.BudgetConfig;
import dev.relay.task.task.TaskRun;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/** What a run's model calls use: reported ({@code usage.reported}), counted against its budget, and its brake. */
@ApplicationScoped
class RunUsage {

    /** The {@code run.failed} code of a run whose next model call would pass its {@code max_tokens}. */
    static final String MAX_TOKENS_REACHED = "max_tokens_reached";
    /** The {@code run.failed} code of a run whose next model call would pass its task's {@code task_max_tokens}. */
    static final String TASK_MAX_TOKENS_REACHED = "task_max_tokens_reached";

    /** The first pause of a model call waiting for budget held by other runs' reservations; it doubles up to the most. */
    private static final long FIRST_RETRY_MILLIS = 100;
    private static final long MOST_RETRY_MILLIS = 2000;

    private final ActiveRuns activeRuns;
    private final ModelCallUsage calls;
    private final BudgetAdmission budget;
    private final RunEndings endings;
    private final BudgetConfig budgetConfig;

    RunUsage(ActiveRuns activeRuns, ModelCallUsage calls, BudgetAdmission budget, RunEndings endings,
            BudgetConfig budgetConfig) {
        this.budgetConfig = budgetConfig;
        this.activeRuns = activeRuns;
        this.calls = calls;
        this.budget = budget;
        this.endings = endings;
    }

    /** Reports what one model call used in a transaction of its own, while the run is active ({@link ModelCallUsage}). */
    Uni<Boolean> report(TaskRun claimed, Output.Usage used) {
        return activeRuns.applied(claimed, (task, run) -> calls.record(task, run, used));
    }

    /**
     * Reserves the budget of the run's next model call ({@code promptTokens}: an upper bound of its prompt) and
     * answers how many output tokens it may produce, at most {@code maxOutput} and within the run's own
     * {@code max_tokens} too ({@code runTokens} used so far); 0 when not one fits, after the run was stopped as failed
     * with the limit's code.
     */
    Uni<Long> allowCall(ClaimedRun claimed, long promptTokens, long maxOutput, long runTokens, boolean budgeted) {
        TaskRun run = claimed.run();
        Long maxTokens = run.runConfig.maxTokens();
        long ownRoom = maxTokens == null ? Long.MAX_VALUE : maxTokens - runTokens - promptTokens;
        if (ownRoom < 1) {
            return endings.fail(run, "the run reached its max_tokens (" + maxTokens + " tokens: " + runTokens
                    + " used, and the next model call's prompt counts up to " + promptTokens + ")", MAX_TOKENS_REACHED).replaceWith(0L);
        }
        ClaimedRun.TaskTokens taskTokens = claimed.taskTokens();
        if (taskTokens != null) {
            long taskRoom = taskTokens.room(runTokens, promptTokens);
            if (taskRoom < 1) {
                return endings.fail(run, "the task reached its task_max_tokens (" + taskTokens.max() + " tokens: "
                        + (taskTokens.usedByOtherRuns() + runTokens) + " used by its runs, and the next model call's prompt counts up to "
                        + promptTokens + ")", TASK_MAX_TOKENS_REACHED).replaceWith(0L);
            }
            ownRoom = Math.min(ownRoom, taskRoom);
        }
        if (!budgeted) {
            // no budget when the run last looked (at its start, then every budget-check-interval): nothing to reserve
            return Uni.createFrom().item(Math.min(maxOutput, ownRoom));
        }
        Context context = Vertx.currentContext();
        return allowCall(claimed, promptTokens, Math.min(maxOutput, ownRoom), System.nanoTime() + budgetConfig.callWait().toNanos(),
                command -> context.runOnContext(ignored -> command.run()), 0);
    }

    /** Tries until {@code giveUpAt} (nano time) while other runs' reservations hold the room the call needs. */
    private Uni<Long> allowCall(ClaimedRun claimed, long promptTokens, long maxOutput, long giveUpAt, Executor runContext, int tries) {
        TaskRun run = claimed.run();
        // under the task's lock, as every writer of the run: a run cancelled meanwhile reserves nothing
        return activeRuns.whileActive(run, (task, active) -> budget.allowCall(claimed.holder(), run.id, run.runConfig.model(),
                promptTokens, maxOutput)).chain(allowance -> {
            if (allowance == null) {
                return Uni.createFrom().item(0L);
            }
            if (!allowance.refused()) {
                return Uni.createFrom().item(allowance.maxOutputTokens());
            }
            if (allowance.othersHold() && System.nanoTime() < giveUpAt) {
                return Uni.createFrom().voidItem().onItem().delayIt().by(retryPause(tries)).emitOn(runContext)
                        .chain(() -> allowCall(claimed, promptTokens, maxOutput, giveUpAt, runContext, tries + 1));
            }
            return endings.fail(run, Admission.callRefusalMessage(allowance.refusedBy(), promptTokens),
                    allowance.refusedBy().scope().refusalCode()).replaceWith(0L);
        });
    }

    /** Doubling pauses with jitter: many runs waiting for the same accounts do not all lock them at once. */
    private static Duration retryPause(int tries) {
        long pause = Math.min(MOST_RETRY_MILLIS, FIRST_RETRY_MILLIS << Math.min(tries, 5));
        return Duration.ofMillis(pause / 2 + ThreadLocalRandom.current().nextLong(pause / 2 + 1));
    }

    /**
     * Stops the run, as failed with the limit's refusal code, when a limit of its budget is used up (by this run's
     * usage, other runs', or a lower allowance); answers what it found (stopped when a limit is exhausted).
     */
    Uni<BudgetCheck> stopIfBudgetUsedUp(ClaimedRun claimed) {
        // read only: a session without a transaction of its own
        return Panache.withSession(() -> budget.check(claimed.holder())).call(check -> check.exhausted() == null ? Uni.createFrom().voidItem()
                : endings.fail(claimed.run(), Admission.refusalMessage(check.exhausted()), check.exhausted().scope().refusalCode()));
    }
}
