package dev.relay.billing.repository;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.relay.billing.domain.Bonus;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class BonusRepository implements PanacheRepositoryBase<Bonus, UUID> {

    /** The organization's bonuses that have not expired at {@code now}. */
    public Uni<List<Bonus>> active(String org, Instant now) {
        return list("org = ?1 and expiresAt > ?2", org, now);
    }

    /** The tokens of the organization's bonuses that have not expired at {@code now}. */
    public Uni<Long> activeTokens(String org, Instant now) {
        return find("select coalesce(sum(b.tokens), 0) from Bonus b where b.org = ?1 and b.expiresAt > ?2", org, now)
                .project(Long.class).singleResult();
    }
}
