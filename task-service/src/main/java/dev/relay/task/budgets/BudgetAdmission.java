package dev.relay.task.budgets;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.relay.common.budget.BudgetWindow;
import dev.relay.common.budget.NeoPricing;
import dev.relay.common.event.BudgetStateChanged;
import dev.relay.task.budgets.BudgetAccountRepository.Figures;
import dev.relay.task.budgets.BudgetAccountRepository.Reservation;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * Admits runs against their organization's budget without asking the billing service: from the newest state it
 * published (allowance, caps, their consumption as metered) and this service's own accounts (what its runs spent
 * since, what admitted runs hold reserved). Admission locks the holder's accounts, so creates that arrive together
 * are decided one after another and cannot all take the same headroom; the reservation is settled by the run's
 * usage and released when the run ends or it expires. Everything here joins the caller's transaction.
 */
@ApplicationScoped
public class BudgetAdmission {

    private final KnownBudgetStates states;
    private final BudgetAccountRepository accounts;
    private final BudgetConfig config;
    private final Clock clock;

    BudgetAdmission(KnownBudgetStates states, BudgetAccountRepository accounts, BudgetConfig config, Clock clock) {
        this.states = states;
        this.accounts = accounts;
        this.config = config;
        this.clock = clock;
    }

    /** Keeps the organization's state unless a newer one is kept already (states may come again, or out of order). */
    public Uni<Boolean> keep(BudgetStateChanged state) {
        return Panache.withTransaction(() -> states.keepIfNewer(state));
    }

    /** Decides whether run {@code runId} of the holder may start and, when it may, takes its reservation. */
    public Uni<Admission> admit(BudgetHolder holder, UUID runId) {
        Instant now = clock.instant();
        return states.find(holder.org()).chain(state -> {
            if (state == null) {
                return Uni.createFrom().item(Admission.UNLIMITED);
            }
            BudgetWindow window = state.windowAt(now);
            return accounts.lock(holder, window.start()).chain(figures -> {
                Admission admission = Admission.decide(lines(state, window, holder, figures, now), config.runEstimate(),
                        config.minimumHeadroom(), config.warnAt());
                if (!admission.admitted() || admission.reservedTokens() == 0) {
                    return Uni.createFrom().item(admission);
                }
                return accounts.add(holder, window.start(), 0, admission.reservedTokens())
                        .chain(() -> accounts.reserve(new Reservation(runId, holder, window.start(), admission.reservedTokens()),
                                now.plus(config.reservationTtl())))
                        .replaceWith(admission);
            });
        });
    }

    /**
     * Counts a run's usage (priced as billing prices it) against the holder's accounts and gives back what the run
     * held reserved (its call's reservation, or its admission's); runs in the caller's transaction, which also reports the usage, so it happens once.
     * Answers the usage in Neo tokens.
     */
    public Uni<Long> settle(BudgetHolder holder, UUID runId, String model, long inputTokens, long outputTokens) {
        Instant now = clock.instant();
        return states.find(holder.org()).chain(state -> {
            if (state == null) {
                return release(runId).replaceWith(NeoPricing.ONE_TO_ONE.neoTokens(model, inputTokens, outputTokens));
            }
            long tokens = state.pricing().neoTokens(model, inputTokens, outputTokens);
            Instant window = state.windowAt(now).start();
            return accounts.lock(holder, window).chain(() -> accounts.reservationOf(runId)).chain(reservation -> {
                Uni<Void> spent = accounts.add(holder, window, tokens, 0);
                if (reservation == null) {
                    return spent;
                }
                // what the call reserved is given back whole: the next call reserves what it may cost again
                return spent.chain(() -> accounts.add(reservation.holder(), reservation.windowStart(), 0, -reservation.tokens()))
                        .chain(() -> accounts.setReserved(runId, 0));
            }).replaceWith(tokens);
        });
    }

    /**
     * Reserves what run {@code runId}'s next model call may cost at most and answers how many output tokens it may
     * produce: the prompt ({@code promptTokens}, an upper bound of its size) is counted first, then as many output
     * tokens as the smallest headroom among the holder's limits leaves, the run's own reservation included, at most
     * {@code maxOutput}. The run's
     * reservation becomes exactly that cost (lowered or raised), so calls racing for the last tokens of a window can
     * never spend more than it holds. A holder without limits is answered {@code maxOutput}; when not one
     * output token fits, the limit that is short is answered and nothing is reserved.
     */
    public Uni<CallAllowance> allowCall(BudgetHolder holder, UUID runId, String model, long promptTokens, long maxOutput) {
        Instant now = clock.instant();
        return states.find(holder.org()).chain(state -> {
            if (state == null) {
                return Uni.createFrom().item(CallAllowance.of(maxOutput));
            }
            BudgetWindow window = state.windowAt(now);
            return accounts.lock(holder, window.start()).chain(figures -> accounts.reservationOf(runId).chain(reservation -> {
                Uni<Long> held = reservation == null ? Uni.createFrom().item(0L)
                        : reservation.windowStart().equals(window.start()) ? Uni.createFrom().item(reservation.tokens())
                        // reserved in a window that has ended: given back there first
                        : accounts.add(reservation.holder(), reservation.windowStart(), 0, -reservation.tokens())
                                .chain(() -> accounts.setReserved(runId, 0)).replaceWith(0L);
                return held.chain(own -> {
                    List<BudgetLine> lines = lines(state, window, holder, figures, now);
                    BudgetLine tightest = null;
                    for (BudgetLine line : lines) {
                        if (line.limited() && (tightest == null || line.headroom() < tightest.headroom())) {
                            tightest = line;
                        }
                    }
                    if (tightest == null) {
                        return accounts.add(holder, window.start(), 0, -own).chain(() -> accounts.setReserved(runId, 0))
                                .replaceWith(CallAllowance.of(maxOutput));
                    }
                    long available = tightest.headroom() + own;
                    long output = Math.min(maxOutput, state.pricing().outputTokensWithin(model, promptTokens, available));
                    if (output < 1) {
                        // room enough once the other runs' reservations settle: worth waiting for
                        long unreserved = tightest.limit() - tightest.used();
                        boolean othersHold = state.pricing().outputTokensWithin(model, promptTokens, unreserved) >= 1;
                        return Uni.createFrom().item(CallAllowance.refused(tightest, othersHold));
                    }
                    long cost = state.pricing().neoTokens(model, promptTokens, output);
                    Uni<Void> reserved = accounts.add(holder, window.start(), 0, cost - own);
                    return (own > 0 ? reserved.chain(() -> accounts.resize(runId, cost, now.plus(config.reservationTtl())))
                            : reserved.chain(() -> accounts.reserve(new Reservation(runId, holder, window.start(), cost),
                                    now.plus(config.reservationTtl()))))
                            .replaceWith(CallAllowance.of(output));
                });
            }));
        });
    }

    /** Releases what the run still holds reserved (it ended, or its reservation expired). */
    public Uni<Void> release(UUID runId) {
        // the accounts are locked before the reservation, in the order every writer uses
        return accounts.peekReservation(runId).chain(found -> found == null ? Uni.createFrom().voidItem()
                : accounts.lock(found.holder(), found.windowStart()).chain(() -> accounts.reservationOf(runId)).chain(reservation ->
                        reservation == null ? Uni.createFrom().voidItem()
                                : accounts.add(reservation.holder(), reservation.windowStart(), 0, -reservation.tokens())
                                        .chain(() -> accounts.setReserved(runId, 0))));
    }

    /**
     * Whether the holder has a budget, and the first of its limits that is used up (a run of the holder stops at its
     * next step), or null.
     */
    public Uni<BudgetCheck> check(BudgetHolder holder) {
        Instant now = clock.instant();
        return states.find(holder.org()).chain(state -> {
            if (state == null) {
                return Uni.createFrom().item(BudgetCheck.NO_BUDGET);
            }
            BudgetWindow window = state.windowAt(now);
            return accounts.figures(holder, window.start()).map(figures -> new BudgetCheck(true,
                    lines(state, window, holder, figures, now).stream().filter(BudgetLine::exhausted).findFirst().orElse(null)));
        });
    }

    private static List<BudgetLine> lines(BudgetStateChanged state, BudgetWindow window, BudgetHolder holder,
            Map<BudgetScope, Figures> figures, Instant now) {
        List<BudgetLine> lines = new ArrayList<>();
        BudgetStateChanged.Allowance allowance = state.allowance();
        lines.add(line(BudgetScope.ORG, "", allowance == null ? null : allowance.effectiveAt(now),
                allowance == null ? 0 : state.consumedIn(window, allowance.consumed()), figures));
        BudgetStateChanged.Cap userCap = state.userCapsBySubject().get(holder.user());
        lines.add(line(BudgetScope.USER, holder.user(), userCap == null ? null : userCap.limitTokens(),
                userCap == null ? 0 : state.consumedIn(window, userCap.consumed()), figures));
        if (holder.project() != null) {
            BudgetStateChanged.Cap projectCap = state.projectCapsBySubject().get(holder.project());
            lines.add(line(BudgetScope.PROJECT, holder.project(), projectCap == null ? null : projectCap.limitTokens(),
                    projectCap == null ? 0 : state.consumedIn(window, projectCap.consumed()), figures));
        }
        return lines;
    }

    private static BudgetLine line(BudgetScope scope, String subject, Long limit, long consumed, Map<BudgetScope, Figures> figures) {
        Figures own = figures.getOrDefault(scope, new Figures(0, 0));
        return new BudgetLine(scope, subject, limit, consumed, own.spent(), own.reserved());
    }
}
