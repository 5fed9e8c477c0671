package dev.relay.task.run;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
class ArtifactRepository implements PanacheRepositoryBase<Artifact, UUID> {

    /** The task's artifacts, oldest first. */
    public Uni<List<Artifact>> ofTask(UUID taskId) {
        return list("taskId", Sort.by("createdAt").and("id"), taskId);
    }
}
