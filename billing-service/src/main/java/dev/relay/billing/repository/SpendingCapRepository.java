package dev.relay.billing.repository;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/** Per-window limits of one user or project of an organization. */
@ApplicationScoped
public class SpendingCapRepository {

    /** Sets the cap of {@code subject} ({@code scope} user or project), replacing the one it had. */
    public Uni<Void> put(String org, String scope, String subject, long limitTokens, Instant now) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                        INSERT INTO {h-schema}spending_cap (org, scope, subject, limit_tokens, updated_at)
                        VALUES (:org, :scope, :subject, :limit, :now)
                        ON CONFLICT (org, scope, subject) DO UPDATE SET limit_tokens = EXCLUDED.limit_tokens, updated_at = EXCLUDED.updated_at""")
                .setParameter("org", org).setParameter("scope", scope).setParameter("subject", subject)
                .setParameter("limit", limitTokens).setParameter("now", now)
                .executeUpdate().replaceWithVoid());
    }
}
