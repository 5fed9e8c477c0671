package dev.relay.stream.service;

import java.time.ZoneOffset;

import jakarta.enterprise.context.ApplicationScoped;

import dev.relay.common.event.TaskEvent;
import dev.relay.common.event.TaskEventTypes;
import dev.relay.stream.sse.LiveNotice;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Stores each task event exactly once and, in the same statement, announces it to every replica. A redelivered
 * event hits the (task, seq) key or the id, inserts nothing and announces nothing.
 */
@ApplicationScoped
public class EventStore {

    private static final String INSERT_AND_NOTIFY = """
            WITH inserted AS (
                INSERT INTO stream.task_event (task_id, seq, id, org, stream_id, type, created_at, envelope)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                ON CONFLICT DO NOTHING
                RETURNING seq)
            SELECT pg_notify('%s', $9) FROM inserted""".formatted(LiveNotice.CHANNEL);

    private static final String UPSERT_ACCESS = """
            INSERT INTO stream.task_access (task_id, org, created_by, visibility, is_shared, as_of_seq)
            VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (task_id) DO UPDATE SET
                visibility = COALESCE($7, task_access.visibility),
                is_shared = COALESCE($8, task_access.is_shared),
                as_of_seq = EXCLUDED.as_of_seq
            WHERE task_access.as_of_seq < EXCLUDED.as_of_seq""";

    private final Pool pool;

    public EventStore(Pool pool) {
        this.pool = pool;
    }

    /** Answers true when the event was new. */
    public Uni<Boolean> store(TaskEvent event, String envelope) {
        String notice = new LiveNotice(event.taskId(), event.seq(), event.type(), envelope).encode();
        Tuple row = Tuple.tuple()
                .addUUID(event.taskId()).addLong(event.seq()).addUUID(event.id()).addString(event.org())
                .addUUID(event.streamId()).addString(event.type())
                .addOffsetDateTime(event.createdAt().atOffset(ZoneOffset.UTC)).addString(envelope).addString(notice);
        return pool.preparedQuery(INSERT_AND_NOTIFY).execute(row)
                .map(rows -> rows.rowCount() > 0)
                .call(stored -> stored ? recordAccess(event) : Uni.createFrom().voidItem());
    }

    private Uni<Void> recordAccess(TaskEvent event) {
        boolean created = TaskEventTypes.TASK_CREATED.equals(event.type());
        if (!created && !TaskEventTypes.TASK_UPDATED.equals(event.type())) {
            return Uni.createFrom().voidItem();
        }
        var data = event.data();
        String visibility = data.hasNonNull("visibility") ? data.get("visibility").asText() : null;
        Boolean shared = data.hasNonNull("is_shared") ? data.get("is_shared").asBoolean() : null;
        Tuple row = Tuple.tuple()
                .addUUID(event.taskId()).addString(event.org())
                .addString(data.path("created_by").asText(""))
                .addString(visibility == null ? "private" : visibility)
                .addBoolean(shared != null && shared)
                .addLong(event.seq())
                .addString(created ? null : visibility)
                .addBoolean(created ? null : shared);
        return pool.preparedQuery(UPSERT_ACCESS).execute(row).replaceWithVoid();
    }
}
