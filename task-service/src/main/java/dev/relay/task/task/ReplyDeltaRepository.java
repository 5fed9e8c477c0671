package dev.relay.task.task;

import java.time.ZoneOffset;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.relay.common.messaging.OutboxRecord;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * A chunk of a run's reply in one statement, on the SQL client without a session: the task's next seq taken (its row
 * locked, the runtime's heartbeat recorded) while the run is still active under the worker's claim, the message
 * created or extended, and the {@code message.delta} event's outbox row written with that seq. One round trip and
 * its own commit, so a reply's deltas, the most frequent writes of a run, cost no transaction of their own.
 */
@ApplicationScoped
class ReplyDeltaRepository {

    private static final String NEXT_SEQ = """
            WITH next AS (
                UPDATE task.task SET last_seq = last_seq + 1, updated_at = $1, last_heartbeat = $1, runtime_phase = $2
                WHERE id = $3 AND EXISTS (SELECT 1 FROM task.task_run r WHERE r.id = $4 AND r.status = 'active' AND r.attempt = $5)
                RETURNING last_seq),
            """;

    private static final String OUTBOX = """
            event AS (
                INSERT INTO task.outbox_event (id, topic, record_key, payload, created_at, trace_parent)
                SELECT $8, $9, $10, $11::text || last_seq::text || $12::text, $1, $13 FROM next)
            SELECT last_seq FROM next""";

    /** The first chunk creates the message, at the seq of its event. */
    private static final String FIRST = NEXT_SEQ + """
            message AS (
                INSERT INTO task.task_message (id, task_id, stream_id, role, content, complete, first_seq, created_at, steer_pending)
                SELECT $6, $3, $4, 'assistant', $7, false, last_seq, $1, false FROM next),
            """ + OUTBOX;

    /** A later chunk goes at the end of the message's content, which is not read. */
    private static final String NEXT = NEXT_SEQ + """
            message AS (
                UPDATE task.task_message SET content = content || $7 WHERE id = $6 AND EXISTS (SELECT 1 FROM next)),
            """ + OUTBOX;

    private final Pool pool;

    ReplyDeltaRepository(Pool pool) {
        this.pool = pool;
    }

    /**
     * Appends {@code chunk} to message {@code messageId} of {@code run} (its {@code first} chunk creates it) with the
     * outbox row {@code event}, whose payload is {@code payload} with the seq written in. Answers the seq taken, or
     * null when the run is no longer active under claim {@code attempt} (nothing changed).
     */
    Uni<Long> append(TaskRun run, int attempt, String phase, UUID messageId, String chunk, boolean first, OutboxRecord event,
            OpenSeq payload) {
        Tuple values = Tuple.tuple().addOffsetDateTime(event.createdAt.atOffset(ZoneOffset.UTC)).addString(phase).addUUID(run.taskId)
                .addUUID(run.id).addInteger(attempt).addUUID(messageId).addString(chunk)
                .addUUID(event.id).addString(event.topic).addString(event.recordKey).addString(payload.before())
                .addString(payload.after()).addString(event.traceParent);
        return pool.preparedQuery(first ? FIRST : NEXT).execute(values)
                .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getLong(0));
    }
}
