package dev.relay.task.repository;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.relay.task.domain.Approval;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class ApprovalRepository implements PanacheRepositoryBase<Approval, UUID> {

    /** The run's most recently answered approval, or null when it has none. */
    public Uni<Approval> latestAnswerOf(UUID streamId) {
        return find("streamId = ?1 and status <> 'pending'", Sort.descending("answeredAt"), streamId).firstResult();
    }
}
