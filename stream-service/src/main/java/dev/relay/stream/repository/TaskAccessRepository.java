package dev.relay.stream.repository;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.relay.stream.domain.TaskAccess;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

@ApplicationScoped
public class TaskAccessRepository implements PanacheRepositoryBase<TaskAccess, UUID> {

    /** A row only moves forward in seq, so an announcement applied twice or late changes nothing. */
    private static final String UPSERT = """
            INSERT INTO stream.task_access (task_id, org, created_by, visibility, is_shared, as_of_seq)
            VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (task_id) DO UPDATE SET
                visibility = COALESCE($7, task_access.visibility),
                is_shared = COALESCE($8, task_access.is_shared),
                as_of_seq = EXCLUDED.as_of_seq
            WHERE task_access.as_of_seq < EXCLUDED.as_of_seq""";

    private static final String FIND = """
            SELECT org, created_by, visibility, is_shared, as_of_seq FROM stream.task_access WHERE task_id = $1""";

    private final Pool pool;

    public TaskAccessRepository(Pool pool) {
        this.pool = pool;
    }

    /**
     * Records who may read the task as of event {@code seq}: on creation every field, on a later change only the
     * fields it names ({@code changedVisibility}/{@code changedShared} null when unchanged).
     */
    public Uni<Void> record(TaskAccess access, String changedVisibility, Boolean changedShared) {
        Tuple row = Tuple.tuple()
                .addUUID(access.taskId).addString(access.org).addString(access.createdBy)
                .addString(access.visibility).addBoolean(access.shared).addLong(access.asOfSeq)
                .addString(changedVisibility).addBoolean(changedShared);
        return pool.preparedQuery(UPSERT).execute(row).replaceWithVoid();
    }

    /** Who may read the task, or null while this service has not heard of it. One statement without a session. */
    public Uni<TaskAccess> find(UUID taskId) {
        return pool.preparedQuery(FIND).execute(Tuple.of(taskId)).map(rows -> {
            if (rows.size() == 0) {
                return null;
            }
            Row row = rows.iterator().next();
            TaskAccess access = new TaskAccess();
            access.taskId = taskId;
            access.org = row.getString("org");
            access.createdBy = row.getString("created_by");
            access.visibility = row.getString("visibility");
            access.shared = row.getBoolean("is_shared");
            access.asOfSeq = row.getLong("as_of_seq");
            return access;
        });
    }
}
