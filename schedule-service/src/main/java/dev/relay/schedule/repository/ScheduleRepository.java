package dev.relay.schedule.repository;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.relay.common.persistence.UncachedPlan;
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
        // detached: what firing changes is written back by saveFired, in one statement for the batch
        return getSession().chain(session -> session.createNativeQuery("""
                        SELECT * FROM {h-schema}schedule
                        WHERE status = 'active' AND next_due_at <= :now
                        ORDER BY next_due_at LIMIT (:limit)
                        FOR UPDATE SKIP LOCKED""", Schedule.class)
                .setParameter("now", now)
                .setParameter("limit", UncachedPlan.bind(limit))
                .getResultList()
                .invoke(claimed -> claimed.forEach(session::detach)));
    }

    /** Writes back what firing changed of claimed schedules (status, due time, counts, version), in one statement. */
    public Uni<Void> saveFired(List<Schedule> fired) {
        if (fired.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        StringBuilder sql = new StringBuilder("""
                UPDATE {h-schema}schedule s SET status = v.status, next_due_at = v.next_due_at, execution_count = v.execution_count,
                       last_executed_at = v.last_executed_at, version = v.version, updated_at = v.updated_at
                FROM (VALUES """);
        for (int i = 0; i < fired.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append("(CAST(:id").append(i).append(" AS uuid), CAST(:status").append(i).append(" AS text), ")
                    .append("CAST(NULLIF(CAST(:next").append(i).append(" AS text), '') AS timestamptz), CAST(:count").append(i).append(" AS integer), ")
                    .append("CAST(NULLIF(CAST(:last").append(i).append(" AS text), '') AS timestamptz), CAST(:version").append(i).append(" AS bigint), ")
                    .append("CAST(:updated").append(i).append(" AS timestamptz))");
        }
        sql.append(") AS v (id, status, next_due_at, execution_count, last_executed_at, version, updated_at) WHERE s.id = v.id");
        return getSession().chain(session -> {
            var update = session.createNativeQuery(sql.toString());
            for (int i = 0; i < fired.size(); i++) {
                Schedule schedule = fired.get(i);
                update.setParameter("id" + i, schedule.id).setParameter("status" + i, schedule.status)
                        .setParameter("next" + i, schedule.nextDueAt == null ? "" : schedule.nextDueAt.toString())
                        .setParameter("count" + i, schedule.executionCount)
                        .setParameter("last" + i, schedule.lastExecutedAt == null ? "" : schedule.lastExecutedAt.toString())
                        .setParameter("version" + i, schedule.version)
                        .setParameter("updated" + i, schedule.updatedAt);
            }
            return update.executeUpdate().replaceWithVoid();
        });
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
                                       ORDER BY e.release_at LIMIT (:limit))
                        FOR UPDATE SKIP LOCKED""", Schedule.class)
                .setParameter("now", now)
                .setParameter("limit", UncachedPlan.bind(limit))
                .getResultList());
    }
}
