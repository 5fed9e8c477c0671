package dev.relay.task.webhooks;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
class WebhookRepository implements PanacheRepositoryBase<Webhook, String> {

    /** Up to {@code max} webhooks whose signing secret is sealed under a key other than {@code keyId}, locked. */
    Uni<List<Webhook>> sealedUnderAnotherKey(String keyId, int max) {
        return find("keyId <> ?1", Sort.by("org"), keyId).withLock(LockModeType.PESSIMISTIC_WRITE).page(0, max).list();
    }
}
