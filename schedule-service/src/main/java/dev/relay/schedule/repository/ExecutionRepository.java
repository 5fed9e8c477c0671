package dev.relay.schedule.repository;

import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

    /** How many executions of a schedule are triggered and not ended ({@code open}), and how many wait ({@code buffered}). */
    public record Backlog(long open, long buffered) {
        public static final Backlog NONE = new Backlog(0, 0);
    }

    /** The backlog of each of {@code scheduleIds} that has one. */
    public Uni<Map<UUID, Backlog>> backlogsOf(Collection<UUID> scheduleIds) {
        if (scheduleIds.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return getSession().chain(session -> session.createSelectionQuery("""
                        select e.scheduleId, sum(case when e.status = 'buffered' then 0 else 1 end),
                               sum(case when e.status = 'buffered' then 1 else 0 end)
                        from Execution e
                        where e.scheduleId in :ids and e.status in ('pending', 'running', 'buffered')
                        group by e.scheduleId""", Object[].class)
                .setParameter("ids", scheduleIds)
                .getResultList()
                .map(rows -> {
                    Map<UUID, Backlog> backlogs = new HashMap<>();
                    rows.forEach(row -> backlogs.put((UUID) row[0], new Backlog(((Number) row[1]).longValue(), ((Number) row[2]).longValue())));
                    return backlogs;
                }));
    }

    /** The schedule's newest execution that ran or is to run (not skipped); null when there is none. */
    public Uni<Execution> latestShown(UUID scheduleId) {
        return find("scheduleId = ?1 and status <> 'skipped'", Sort.descending("scheduledAt", "id"), scheduleId).firstResult();
    }

    /** The schedule's buffered execution to trigger next, if it may be triggered at {@code now}. */
    public Uni<Execution> nextReleased(UUID scheduleId, Instant now) {
        return find("scheduleId = ?1 and status = 'buffered' and releaseAt <= ?2", Sort.ascending("scheduledAt", "id"), scheduleId, now)
                .firstResult();
    }

    /** The schedule's oldest buffered execution; null when none waits. */
    public Uni<Execution> oldestBuffered(UUID scheduleId) {
        return find("scheduleId = ?1 and status = 'buffered'", Sort.ascending("scheduledAt", "id"), scheduleId).firstResult();
    }

    /** The newest execution that ran or is to run (not skipped) of each of {@code scheduleIds} that has one. */
    public Uni<Map<UUID, Execution>> latestShownOf(Collection<UUID> scheduleIds) {
        if (scheduleIds.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return getSession().chain(session -> session.createNativeQuery("""
                        SELECT DISTINCT ON (schedule_id) * FROM {h-schema}schedule_execution
                        WHERE schedule_id IN (:ids) AND status <> 'skipped'
                        ORDER BY schedule_id, scheduled_at DESC, id DESC""", Execution.class)
                .setParameter("ids", scheduleIds)
                .getResultList()
                .map(rows -> {
                    Map<UUID, Execution> latest = new HashMap<>();
                    rows.forEach(execution -> latest.put(execution.scheduleId, execution));
                    return latest;
                }));
    }

    /** Inserts new executions in one statement; a second one for a schedule's due time fails the transaction. */
    public Uni<Void> insertAll(List<Execution> created) {
        if (created.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        StringBuilder sql = new StringBuilder(
                "INSERT INTO {h-schema}schedule_execution (id, schedule_id, scheduled_at, fired_at, status, reason) VALUES ");
        for (int i = 0; i < created.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append("(:id").append(i).append(", :schedule").append(i).append(", :scheduledAt").append(i)
                    .append(", :firedAt").append(i).append(", :status").append(i).append(", NULLIF(:reason").append(i).append(", ''))");
        }
        return getSession().chain(session -> {
            var insert = session.createNativeQuery(sql.toString());
            for (int i = 0; i < created.size(); i++) {
                Execution execution = created.get(i);
                insert.setParameter("id" + i, execution.id).setParameter("schedule" + i, execution.scheduleId)
                        .setParameter("scheduledAt" + i, execution.scheduledAt).setParameter("firedAt" + i, execution.firedAt)
                        .setParameter("status" + i, execution.status).setParameter("reason" + i, execution.reason == null ? "" : execution.reason);
            }
            return insert.executeUpdate().replaceWithVoid();
        });
    }
}
