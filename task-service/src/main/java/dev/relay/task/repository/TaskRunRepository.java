package dev.relay.task.repository;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.relay.task.domain.TaskRun;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class TaskRunRepository implements PanacheRepositoryBase<TaskRun, UUID> {

    /** Every run of the task, oldest first. */
    public Uni<List<TaskRun>> ofTask(UUID taskId) {
        return list("taskId", Sort.by("createdAt").and("id"), taskId);
    }
}
