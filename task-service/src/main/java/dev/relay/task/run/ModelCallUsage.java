package dev.relay.task.run;

import dev.relay.common.event.TaskEventData;

import jakarta.enterprise.context.ApplicationScoped;

import dev.relay.task.agent.AgentRuntime.Output;
import dev.relay.task.budgets.BudgetAdmission;
import dev.relay.task.task.Task;
import dev.relay.task.task.TaskEventLog;
import dev.relay.task.task.TaskRun;
import io.smallrye.mutiny.Uni;

/**
 * What one model call used, told in the caller's transaction under its task's lock: counted on the run and the task,
 * appended as {@code usage.reported}, and settled against the run's budget as the billing ledger prices it (which
 * gives back the call's reservation).
 */
@ApplicationScoped
class ModelCallUsage {

    private final TaskEventLog eventLog;
    private final BudgetAdmission budget;

    ModelCallUsage(TaskEventLog eventLog, BudgetAdmission budget) {
        this.eventLog = eventLog;
        this.budget = budget;
    }

    /** Records {@code used} (null: nothing to record). */
    Uni<Void> record(Task task, TaskRun run, Output.Usage used) {
        if (used == null) {
            return Uni.createFrom().voidItem();
        }
        run.used(used.inputTokens(), used.outputTokens());
        return eventLog.append(task, run.id, TaskEventData.UsageReported.of(used.model(), used.inputTokens(), used.outputTokens(),
                        task.createdBy, task.budgetHolder().project(), used.servedBy()))
                // the task counts Neo tokens, priced as the billing ledger prices this usage
                .chain(() -> budget.settle(task.budgetHolder(), run.id, used.model(), used.inputTokens(), used.outputTokens()))
                .invoke(neoTokens -> task.used(used.inputTokens(), neoTokens))
                .replaceWithVoid();
    }
}
