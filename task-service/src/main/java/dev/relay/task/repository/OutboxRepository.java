package dev.relay.task.repository;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.relay.task.domain.OutboxEvent;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class OutboxRepository implements PanacheRepositoryBase<OutboxEvent, UUID> {

    /** Records still unsent that were written before {@code olderThan}, oldest first. */
    public Uni<List<OutboxEvent>> unpublished(Instant olderThan, int limit) {
        return find("publishedAt is null and createdAt < ?1", Sort.by("createdAt").and("id"), olderThan)
                .page(0, limit).list();
    }

    public Uni<Integer> markPublished(List<UUID> ids, Instant at) {
        return update("publishedAt = ?1 where id in ?2", at, ids);
    }
}
