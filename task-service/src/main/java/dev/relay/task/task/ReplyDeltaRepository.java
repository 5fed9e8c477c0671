package dev.relay.task.task;

import java.time.ZoneOffset;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.relay.common.messaging.OutboxRecord;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * A chunk of a run's reply in one round trip, on the SQL client without a session: the database function
 * {@code append_reply_delta} (migration V21) locks the task's row, then checks the run still active under the worker's
 * claim in a statement that sees what committed while it waited (a cancel, an end, another worker's claim), then takes
 * the task's next seq (recording the runtime's heartbeat), creates or extends the message, and writes the
 * {@code message.delta} event's outbox row with that seq. One round trip and its own commit, so a reply's deltas, the
 * most frequent writes of a run, cost no transaction of their own.
 */
@ApplicationScoped
class ReplyDeltaRepository {

    private static final String APPEND = "SELECT task.append_reply_delta($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)";

    private final Pool pool;

    ReplyDeltaRepository(Pool pool) {
        this.pool = pool;
    }

    /**
     * Appends {@code chunk} to message {@code messageId} of {@code run} (its {@code first} chunk creates it) with the
     * outbox row {@code event}, whose payload is {@code payload} with the seq written in. Answers the seq taken, or
     * null when the run is no longer active under the worker's claim ({@code run.attempt}: nothing changed).
     */
    Uni<Long> append(TaskRun run, UUID messageId, String chunk, boolean first, OutboxRecord event, OpenSeq payload) {
        Tuple values = Tuple.tuple().addUUID(run.taskId).addUUID(run.id).addInteger(run.attempt).addString(Task.RUNNING)
                .addOffsetDateTime(event.createdAt.atOffset(ZoneOffset.UTC)).addUUID(messageId).addString(chunk).addBoolean(first)
                .addUUID(event.id).addString(event.topic).addString(event.recordKey).addString(payload.before())
                .addString(payload.after()).addString(event.traceParent);
        return pool.preparedQuery(APPEND).execute(values).map(rows -> rows.iterator().next().getLong(0));
    }
}
