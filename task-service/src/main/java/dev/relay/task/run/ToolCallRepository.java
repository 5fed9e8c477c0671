package dev.relay.task.run;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
class ToolCallRepository implements PanacheRepositoryBase<ToolCall, UUID> {

    /** The run's tool calls in the order they were made. */
    public Uni<List<ToolCall>> ofRun(UUID streamId) {
        return list("streamId", Sort.by("seq"), streamId);
    }

    /** The task's tool calls in the order they were made. */
    public Uni<List<ToolCall>> ofTask(UUID taskId) {
        return list("taskId", Sort.by("seq"), taskId);
    }
}
