package dev.relay.task;

import java.util.UUID;

import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/** A task's row held locked by a test, as a writer (a claim, a cancel) holds it while it works. */
public final class TaskLock {

    private TaskLock() {
    }

    /** A connection in a transaction that holds {@code task} locked; the caller commits or rolls back, then closes it. */
    public static SqlConnection hold(Pool pool, UUID task) {
        SqlConnection holder = pool.getConnection().await().indefinitely();
        holder.query("BEGIN").execute().await().indefinitely();
        holder.preparedQuery("SELECT id FROM task.task WHERE id = $1 FOR UPDATE").execute(Tuple.of(task)).await().indefinitely();
        return holder;
    }
}
