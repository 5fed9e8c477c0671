package dev.relay.stream.repository;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.relay.common.event.TaskEvent;
import dev.relay.common.event.TaskEventTypes;
import dev.relay.stream.domain.EventFrame;
import dev.relay.stream.domain.LogEnd;
import dev.relay.stream.domain.ReceivedEvent;
import dev.relay.stream.domain.StoredEvent;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The event log, keyed by (task, seq). Writes and the streams' page reads go straight to the SQL client (one
 * statement per batch or page, on the hot path); the API's reads go through Panache.
 */
@ApplicationScoped
public class StoredEventRepository implements PanacheRepositoryBase<StoredEvent, StoredEvent.Key> {

    /**
     * One round trip per batch; rows already stored (same task and seq) change nothing. The batch's runs are derived
     * from the same arrays and recorded in the same statement (a run's first seq only ever moves down, should its
     * events come out of order). A stream id belongs to one task: a batch that gives one to two tasks fails (21000,
     * a row affected twice), and an event that gives a stored run's id to another task fails (23000, see
     * {@code V6__a_stream_belongs_to_one_task.sql}); both are permanent, so the consumer isolates the event.
     */
    private static final String INSERT = """
            WITH runs AS (
                INSERT INTO stream.task_run (stream_id, task_id, first_seq)
                SELECT stream_id, task_id, min(seq)
                FROM unnest($5::uuid[], $1::uuid[], $2::bigint[]) AS e(stream_id, task_id, seq)
                WHERE stream_id IS NOT NULL
                GROUP BY stream_id, task_id
                ON CONFLICT (stream_id) DO UPDATE SET first_seq = least(task_run.first_seq, EXCLUDED.first_seq),
                    task_id = CASE WHEN task_run.task_id = EXCLUDED.task_id THEN task_run.task_id
                        ELSE stream.run_of_another_task(task_run.stream_id, task_run.task_id, EXCLUDED.task_id) END
                WHERE EXCLUDED.first_seq < task_run.first_seq OR EXCLUDED.task_id <> task_run.task_id)
            INSERT INTO stream.task_event (task_id, seq, id, org, stream_id, type, created_at, envelope)
            SELECT * FROM unnest($1::uuid[], $2::bigint[], $3::uuid[], $4::text[], $5::uuid[], $6::text[],
                                 $7::timestamptz[], $8::text[])
            ON CONFLICT DO NOTHING""";
    /** A page of the log that stops before {@code $4} characters of envelopes (but always holds the first event). */
    private static final String PAGE = """
            SELECT seq, type, stream_id, envelope FROM (
                SELECT seq, type, stream_id, envelope, sum(length(envelope)) OVER (ORDER BY seq) - length(envelope) AS before
                FROM stream.task_event WHERE task_id = $1 AND seq > $2 ORDER BY seq LIMIT $3) page
            WHERE before < $4 ORDER BY seq""";

    private static final String RUN_OF_TASK = "SELECT 1 FROM stream.task_run WHERE stream_id = $1 AND task_id = $2";

    /** Where the task's log ends: its last seq (null: none) and the type of its last event about a run (null: none). */
    private static final String END = """
            SELECT (SELECT seq FROM stream.task_event WHERE task_id = $1 ORDER BY seq DESC LIMIT 1) AS last_seq,
                   (SELECT type FROM stream.task_event WHERE task_id = $1 AND NOT (type = ANY($2))
                    ORDER BY seq DESC LIMIT 1) AS last_run_type""";

    private final Pool pool;

    public StoredEventRepository(Pool pool) {
        this.pool = pool;
    }

    /** Stores a batch (in topic order); answers how many events were new. Storing it again changes nothing. */
    public Uni<Integer> store(List<ReceivedEvent> batch) {
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
        return pool.preparedQuery(INSERT).execute(columns).map(RowSet::rowCount);
    }

    /** Up to {@code limit} events of the task after {@code after}, in seq order, as a stream sends them. */
    public Uni<List<EventFrame>> frames(UUID taskId, long after, int limit, long maxBytes) {
        return pool.preparedQuery(PAGE).execute(Tuple.of(taskId, after, limit, maxBytes)).map(rows -> {
            List<EventFrame> frames = new ArrayList<>(rows.size());
            for (Row row : rows) {
                frames.add(new EventFrame(taskId, row.getLong("seq"), row.getString("type"), row.getUUID("stream_id"),
                        row.getString("envelope")));
            }
            return frames;
        });
    }

    /** Up to {@code limit} events of the task with seq greater than {@code after}, in seq order (the events list). */
    public Uni<List<StoredEvent>> after(UUID taskId, long after, int limit) {
        return find("taskId = ?1 and seq > ?2", Sort.by("seq"), taskId, after).page(0, limit).list();
    }

    /** Every stored event of one run (stream), in seq order: read along its task's key from the run's first seq. */
    public Uni<List<StoredEvent>> ofStream(UUID streamId) {
        return find("""
                select e from StoredEvent e, StoredRun r
                where r.streamId = ?1 and e.taskId = r.taskId and e.seq >= r.firstSeq and e.streamId = ?1
                order by e.seq""", streamId).list();
    }

    /** Whether the log holds an event of run {@code streamId} and that run is one of the task's. */
    public Uni<Boolean> isRunOf(UUID streamId, UUID taskId) {
        return pool.preparedQuery(RUN_OF_TASK).execute(Tuple.of(streamId, taskId)).map(rows -> rows.size() > 0);
    }

    /**
     * Where the task's log ends now: its last seq (0 when it has none) and whether its last event about a run (not about
     * the task itself) ends that run. One statement without a session: every stream open asks it.
     */
    public Uni<LogEnd> end(UUID taskId) {
        return pool.preparedQuery(END).execute(Tuple.of(taskId, TaskEventTypes.TASK_LEVEL.toArray(String[]::new))).map(rows -> {
            Row row = rows.iterator().next();
            Long lastSeq = row.getLong("last_seq");
            String lastRunType = row.getString("last_run_type");
            return new LogEnd(lastSeq == null ? 0 : lastSeq, lastRunType != null && TaskEventTypes.isTerminal(lastRunType));
        });
    }
}
