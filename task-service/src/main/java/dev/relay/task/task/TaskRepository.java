package dev.relay.task.task;

import dev.relay.common.persistence.UncachedPlan;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class TaskRepository implements PanacheRepositoryBase<Task, UUID> {

    /** One page of the tasks of {@code org} that {@code viewer} may see in lists (own, team, shared, public). */
    public Uni<List<Task>> page(String org, String viewer, TaskListQuery query) {
        String key = query.byLastEvent() ? "updatedAt" : "createdAt";
        String op = query.descending() ? "<" : ">";
        StringBuilder where = new StringBuilder("org = :org and (createdBy = :viewer or visibility in ('team', 'public') or shared = true)");
        Parameters params = Parameters.with("org", org).and("viewer", viewer);
        if (query.taskType() != null) {
            where.append(" and taskType = :taskType");
            params.and("taskType", query.taskType());
        }
        if (query.afterId() != null) {
            where.append(" and (").append(key).append(' ').append(op).append(" :afterTime or (").append(key)
                    .append(" = :afterTime and id ").append(op).append(" :afterId))");
            params.and("afterTime", query.afterTime()).and("afterId", query.afterId());
        }
        Sort sort = query.descending() ? Sort.descending(key, "id") : Sort.ascending(key, "id");
        return find(where.toString(), sort, params).page(0, query.pageSize()).list();
    }

    /**
     * The hot path of a run's step, without loading the task: takes the task's next seq (locking its row, as
     * {@link #lock} does) and records the runtime's heartbeat, if and only if the run is still active under the
     * worker's claim ({@code attempt}). Answers the
     * task's organization and the seq taken, or null when the run is no longer active (nothing changed).
     */
    public Uni<NextSeq> nextSeqWhileActive(UUID taskId, UUID streamId, int attempt, String phase, Instant now) {
        return getSession().chain(session -> session.createNativeQuery("""
                        UPDATE {h-schema}task SET last_seq = last_seq + 1, updated_at = :now, last_heartbeat = :now,
                            runtime_phase = :phase
                        WHERE id = (:task) AND EXISTS (SELECT 1 FROM {h-schema}task_run r WHERE r.id = :run AND r.status = 'active'
                            AND r.attempt = :attempt)
                        RETURNING org, last_seq""", Object[].class)
                .setParameter("now", now).setParameter("phase", phase).setParameter("task", UncachedPlan.bind(taskId)).setParameter("run", streamId)
                .setParameter("attempt", attempt)
                .getResultList())
                .map(rows -> rows.isEmpty() ? null : new NextSeq((String) rows.get(0)[0], ((Number) rows.get(0)[1]).longValue()));
    }

    /** A seq taken for the next event of a task of {@code org}. */
    public record NextSeq(String org, long seq) {
    }

    /** Locks the task row, so appending its next event (seq) is serialized with every other writer. */
    public Uni<Task> lock(UUID id) {
        return findById(id, LockModeType.PESSIMISTIC_WRITE);
    }
}
