package dev.relay.stream.service;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.relay.common.event.TaskEvent;
import dev.relay.common.event.TaskEventTypes;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Stores each task event exactly once: a redelivered event hits the (task, seq) key and inserts nothing. Who may
 * read a task is recorded idempotently too: an access row only moves forward in seq. Viewers learn of new events
 * from the topic itself ({@code LiveEventConsumer}), not from the store.
 */
@ApplicationScoped
public class EventStore {

    /**
     * One round trip per batch; rows already stored (same task and seq) change nothing. The batch's runs are derived
     * from the same arrays and recorded in the same statement (a run's first seq only ever moves down, should its
     * events come out of order).
     */
    private static final String INSERT = """
            WITH runs AS (
                INSERT INTO stream.task_run (stream_id, task_id, first_seq)
                SELECT stream_id, task_id, min(seq)
                FROM unnest($5::uuid[], $1::uuid[], $2::bigint[]) AS e(stream_id, task_id, seq)
                WHERE stream_id IS NOT NULL
                GROUP BY stream_id, task_id
                ON CONFLICT (stream_id) DO UPDATE SET first_seq = EXCLUDED.first_seq
                WHERE EXCLUDED.first_seq < task_run.first_seq)
            INSERT INTO stream.task_event (task_id, seq, id, org, stream_id, type, created_at, envelope)
            SELECT * FROM unnest($1::uuid[], $2::bigint[], $3::uuid[], $4::text[], $5::uuid[], $6::text[],
                                 $7::timestamptz[], $8::text[])
            ON CONFLICT DO NOTHING""";

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

    /** Stores a batch (in topic order); answers how many events were new. */
    public Uni<Integer> store(List<Received> batch) {
        int size = batch.size();
        UUID[] taskIds = new UUID[size];
        Long[] seqs = new Long[size];
        UUID[] ids = new UUID[size];
        String[] orgs = new String[size];
        UUID[] streamIds = new UUID[size];
        String[] types = new String[size];
        OffsetDateTime[] createdAt = new OffsetDateTime[size];
        String[] envelopes = new String[size];
        for (int i = 0; i < size; i++) {
            TaskEvent event = batch.get(i).event();
            taskIds[i] = event.taskId();
            seqs[i] = event.seq();
            ids[i] = event.id();
            orgs[i] = event.org();
            streamIds[i] = event.streamId();
            types[i] = event.type();
            createdAt[i] = event.createdAt().atOffset(ZoneOffset.UTC);
            envelopes[i] = batch.get(i).envelope();
        }
        Tuple columns = Tuple.tuple().addArrayOfUUID(taskIds).addArrayOfLong(seqs).addArrayOfUUID(ids).addArrayOfString(orgs)
                .addArrayOfUUID(streamIds).addArrayOfString(types).addArrayOfOffsetDateTime(createdAt).addArrayOfString(envelopes);
        List<TaskEvent> accessChanges = batch.stream().map(Received::event)
                .filter(event -> TaskEventTypes.isTaskLevel(event.type())).toList();
        Uni<RowSet<Row>> stored = pool.preparedQuery(INSERT).execute(columns);
        if (!accessChanges.isEmpty()) {
            stored = stored.call(() -> Multi.createFrom().iterable(accessChanges)
                    .onItem().transformToUniAndConcatenate(this::recordAccess)
                    .collect().last());
        }
        return stored.map(RowSet::rowCount);
    }

    /** A record as it came off the topic, and its parsed event. */
    public record Received(TaskEvent event, String envelope) {
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
