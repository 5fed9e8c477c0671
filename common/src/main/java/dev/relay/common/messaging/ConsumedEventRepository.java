package dev.relay.common.messaging;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.relay.common.persistence.UncachedPlan;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/** The events each consumer has processed (table {@code consumed_event} in the service's own schema). */
@ApplicationScoped
public class ConsumedEventRepository {

    /**
     * Records that {@code consumer} processed these events, in the current transaction; answers those that were
     * new. One statement for the whole batch.
     */
    public Uni<Set<UUID>> claim(String consumer, List<UUID> eventIds) {
        if (eventIds.isEmpty()) {
            return Uni.createFrom().item(Set.of());
        }
        StringBuilder sql = new StringBuilder("INSERT INTO {h-schema}consumed_event (consumer, event_id, consumed_at) VALUES ");
        for (int i = 0; i < eventIds.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append("((:consumer), :id").append(i).append(", now())");
        }
        sql.append(" ON CONFLICT DO NOTHING RETURNING event_id");
        return Panache.getSession().chain(session -> {
            var query = session.createNativeQuery(sql.toString(), UUID.class).setParameter("consumer", UncachedPlan.bind(consumer));
            for (int i = 0; i < eventIds.size(); i++) {
                query.setParameter("id" + i, eventIds.get(i));
            }
            return query.getResultList();
        }).map(HashSet::new);
    }

    /** Forgets up to {@code limit} events processed before {@code cutoff}; answers how many. */
    public Uni<Integer> forgetBefore(Instant cutoff, int limit) {
        return Panache.withTransaction(() -> Panache.getSession().chain(session -> session.createNativeQuery("""
                        DELETE FROM {h-schema}consumed_event WHERE ctid = ANY (ARRAY(
                            SELECT ctid FROM {h-schema}consumed_event WHERE consumed_at < :cutoff LIMIT :limit))""")
                .setParameter("cutoff", cutoff)
                .setParameter("limit", limit)
                .executeUpdate()));
    }
}
