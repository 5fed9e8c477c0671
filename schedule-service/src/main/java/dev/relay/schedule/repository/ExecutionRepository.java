package dev.relay.schedule.repository;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.relay.schedule.domain.Execution;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;

/** The executions of schedules: one per (schedule, due time), whatever fires it and however often. */
@ApplicationScoped
public class ExecutionRepository implements PanacheRepositoryBase<Execution, UUID> {

    /** A schedule's executions, newest first, after the row at ({@code scheduledAt}, {@code id}) when given. */
    public Uni<List<Execution>> pageOf(UUID scheduleId, Instant scheduledAt, UUID id, int size) {
        if (scheduledAt == null) {
            return find("scheduleId", Sort.descending("scheduledAt", "id"), scheduleId).page(0, size).list();
        }
        return find("scheduleId = ?1 and (scheduledAt < ?2 or (scheduledAt = ?2 and id < ?3))",
                Sort.descending("scheduledAt", "id"), scheduleId, scheduledAt, id).page(0, size).list();
    }

    /** Records an execution; answers false when one exists for that due time already (and records nothing). */
    public Uni<Boolean> record(UUID id, UUID scheduleId, Instant scheduledAt, Instant firedAt, String status, String reason) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                        INSERT INTO {h-schema}schedule_execution (id, schedule_id, scheduled_at, fired_at, status, reason)
                        VALUES (:id, :schedule, :scheduledAt, :firedAt, :status, NULLIF(:reason, ''))
                        ON CONFLICT (schedule_id, scheduled_at) DO NOTHING""")
                .setParameter("id", id)
                .setParameter("schedule", scheduleId)
                .setParameter("scheduledAt", scheduledAt)
                .setParameter("firedAt", firedAt)
                .setParameter("status", status)
                .setParameter("reason", reason == null ? "" : reason)
                .executeUpdate()
                .map(inserted -> inserted == 1));
    }
}
