package dev.relay.task.budgets;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import dev.relay.common.event.BudgetStateChanged;
import dev.relay.common.event.Topics;
import dev.relay.common.messaging.IdempotentConsumer;
import io.smallrye.mutiny.Uni;

/** Keeps each organization's newest budget state, which runs are admitted against; idempotent by version. */
@ApplicationScoped
public class BudgetStateConsumer {

    private static final String CONSUMER = "task-service-budgets";

    private final BudgetAdmission budget;
    private final IdempotentConsumer consumer;

    public BudgetStateConsumer(BudgetAdmission budget, IdempotentConsumer consumer) {
        this.budget = budget;
        this.consumer = consumer;
    }

    @Incoming(Topics.BUDGET_STATES)
    public Uni<Void> onChange(String payload) {
        BudgetStateChanged state = consumer.read(payload, BudgetStateChanged.class);
        return consumer.idempotent(CONSUMER, () -> budget.keep(state)).replaceWithVoid();
    }
}
