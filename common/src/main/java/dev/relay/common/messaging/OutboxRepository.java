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

    private static final int ROWS_PER_INSERT = 500;

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

    /** How many records wait for the broker's acknowledgement, and when the oldest of them was written. */
    public record Backlog(long count, Instant oldest) {
    }

    public Uni<Backlog> backlog() {
        return pool.query("SELECT count(*), min(created_at) FROM " + table).execute().map(rows -> {
            var row = rows.iterator().next();
            java.time.OffsetDateTime oldest = row.getOffsetDateTime(1);
            return new Backlog(row.getLong(0), oldest == null ? null : oldest.toInstant());
        });
    }

    /** Deletes records the broker acknowledged: one statement, whatever their number. */
    public Uni<Integer> deleteSent(Collection<UUID> ids) {
        return pool.preparedQuery("DELETE FROM " + table + " WHERE id = ANY($1)")
                .execute(Tuple.of(ids.toArray(UUID[]::new))).map(rows -> rows.rowCount());
    }

    /** Inserts {@code records} in the session's transaction: one statement per {@value #ROWS_PER_INSERT} records. */
    public Uni<Void> insertAll(List<OutboxRecord> records) {
        if (records.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Uni<Void> inserted = Uni.createFrom().voidItem();
        for (int from = 0; from < records.size(); from += ROWS_PER_INSERT) {
            List<OutboxRecord> chunk = records.subList(from, Math.min(records.size(), from + ROWS_PER_INSERT));
            inserted = inserted.chain(() -> insert(chunk));
        }
        return inserted;
    }

    private Uni<Void> insert(List<OutboxRecord> chunk) {
        StringBuilder sql = new StringBuilder("INSERT INTO {h-schema}outbox_event (id, topic, record_key, payload, created_at, trace_parent) VALUES ");
        for (int i = 0; i < chunk.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append("(:id").append(i).append(", :topic").append(i).append(", :key").append(i)
                    .append(", :payload").append(i).append(", :at").append(i).append(", :trace").append(i).append(')');
        }
        return getSession().chain(session -> {
            var insert = session.createNativeQuery(sql.toString());
            for (int i = 0; i < chunk.size(); i++) {
                OutboxRecord row = chunk.get(i);
                insert.setParameter("id" + i, row.id).setParameter("topic" + i, row.topic).setParameter("key" + i, row.recordKey)
                        .setParameter("payload" + i, row.payload).setParameter("at" + i, row.createdAt)
                        .setParameter("trace" + i, row.traceParent);
            }
            return insert.executeUpdate().replaceWithVoid();
        });
    }
}
