package dev.relay.task.repository;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.relay.task.domain.TaskRun;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class TaskRunRepository implements PanacheRepositoryBase<TaskRun, UUID> {

    /** Active runs whose task has had no event since {@code before}: their runtime has stopped. */
    public Uni<List<UUID>> activeIdleSince(Instant before) {
        return getSession().chain(session -> session.createSelectionQuery(
                        "select r.id from TaskRun r, Task t where t.id = r.taskId and r.status = 'active' and t.updatedAt < :before",
                        UUID.class)
                .setParameter("before", before)
                .setMaxResults(100)
                .getResultList());
    }

    /** The task's latest run, or null. */
    public Uni<TaskRun> latestOf(UUID taskId) {
        return find("taskId", Sort.descending("createdAt", "id"), taskId).firstResult();
    }

    /** Every run of the task, oldest first. */
    public Uni<List<TaskRun>> ofTask(UUID taskId) {
        return list("taskId", Sort.by("createdAt").and("id"), taskId);
    }
}
