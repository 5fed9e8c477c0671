package dev.relay.task.webhooks;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import dev.relay.common.persistence.UncachedPlan;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
class WebhookDeliveryRepository implements PanacheRepositoryBase<WebhookDelivery, String> {

    /**
     * Takes up to {@code limit} deliveries that are due, for this instance only until {@code leaseUntil} (another
     * instance skips them meanwhile, and takes them again if this one dies before recording the attempt).
     */
    /**
     * Leases (until {@code leaseUntil}) the due messages of at most {@code orgs} organizations, those waiting longest,
     * at most {@code perOrg} of each, leaving out the organizations in {@code busy}.
     */
    public Uni<List<Due>> takeDue(Instant now, Instant leaseUntil, int orgs, int perOrg, Collection<String> busy) {
        List<String> excluded = new ArrayList<>(busy);
        excluded.add(""); // never an organization; keeps NOT IN valid when nothing is busy
        return getSession().chain(session -> session.createNativeQuery("""
                        WITH due AS (SELECT id, org, next_attempt_at FROM {h-schema}webhook_delivery
                                     WHERE status = 'pending' AND next_attempt_at <= :now AND org NOT IN (:busy)),
                             first_orgs AS (SELECT org FROM due GROUP BY org ORDER BY min(next_attempt_at) LIMIT :orgs),
                             ranked AS (SELECT id, row_number() OVER (PARTITION BY org ORDER BY next_attempt_at) AS nth
                                        FROM due WHERE org IN (SELECT org FROM first_orgs)),
                             taken AS (UPDATE {h-schema}webhook_delivery SET next_attempt_at = :lease
                        WHERE id IN (SELECT id FROM {h-schema}webhook_delivery
                                     WHERE status = 'pending' AND next_attempt_at <= :now
                                       AND id IN (SELECT id FROM ranked WHERE nth <= :perOrg)
                                     FOR UPDATE SKIP LOCKED)
                        RETURNING id, org, created_at)
                        -- each organization's messages go out oldest first
                        SELECT id, org FROM taken ORDER BY created_at, id""", Object[].class)
                .setParameter("lease", leaseUntil).setParameter("now", now).setParameter("orgs", orgs).setParameter("perOrg", perOrg)
                .setParameter("busy", excluded)
                .getResultList()).map(rows -> rows.stream().map(row -> new Due((String) row[0], (String) row[1])).toList());
    }

    /** How many messages {@code org} has waiting, counted up to {@code atMost}. */
    public Uni<Long> pendingOf(String org, int atMost) {
        return getSession().chain(session -> session.createNativeQuery("""
                        SELECT count(*) FROM (SELECT 1 FROM {h-schema}webhook_delivery
                                              WHERE org = (:org) AND status = 'pending' LIMIT :atMost) waiting""", Long.class)
                .setParameter("org", UncachedPlan.bind(org)).setParameter("atMost", atMost).getSingleResult());
    }

    /** A message taken to be sent, and its organization. */
    public record Due(String id, String org) {
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
