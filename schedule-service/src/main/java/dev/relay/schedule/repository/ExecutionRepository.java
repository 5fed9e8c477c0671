package dev.relay.schedule.repository;

import java.time.Instant;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/** The executions of schedules: one per (schedule, due time), whatever fires it and however often. */
@ApplicationScoped
public class ExecutionRepository {

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
