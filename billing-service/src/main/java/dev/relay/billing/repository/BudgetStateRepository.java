package dev.relay.billing.repository;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import dev.relay.common.persistence.UncachedPlan;
import dev.relay.common.budget.BudgetWindow;
import dev.relay.common.event.BudgetStateChanged;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/** What a published budget state is made of, besides the budget itself: versions, caps with their consumption. */
@ApplicationScoped
public class BudgetStateRepository {

    /** The organization's next state version; holds the organization's publication lock until the transaction ends. */
    public Uni<Long> nextVersion(String org) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                        INSERT INTO {h-schema}budget_publication (org, version) VALUES (:org, 1)
                        ON CONFLICT (org) DO UPDATE SET version = budget_publication.version + 1, pending = false""")
                .setParameter("org", org).executeUpdate()
                .chain(() -> session.createNativeQuery("SELECT version FROM {h-schema}budget_publication WHERE org = (:org)", Long.class)
                        .setParameter("org", UncachedPlan.bind(org)).getSingleResult()));
    }

    /** Up to {@code limit} organizations whose usage was metered since their last published state. */
    public Uni<List<String>> pending(int limit) {
        return Panache.getSession().chain(session -> session.createNativeQuery(
                        "SELECT org FROM {h-schema}budget_publication WHERE pending LIMIT (:limit)", String.class)
                .setParameter("limit", UncachedPlan.bind(limit)).getResultList());
    }

    /** The organization's caps of {@code scope} (user or project), each with what its subject consumed in the window. */
    @SuppressWarnings("unchecked")
    public Uni<List<BudgetStateChanged.Cap>> caps(String org, String scope, BudgetWindow window) {
        String subject = "user".equals(scope) ? "u.user_email" : "u.project_id";
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                        SELECT c.subject, c.limit_tokens, coalesce(sum(u.neo_tokens), 0)
                        FROM {h-schema}spending_cap c
                        LEFT JOIN {h-schema}usage_entry u ON u.org = c.org AND %s = c.subject
                            AND u.reported_at >= :from AND u.reported_at < :to
                        WHERE c.org = (:org) AND c.scope = :scope
                        GROUP BY c.subject, c.limit_tokens ORDER BY c.subject""".formatted(subject), Object[].class)
                .setParameter("org", UncachedPlan.bind(org)).setParameter("scope", scope).setParameter("from", window.start())
                .setParameter("to", window.endOrFarFuture())
                .getResultList()
                .map(rows -> ((List<Object[]>) (List<?>) rows).stream().map(row -> new BudgetStateChanged.Cap((String) row[0],
                        ((Number) row[1]).longValue(), ((Number) row[2]).longValue())).toList()));
    }
}
