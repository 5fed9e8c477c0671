package dev.relay.common.messaging;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

@ApplicationScoped
public class OutboxRepository implements PanacheRepositoryBase<OutboxRecord, UUID> {

    private final Pool pool;
    private final String table;

    public OutboxRepository(Pool pool, @ConfigProperty(name = "quarkus.hibernate-orm.database.default-schema") Optional<String> schema) {
        this.pool = pool;
        this.table = schema.map(name -> name + ".").orElse("") + "outbox_event";
    }

    /** Records not yet acknowledged that were written before {@code olderThan}, oldest first. */
    public Uni<List<OutboxRecord>> unsent(Instant olderThan, int limit) {
        return find("createdAt < ?1", Sort.by("createdAt").and("id"), olderThan)
                .page(0, limit).list();
    }

    /** Deletes records the broker acknowledged: one statement, whatever their number. */
    public Uni<Integer> deleteSent(Collection<UUID> ids) {
        return pool.preparedQuery("DELETE FROM " + table + " WHERE id = ANY($1)")
                .execute(Tuple.of(ids.toArray(UUID[]::new))).map(rows -> rows.rowCount());
    }
}
