package dev.relay.task.budgets;

import dev.relay.common.persistence.UncachedPlan;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.FlushModeType;

import org.hibernate.reactive.mutiny.Mutiny;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * What this service's runs spent and hold reserved against each budget account (the organization, the user, the
 * project) in each window, and each admitted run's reservation. Windows are rows keyed by their start; nothing is
 * reset in place. Whoever changes a holder's accounts locks them first ({@link #lock}), always in one order. The
 * tables are written by native statements only, so their reads do not flush the caller's session (its unwritten
 * changes never concern them; flushed early, its task and run would be written twice).
 */
@ApplicationScoped
class BudgetAccountRepository {

    /** The accounts of a holder: the organization's, the user's and, when the task has one, the project's. */
    private static final String HOLDER = """
            org = (:org) AND window_start = :window AND ((scope = 'org' AND subject = '') OR (scope = 'user' AND subject = :user)
                OR (scope = 'project' AND subject = CAST(:project AS text)))""";

    /** A run's reservation: how many tokens it holds, in which window's accounts. */
    public record Reservation(UUID runId, BudgetHolder holder, Instant windowStart, long tokens) {
    }

    /** Spent and reserved of one account. */
    public record Figures(long spent, long reserved) {
    }

    /**
     * Makes the holder's accounts of the window exist and locks them until the transaction ends; answers their figures
     * by scope.
     */
    public Uni<Map<BudgetScope, Figures>> lock(BudgetHolder holder, Instant window) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                        INSERT INTO {h-schema}budget_account (org, scope, subject, window_start)
                        SELECT :org, scope, subject, :window FROM (VALUES ('org', ''), ('user', :user), ('project', CAST(:project AS text)))
                            AS holder (scope, subject)
                        WHERE subject IS NOT NULL
                        ON CONFLICT DO NOTHING""")
                .setParameter("org", holder.org()).setParameter("window", window).setParameter("user", holder.user())
                .setParameter("project", holder.project())
                .executeUpdate()
                .chain(() -> select(session, holder, window, " ORDER BY scope FOR UPDATE")));
    }

    @SuppressWarnings("unchecked")
    private static Uni<Map<BudgetScope, Figures>> select(Mutiny.Session session, BudgetHolder holder, Instant window, String suffix) {
        return session.createNativeQuery("SELECT scope, spent, reserved FROM {h-schema}budget_account WHERE " + HOLDER + suffix, Object[].class)
                .setParameter("org", UncachedPlan.bind(holder.org())).setParameter("window", window).setParameter("user", holder.user())
                .setParameter("project", holder.project())
                .setFlushMode(FlushModeType.COMMIT)
                .getResultList()
                .map(rows -> {
                    Map<BudgetScope, Figures> figures = new HashMap<>();
                    for (Object[] row : (List<Object[]>) (List<?>) rows) {
                        figures.put(scope((String) row[0]), new Figures(((Number) row[1]).longValue(), ((Number) row[2]).longValue()));
                    }
                    return figures;
                });
    }

    /** The holder's accounts of the window by scope, as they are (not locked; those that do not exist are left out). */
    public Uni<Map<BudgetScope, Figures>> figures(BudgetHolder holder, Instant window) {
        return Panache.getSession().chain(session -> select(session, holder, window, ""));
    }

    /** Adds {@code spent} and {@code reserved} (either may be negative) to each of the holder's (locked) accounts. */
    public Uni<Void> add(BudgetHolder holder, Instant window, long spent, long reserved) {
        if (spent == 0 && reserved == 0) {
            return Uni.createFrom().voidItem();
        }
        return Panache.getSession().chain(session -> session.createNativeQuery("UPDATE {h-schema}budget_account SET spent = spent + :spent, "
                        + "reserved = greatest(0, reserved + :reserved) WHERE " + HOLDER)
                .setParameter("spent", spent).setParameter("reserved", reserved)
                .setParameter("org", holder.org()).setParameter("window", window).setParameter("user", holder.user())
                .setParameter("project", holder.project())
                .executeUpdate().replaceWithVoid());
    }

    public Uni<Void> reserve(Reservation reservation, Instant expiresAt) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                        INSERT INTO {h-schema}budget_reservation (run_id, org, user_email, project_id, window_start, tokens, expires_at)
                        VALUES (:run, :org, :user, CAST(:project AS text), :window, :tokens, :expires)""")
                .setParameter("run", reservation.runId()).setParameter("org", reservation.holder().org())
                .setParameter("user", reservation.holder().user()).setParameter("project", reservation.holder().project())
                .setParameter("window", reservation.windowStart()).setParameter("tokens", reservation.tokens())
                .setParameter("expires", expiresAt)
                .executeUpdate().replaceWithVoid());
    }

    /** The run's reservation, locked; null when it has none (left). */
    public Uni<Reservation> reservationOf(UUID runId) {
        return reservationOf(runId, " FOR UPDATE");
    }

    /** The run's reservation as it is, not locked (to learn which accounts to lock first); null when it has none. */
    public Uni<Reservation> peekReservation(UUID runId) {
        return reservationOf(runId, "");
    }

    private Uni<Reservation> reservationOf(UUID runId, String lock) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                        SELECT org, user_email, project_id, window_start, tokens FROM {h-schema}budget_reservation
                        WHERE run_id = (:run)""" + lock, Object[].class)
                .setParameter("run", UncachedPlan.bind(runId)).setFlushMode(FlushModeType.COMMIT).getResultList()
                .map(rows -> rows.isEmpty() ? null : reservation(runId, rows.get(0))));
    }

    /** Sets the run's (locked) reservation to {@code tokens}, to be released after {@code expiresAt}. */
    public Uni<Void> resize(UUID runId, long tokens, Instant expiresAt) {
        return Panache.getSession().chain(session -> session.createNativeQuery(
                        "UPDATE {h-schema}budget_reservation SET tokens = :tokens, expires_at = :expires WHERE run_id = :run")
                .setParameter("tokens", tokens).setParameter("expires", expiresAt).setParameter("run", runId)
                .executeUpdate().replaceWithVoid());
    }

    /** Lowers the run's reservation to {@code tokens}; at 0 it is gone. */
    public Uni<Void> setReserved(UUID runId, long tokens) {
        return Panache.getSession().chain(session -> (tokens > 0
                ? session.createNativeQuery("UPDATE {h-schema}budget_reservation SET tokens = :tokens WHERE run_id = :run")
                        .setParameter("tokens", tokens)
                : session.createNativeQuery("DELETE FROM {h-schema}budget_reservation WHERE run_id = :run"))
                .setParameter("run", runId).executeUpdate().replaceWithVoid());
    }

    /** Up to {@code limit} runs whose reservations expired before {@code now}. */
    public Uni<List<UUID>> expired(Instant now, int limit) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                        SELECT run_id FROM {h-schema}budget_reservation WHERE expires_at < :now ORDER BY expires_at LIMIT (:limit)""", UUID.class)
                .setParameter("now", now).setParameter("limit", UncachedPlan.bind(limit)).getResultList());
    }

    private static Reservation reservation(UUID runId, Object[] row) {
        Object at = row[3];
        Instant window = at instanceof Instant instant ? instant : ((OffsetDateTime) at).toInstant();
        return new Reservation(runId, new BudgetHolder((String) row[0], (String) row[1], (String) row[2]), window,
                ((Number) row[4]).longValue());
    }

    private static BudgetScope scope(String value) {
        for (BudgetScope scope : BudgetScope.values()) {
            if (scope.value().equals(value)) {
                return scope;
            }
        }
        throw new IllegalStateException("unknown budget scope " + value);
    }
}
