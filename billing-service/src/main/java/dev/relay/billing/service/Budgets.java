package dev.relay.billing.service;

import java.time.Clock;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import dev.relay.billing.domain.Bonus;
import dev.relay.billing.domain.BudgetState;
import dev.relay.billing.domain.WindowKind;
import dev.relay.billing.repository.BonusRepository;
import dev.relay.billing.repository.BudgetRepository;
import dev.relay.billing.repository.SpendingCapRepository;
import dev.relay.billing.repository.UsageRepository;
import dev.relay.common.auth.Caller;
import dev.relay.common.budget.BudgetWindow;
import dev.relay.common.error.ApiException;
import dev.relay.common.messaging.Outbox;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * Organizations' Neo-token budgets: read by any member, set by the organization's admins (a token whose
 * {@code groups} has {@code admin}); every change publishes the organization's new state. Another organization's budget is 404; a member who is not an admin gets 403.
 */
@ApplicationScoped
public class Budgets {

    private final BudgetRepository budgets;
    private final BonusRepository bonuses;
    private final SpendingCapRepository caps;
    private final UsageRepository usage;
    private final Clock clock;
    private final BudgetPublisher publisher;
    private final Outbox outbox;

    public Budgets(BudgetRepository budgets, BonusRepository bonuses, SpendingCapRepository caps, UsageRepository usage, Clock clock,
            BudgetPublisher publisher, Outbox outbox) {
        this.publisher = publisher;
        this.outbox = outbox;
        this.budgets = budgets;
        this.bonuses = bonuses;
        this.caps = caps;
        this.usage = usage;
        this.clock = clock;
    }

    /** Where the organization's budget stands now; 404 when no cap applies to it. */
    public Uni<BudgetState> state(Caller caller, String org) {
        member(caller, org);
        Instant now = clock.instant();
        return Panache.withSession(() -> budgets.findById(org).chain(budget -> {
            if (budget == null) {
                throw ApiException.notFound("no Neo-token cap applies to organization '" + org + "'");
            }
            BudgetWindow window = budget.windowAt(now);
            return bonuses.activeTokens(org, now).chain(bonus -> usage.consumed(org, window)
                    .map(consumed -> new BudgetState(WindowKind.of(budget.windowKind), budget.baseAllowance,
                            budget.baseAllowance + bonus, consumed, window)));
        }));
    }

    /** Sets the organization's budget; a change keeps the current window and what it consumed. */
    public Uni<BudgetState> put(Caller caller, String org, WindowKind kind, long baseAllowance, int windowDays) {
        admin(caller, org);
        Instant now = clock.instant();
        return outbox.transaction(() -> budgets.upsert(org, kind.value(), baseAllowance, windowDays, now).call(() -> publisher.publish(org)))
                .chain(() -> state(caller, org));
    }

    /** Removes the organization's cap: its budget reads 404 again; its usage history stays. */
    public Uni<Void> delete(Caller caller, String org) {
        admin(caller, org);
        // one statement: concurrent deletes answer 404 but for one
        return outbox.transaction(() -> budgets.delete("org", org).chain(deleted -> {
            if (deleted == 0) {
                throw ApiException.notFound("no Neo-token cap applies to organization '" + org + "'");
            }
            return publisher.publish(org);
        }));
    }

    /** Grants extra tokens until {@code expiresAt} (which must be ahead). */
    public Uni<Bonus> grantBonus(Caller caller, String org, long tokens, Instant expiresAt) {
        admin(caller, org);
        Instant now = clock.instant();
        if (!expiresAt.isAfter(now)) {
            throw ApiException.invalidRequest("field 'expiresAt' must be in the future, got '" + expiresAt + "'");
        }
        Bonus bonus = Bonus.grant(org, tokens, expiresAt, now);
        return outbox.transaction(() -> bonuses.persist(bonus).call(() -> publisher.publish(org)));
    }

    /** Sets the per-window cap of one user ({@code scope} user) or project ({@code scope} project) of the organization. */
    public Uni<Void> putCap(Caller caller, String org, String scope, String subject, long limitTokens) {
        admin(caller, org);
        return outbox.transaction(() -> caps.put(org, scope, subject, limitTokens, clock.instant()).call(() -> publisher.publish(org)));
    }

    private static void member(Caller caller, String org) {
        if (!caller.org().equals(org)) {
            throw ApiException.notFound("organization '" + org + "' not found");
        }
    }

    private static void admin(Caller caller, String org) {
        member(caller, org);
        caller.requireAdmin("change its budget");
    }
}
