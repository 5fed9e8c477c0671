package dev.relay.billing.service;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import dev.relay.billing.domain.GroupBy;
import dev.relay.billing.domain.UsageGroup;
import dev.relay.billing.repository.BudgetRepository;
import dev.relay.billing.repository.UsageRepository;
import dev.relay.common.auth.Caller;
import dev.relay.common.budget.BudgetWindow;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/** The caller's organization's usage, summed by day, model, user, project or task. */
@ApplicationScoped
public class UsageQueries {

    private static final Instant BEGINNING = Instant.EPOCH;

    private final UsageRepository usage;
    private final BudgetRepository budgets;
    private final Clock clock;

    public UsageQueries(UsageRepository usage, BudgetRepository budgets, Clock clock) {
        this.usage = usage;
        this.budgets = budgets;
        this.clock = clock;
    }

    /**
     * Whose usage a caller reads by {@code groupBy}: by user or by task, a member only its own (the groups would name
     * every member and every task, private ones too); an admin, and every caller by day, model or project, everyone's.
     */
    private static String ownOnly(Caller caller, GroupBy groupBy) {
        return !caller.isAdmin() && (groupBy == GroupBy.USER || groupBy == GroupBy.TASK) ? caller.email() : null;
    }

    /**
     * Usage from {@code from} until {@code to}; without them, the current window of the organization's budget (all
     * usage until now when it has none).
     */
    public Uni<List<UsageGroup>> grouped(Caller caller, Instant from, Instant to, GroupBy groupBy) {
        Instant now = clock.instant();
        return Panache.withSession(() -> budgets.findById(caller.org()).chain(budget -> {
            BudgetWindow window = budget == null ? new BudgetWindow(BEGINNING, null) : budget.windowAt(now);
            Instant start = from != null ? from : window.start();
            Instant end = to != null ? to : window.end() == null ? now.plusSeconds(1) : window.end();
            return usage.grouped(caller.org(), start, end, groupBy, ownOnly(caller, groupBy));
        }));
    }
}
