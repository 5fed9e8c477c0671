package dev.relay.schedule.repository;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.relay.schedule.domain.Schedule;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class ScheduleRepository implements PanacheRepositoryBase<Schedule, UUID> {

    /**
     * Locks up to {@code limit} active schedules due at {@code now}, earliest first, skipping rows another replica
     * holds: two replicas never take the same schedule, and neither waits for the other.
     */
    @SuppressWarnings("unchecked")
    public Uni<List<Schedule>> claimDue(Instant now, int limit) {
        return getSession().chain(session -> session.createNativeQuery("""
                        SELECT * FROM {h-schema}schedule
                        WHERE status = 'active' AND next_due_at <= :now
                        ORDER BY next_due_at LIMIT :limit
                        FOR UPDATE SKIP LOCKED""", Schedule.class)
                .setParameter("now", now)
                .setParameter("limit", limit)
                .getResultList());
    }
}
