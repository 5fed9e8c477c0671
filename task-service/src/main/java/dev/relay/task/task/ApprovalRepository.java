package dev.relay.task.task;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class ApprovalRepository implements PanacheRepositoryBase<Approval, UUID> {

    /** The run's approvals, oldest first (answered ones in the order they were answered). */
    public Uni<List<Approval>> ofRun(UUID streamId) {
        return list("streamId", Sort.by("answeredAt", Sort.NullPrecedence.NULLS_LAST).and("requestedAt"), streamId);
    }

    /** The task's approvals that wait for the user's answer, oldest first. */
    public Uni<List<Approval>> pendingOf(UUID taskId) {
        return list("taskId = ?1 and status = 'pending'", Sort.by("requestedAt"), taskId);
    }
}
