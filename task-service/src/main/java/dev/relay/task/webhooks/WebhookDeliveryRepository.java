package dev.relay.task.webhooks;

import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
class WebhookDeliveryRepository implements PanacheRepositoryBase<WebhookDelivery, String> {

    /**
     * Takes up to {@code limit} deliveries that are due, for this instance only until {@code leaseUntil} (another
     * instance skips them meanwhile, and takes them again if this one dies before recording the attempt).
     */
    public Uni<List<String>> takeDue(Instant now, Instant leaseUntil, int limit) {
        return getSession().chain(session -> session.createNativeQuery("""
                        UPDATE {h-schema}webhook_delivery SET next_attempt_at = :lease
                        WHERE id IN (SELECT id FROM {h-schema}webhook_delivery
                                     WHERE status = 'pending' AND next_attempt_at <= :now
                                     ORDER BY next_attempt_at LIMIT :limit FOR UPDATE SKIP LOCKED)
                        RETURNING id""", String.class)
                .setParameter("lease", leaseUntil).setParameter("now", now).setParameter("limit", limit)
                .getResultList());
    }

    /**
     * The organization's deliveries, newest first: the most recent, or those after ({@code afterAt}, {@code afterId})
     * in that order when they are given.
     */
    public Uni<List<WebhookDelivery>> recentOf(String org, Instant afterAt, String afterId, int limit) {
        Sort newestFirst = Sort.descending("createdAt", "id");
        if (afterAt == null) {
            return find("org", newestFirst, org).page(0, limit).list();
        }
        return find("org = ?1 and (createdAt < ?2 or (createdAt = ?2 and id < ?3))", newestFirst, org, afterAt, afterId)
                .page(0, limit).list();
    }

    /** The attempts of these deliveries, oldest first. */
    public Uni<List<WebhookAttempt>> attemptsOf(List<String> deliveryIds) {
        if (deliveryIds.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return getSession().chain(session -> session.createSelectionQuery(
                        "from WebhookAttempt where deliveryId in :ids order by attemptedAt", WebhookAttempt.class)
                .setParameter("ids", deliveryIds).getResultList());
    }

    public Uni<Void> record(WebhookAttempt attempt) {
        return getSession().chain(session -> session.persist(attempt));
    }
}
