package dev.relay.billing.service;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import dev.relay.common.lifecycle.StartingOrStopping;
import dev.relay.common.reactive.InTurn;
import dev.relay.billing.config.BillingConfig;
import dev.relay.billing.domain.Budget;
import dev.relay.billing.repository.BonusRepository;
import dev.relay.billing.repository.BudgetRepository;
import dev.relay.billing.repository.BudgetStateRepository;
import dev.relay.billing.repository.UsageRepository;
import dev.relay.common.budget.BudgetWindow;
import dev.relay.common.budget.NeoPricing;
import dev.relay.common.event.BudgetStateChanged;
import dev.relay.common.event.Topics;
import dev.relay.common.messaging.Outbox;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;

/**
 * Publishes where an organization's budget stands (topic {@value Topics#BUDGET_STATES}) after everything that moves
 * it: a change of its budget, bonuses or caps (in the change's transaction) and, shortly after, metered usage. The
 * task service admits runs against the newest state it has; the state's version puts them in order.
 */
@ApplicationScoped
public class BudgetPublisher {

    private static final String USER = "user";
    private static final String PROJECT = "project";
    private static final int PENDING_BATCH = 500;

    private final BudgetRepository budgets;
    private final BonusRepository bonuses;
    private final BudgetStateRepository states;
    private final UsageRepository usage;
    private final Outbox outbox;
    private final NeoPricing pricing;
    private final Clock clock;

    public BudgetPublisher(BudgetRepository budgets, BonusRepository bonuses, BudgetStateRepository states, UsageRepository usage,
            Outbox outbox, BillingConfig config, Clock clock) {
        this.budgets = budgets;
        this.bonuses = bonuses;
        this.states = states;
        this.usage = usage;
        this.outbox = outbox;
        this.clock = clock;
        Map<String, NeoPricing.Weight> weights = config.weights().entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey,
                entry -> new NeoPricing.Weight(entry.getValue().input(), entry.getValue().output())));
        this.pricing = new NeoPricing(config.defaultInputWeight(), config.defaultOutputWeight(), weights);
    }

    /** How model tokens are priced in Neo tokens (from the configuration). */
    public NeoPricing pricing() {
        return pricing;
    }

    /** Publishes the organization's state, in the caller's {@link Outbox#transaction}. */
    public Uni<Void> publish(String org) {
        Instant now = clock.instant();
        return states.nextVersion(org).chain(version -> budgets.findById(org).chain(budget -> {
            // without a budget the caps count over one window that never ends
            Instant origin = budget == null ? Instant.EPOCH : budget.windowStart;
            int days = budget == null ? 0 : budget.windowDays;
            BudgetWindow window = BudgetWindow.at(origin, days, now);
            return allowance(budget, window, now).chain(allowance -> states.caps(org, USER, window)
                    .chain(userCaps -> states.caps(org, PROJECT, window).map(projectCaps -> new BudgetStateChanged(UUID.randomUUID(),
                            org, version, origin, days, window.start(), allowance, userCaps, projectCaps, pricing, now))));
        })).chain(state -> outbox.add(Topics.BUDGET_STATES, org, state.eventId(), state));
    }

    /**
     * Publishes a new state of each organization whose usage was metered since its last one: at most one state per
     * organization per {@code relay.billing.publish-interval}, however many batches were metered. The mark is set
     * in the metering statement itself, so a crash loses none.
     */
    @Scheduled(every = "{relay.billing.publish-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = StartingOrStopping.class)
    Uni<Void> publishPending() {
        return Panache.withSession(() -> states.pending(PENDING_BATCH))
                .chain(orgs -> InTurn.each(orgs, org -> outbox.transaction(() -> publish(org))));
    }

    private Uni<BudgetStateChanged.Allowance> allowance(Budget budget, BudgetWindow window, Instant now) {
        if (budget == null) {
            return Uni.createFrom().nullItem();
        }
        return bonuses.active(budget.org, now).chain(active -> usage.consumed(budget.org, window).map(consumed -> {
            List<BudgetStateChanged.Bonus> granted = active.stream()
                    .map(bonus -> new BudgetStateChanged.Bonus(bonus.tokens, bonus.expiresAt)).toList();
            return new BudgetStateChanged.Allowance(budget.windowKind, budget.baseAllowance, granted, consumed);
        }));
    }
}
