package dev.relay.schedule.repository;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.relay.schedule.domain.Schedule;
import io.quarkus.panache.common.Sort;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class ScheduleRepository implements PanacheRepositoryBase<Schedule, UUID> {

    /** A caller's schedules, newest first, after the row at ({@code createdAt}, {@code id}) when given. */
    public Uni<List<Schedule>> pageOf(String org, String createdBy, Instant createdAt, UUID id, int size) {
        if (createdAt == null) {
            return find("org = ?1 and createdBy = ?2", Sort.descending("createdAt", "id"), org, createdBy).page(0, size).list();
        }
        return find("org = ?1 and createdBy = ?2 and (createdAt < ?3 or (createdAt = ?3 and id < ?4))",
                Sort.descending("createdAt", "id"), org, createdBy, createdAt, id).page(0, size).list();
    }

    /** Deletes the schedule if it is the caller's (its executions go with it); answers how many rows went. */
    public Uni<Long> deleteOwned(UUID id, String org, String createdBy) {
        return delete("id = ?1 and org = ?2 and createdBy = ?3", id, org, createdBy);
    }

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

    /**
     * Locks up to {@code limit} schedules with a buffered execution that may be triggered at {@code now}, skipping
     * rows another replica holds. Every writer of an execution locks its schedule first.
     */
    @SuppressWarnings("unchecked")
    public Uni<List<Schedule>> claimReleased(Instant now, int limit) {
        return getSession().chain(session -> session.createNativeQuery("""
                        SELECT * FROM {h-schema}schedule s
                        WHERE s.id IN (SELECT e.schedule_id FROM {h-schema}schedule_execution e
                                       WHERE e.status = 'buffered' AND e.release_at <= :now
                                       ORDER BY e.release_at LIMIT :limit)
                        FOR UPDATE SKIP LOCKED""", Schedule.class)
                .setParameter("now", now)
                .setParameter("limit", limit)
                .getResultList());
    }
}
