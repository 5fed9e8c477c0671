package dev.relay.common.messaging;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class OutboxRepository implements PanacheRepositoryBase<OutboxRecord, UUID> {

    /** Records still unsent that were written before {@code olderThan}, oldest first. */
    public Uni<List<OutboxRecord>> unsent(Instant olderThan, int limit) {
        return find("publishedAt is null and createdAt < ?1", Sort.by("createdAt").and("id"), olderThan)
                .page(0, limit).list();
    }

    public Uni<Integer> markSent(Collection<UUID> ids, Instant at) {
        return update("publishedAt = ?1 where id in ?2 and publishedAt is null", at, ids);
    }

    public Uni<Long> deleteSentBefore(Instant before) {
        return delete("publishedAt < ?1", before);
    }
}
