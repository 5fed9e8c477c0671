package dev.relay.common.event;

import dev.relay.common.budget.NeoPricing;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The event records Jackson writes in the outbox and reads in the consumers, outside the REST layer where Quarkus
 * finds JSON types itself: registered for reflection so a native image can still (de)serialize them.
 */
@RegisterForReflection(targets = {
        TaskEvent.class, ApiKeyChanged.class, RunRequested.class, ScheduleFired.class, ScheduleRequested.class,
        ScheduledRunReported.class, ScheduleChanged.class, ScheduleChanged.ExecutionState.class,
        BudgetStateChanged.class, BudgetStateChanged.Allowance.class, BudgetStateChanged.Bonus.class,
        BudgetStateChanged.Cap.class, NeoPricing.class, NeoPricing.Weight.class })
final class EventReflection {

    private EventReflection() {
    }
}
