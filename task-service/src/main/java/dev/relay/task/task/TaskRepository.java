package dev.relay.task.task;

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

    /** Locks the task row, so appending its next event (seq) is serialized with every other writer. */
    public Uni<Task> lock(UUID id) {
        return findById(id, LockModeType.PESSIMISTIC_WRITE);
    }
}
