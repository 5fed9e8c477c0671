package dev.relay.billing.repository;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import dev.relay.billing.domain.Budget;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class BudgetRepository implements PanacheRepositoryBase<Budget, String> {

    /**
     * Sets the organization's budget in one statement, so concurrent first PUTs cannot collide: a new budget's
     * windows start {@code now}; an existing one keeps its start (and so its current window's consumption).
     */
    public Uni<Void> upsert(String org, String windowKind, long baseAllowance, int windowDays, Instant now) {
        return getSession().chain(session -> session.createNativeQuery("""
                        INSERT INTO {h-schema}budget (org, window_kind, base_allowance, window_days, window_start, created_at, updated_at)
                        VALUES (:org, :kind, :allowance, :days, :now, :now, :now)
                        ON CONFLICT (org) DO UPDATE SET window_kind = EXCLUDED.window_kind, base_allowance = EXCLUDED.base_allowance,
                            window_days = EXCLUDED.window_days, updated_at = EXCLUDED.updated_at""")
                .setParameter("org", org).setParameter("kind", windowKind).setParameter("allowance", baseAllowance)
                .setParameter("days", windowDays).setParameter("now", now)
                .executeUpdate().replaceWithVoid());
    }
}
