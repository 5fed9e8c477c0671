package dev.relay.task.webhooks;

import java.util.Collection;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
class WebhookRepository implements PanacheRepositoryBase<Webhook, String> {

    /** Up to {@code max} webhooks whose signing secret is sealed under a key other than {@code keyId}, locked. */
    Uni<List<Webhook>> sealedUnderAnotherKey(String keyId, Collection<String> opened, String org, int max) {
        return (org == null ? find("keyId <> ?1 and keyId in ?2", Sort.by("org"), keyId, opened)
                : find("keyId <> ?1 and keyId in ?2 and org = ?3", Sort.by("org"), keyId, opened, org))
                .withLock(LockModeType.PESSIMISTIC_WRITE).page(0, max).list();
    }

    /** How many webhooks (of {@code org}, when not null) have their signing secret sealed under another key. */
    Uni<Long> countUnderAnotherKey(String keyId, String org) {
        return org == null ? count("keyId <> ?1", keyId) : count("keyId <> ?1 and org = ?2", keyId, org);
    }
}
