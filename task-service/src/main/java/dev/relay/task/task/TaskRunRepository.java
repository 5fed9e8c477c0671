package dev.relay.task.task;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class TaskRunRepository implements PanacheRepositoryBase<TaskRun, UUID> {

    /** Active runs whose worker has not said it is alive since {@code before} (at most 100). */
    public Uni<List<UUID>> activeSilentSince(Instant before) {
        return getSession().chain(session -> session.createSelectionQuery(
                        "select r.id from TaskRun r where r.status = 'active' and coalesce(r.heartbeatAt, r.createdAt) < :before",
                        UUID.class)
                .setParameter("before", before)
                .setMaxResults(100)
                .getResultList());
    }

    /** Records that the worker of these runs is alive. */
    public Uni<Integer> heartbeat(Collection<UUID> streamIds, Instant now) {
        return update("heartbeatAt = ?1 where id in ?2 and status = 'active'", now, streamIds);
    }

    /** The task of run {@code streamId} (null when there is none), read without loading the run into the session. */
    public Uni<UUID> taskIdOf(UUID streamId) {
        return getSession().chain(session -> session.createSelectionQuery("select r.taskId from TaskRun r where r.id = :id", UUID.class)
                .setParameter("id", streamId).getSingleResultOrNull());
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
