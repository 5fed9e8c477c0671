package dev.relay.task.task;

import dev.relay.common.persistence.UncachedPlan;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

@ApplicationScoped
public class TaskRunRepository implements PanacheRepositoryBase<TaskRun, UUID> {

    private final Pool pool;

    public TaskRunRepository(Pool pool) {
        this.pool = pool;
    }

    /** Whether the run is pending: one statement on the SQL client, outside any transaction or session. */
    public Uni<Boolean> isPending(UUID id) {
        return pool.preparedQuery("SELECT status FROM task.task_run WHERE id = $1").execute(Tuple.of(id))
                .map(rows -> rows.size() > 0 && RunStatus.PENDING.value().equals(rows.iterator().next().getString(0)));
    }

    /** Active runs whose worker has not said it is alive since {@code before} (at most 100). */
    public Uni<List<UUID>> activeSilentSince(Instant before) {
        return getSession().chain(session -> session.createSelectionQuery(
                        "select r.id from TaskRun r where r.status = 'active' and coalesce(r.heartbeatAt, r.createdAt) < :before",
                        UUID.class)
                .setParameter("before", before)
                .setMaxResults(100)
                .getResultList());
    }

    /**
     * Records that the worker of these runs (each under the attempt it claimed) is alive; answers those of them still
     * active under that attempt (a run another worker took over since is left as it is).
     */
    public Uni<List<UUID>> heartbeat(Map<UUID, Integer> attempts, Instant now) {
        List<String> claims = attempts.entrySet().stream().map(claim -> claim.getKey() + "/" + claim.getValue()).toList();
        return getSession().chain(session -> session.createNativeQuery(
                        "UPDATE {h-schema}task_run SET heartbeat_at = :now WHERE id IN (:ids) AND status = 'active'"
                                + " AND cast(id as text) || '/' || cast(attempt as text) IN (:claims) RETURNING id", UUID.class)
                .setParameter("now", now).setParameter("ids", attempts.keySet()).setParameter("claims", claims).getResultList());
    }

    /** The slots the active runs of {@code org} hold. */
    public Uni<List<Integer>> heldSlots(String org) {
        return getSession().chain(session -> session.createSelectionQuery(
                        "select r.orgSlot from TaskRun r where r.orgId = :org and r.status = 'active' and r.orgSlot is not null",
                        Integer.class)
                .setParameter("org", org).getResultList());
    }

    /** How many slots the active runs of {@code org} hold (counted over the partial unique index of the slots). */
    public Uni<Long> heldSlotCount(String org) {
        return getSession().chain(session -> session.createSelectionQuery(
                        "select count(*) from TaskRun r where r.orgId = :org and r.status = 'active' and r.orgSlot is not null", Long.class)
                .setParameter("org", org).getSingleResult());
    }

    /** How many slots the active runs of an organization hold, and whether a claim took the lock of one slot with the count. */
    public record SlotCount(long held, boolean locked) {
    }

    /**
     * {@link #heldSlotCount} and {@link #tryLockSlot} of slot {@code slot} in one round trip. The lock is taken whatever
     * the count; whether the slot is free is for a statement after it ({@link #slotHeld}), which sees what committed
     * while the lock was held elsewhere.
     */
    public Uni<SlotCount> heldSlotCountAndTryLock(String org, int slot) {
        return getSession().chain(session -> session.createNativeQuery("SELECT (SELECT count(*) FROM {h-schema}task_run "
                                + "WHERE org_id = (:org) AND status = 'active' AND org_slot IS NOT NULL), "
                                + "pg_try_advisory_xact_lock(hashtext((:org)), :slot)", Object[].class)
                        .setParameter("org", UncachedPlan.bind(org)).setParameter("slot", slot).getSingleResult())
                .map(row -> new SlotCount(((Number) row[0]).longValue(), (Boolean) row[1]));
    }

    /**
     * Takes the lock of slot {@code slot} of {@code org} until the transaction ends, without waiting; false when another
     * transaction holds it.
     */
    public Uni<Boolean> tryLockSlot(String org, int slot) {
        return getSession().chain(session -> session.createNativeQuery(
                        "SELECT pg_try_advisory_xact_lock(hashtext((:org)), :slot)", Boolean.class)
                .setParameter("org", UncachedPlan.bind(org)).setParameter("slot", slot).getSingleResult());
    }

    /** Whether an active run of {@code org} holds slot {@code slot} (as committed now). */
    public Uni<Boolean> slotHeld(String org, int slot) {
        return getSession().chain(session -> session.createSelectionQuery(
                        "select count(r) from TaskRun r where r.orgId = :org and r.orgSlot = :slot and r.status = 'active'", Long.class)
                .setParameter("org", org).setParameter("slot", slot).getSingleResult()).map(count -> count > 0);
    }

    /** Runs working now per organization, of the organizations given. */
    public Uni<List<Object[]>> activePerOrg(Collection<String> orgs) {
        return getSession().chain(session -> session.createSelectionQuery(
                        "select r.orgId, count(r) from TaskRun r where r.status = 'active' and r.orgId in :orgs group by r.orgId",
                        Object[].class)
                .setParameter("orgs", orgs).getResultList());
    }

    /** A pending run that waits its turn: it was held back, or its request was not taken up since {@code before}. */
    private static final String WAITING = "r.status = 'pending' and (r.queuedAt is not null or r.createdAt < :before)";

    /**
     * The lines of waiting runs (see {@link #WAITING}): per organization and user, how many wait and since when the
     * oldest (at most 10 000 lines).
     */
    public Uni<List<Object[]>> waitingLines(Instant before) {
        return getSession().chain(session -> session.createSelectionQuery(
                        "select r.orgId, r.userId, count(r), min(r.createdAt) from TaskRun r where " + WAITING
                                + " group by r.orgId, r.userId order by min(r.createdAt)", Object[].class)
                .setParameter("before", before).setMaxResults(10_000).getResultList());
    }

    /** The next {@code count} waiting runs of one user's line: higher priority first, then oldest. */
    public Uni<List<UUID>> nextWaiting(String org, String user, int count, Instant before) {
        return getSession().chain(session -> session.createSelectionQuery(
                        "select r.id from TaskRun r where " + WAITING + " and r.orgId = :org and r.userId = :user "
                                + "order by r.priority desc, r.createdAt, r.id", UUID.class)
                .setParameter("before", before).setParameter("org", org).setParameter("user", user).setMaxResults(count)
                .getResultList());
    }

    /** How many runs of the user wait before {@code run} in the user's line, and how many wait per other user of its organization. */
    public Uni<Long> waitingAhead(TaskRun run) {
        return getSession().chain(session -> session.createSelectionQuery(
                        "select count(r) from TaskRun r where r.status = 'pending' and r.orgId = :org and r.userId = :user "
                                + "and (r.priority > :priority or (r.priority = :priority and r.createdAt < :createdAt))", Long.class)
                .setParameter("org", run.orgId).setParameter("user", run.userId).setParameter("priority", run.priority)
                .setParameter("createdAt", run.createdAt).getSingleResult());
    }

    /** How many runs of {@code org} work ({@code active}) and wait ({@code pending}) now, per status. */
    public Uni<List<Object[]>> workingAndWaiting(String org) {
        return getSession().chain(session -> session.createSelectionQuery(
                        "select r.status, count(r) from TaskRun r where r.orgId = :org and r.status in ('active', 'pending') "
                                + "group by r.status", Object[].class)
                .setParameter("org", org).getResultList());
    }

    /** How many runs wait per user of {@code org}. */
    public Uni<List<Object[]>> waitingPerUser(String org) {
        return getSession().chain(session -> session.createSelectionQuery(
                        "select r.userId, count(r) from TaskRun r where r.status = 'pending' and r.orgId = :org group by r.userId",
                        Object[].class)
                .setParameter("org", org).getResultList());
    }

    /** The task of run {@code streamId} (null when there is none), read without loading the run into the session. */
    public Uni<UUID> taskIdOf(UUID streamId) {
        return getSession().chain(session -> session.createSelectionQuery("select r.taskId from TaskRun r where r.id = :id", UUID.class)
                .setParameter("id", streamId).getSingleResultOrNull());
    }

    /** The tokens (input and output) the task's runs other than {@code streamId} used in all. */
    public Uni<Long> tokensOfOtherRuns(UUID taskId, UUID streamId) {
        return find("select coalesce(sum(r.inputTokens + r.outputTokens), 0) from TaskRun r where r.taskId = ?1 and r.id <> ?2",
                taskId, streamId).project(Long.class).singleResult();
    }

    /** The task's runs not finished (working, waiting for an answer, or queued), oldest first. */
    public Uni<List<TaskRun>> unfinishedOf(UUID taskId) {
        return list("taskId = ?1 and status in ('pending', 'active', 'suspended', 'queued')", Sort.by("createdAt").and("id"), taskId);
    }

    /**
     * Queued runs whose turn came: their task has no run working or waiting for an answer, and no run queued before
     * them (at most {@code max}).
     */
    public Uni<List<UUID>> queuedWhoseTurnCame(int max) {
        return getSession().chain(session -> session.createSelectionQuery("""
                        select r.id from TaskRun r where r.status = 'queued'
                        and not exists (select 1 from TaskRun o where o.taskId = r.taskId and o.status in ('pending', 'active', 'suspended'))
                        and not exists (select 1 from TaskRun e where e.taskId = r.taskId and e.status = 'queued'
                                        and (e.createdAt < r.createdAt or (e.createdAt = r.createdAt and e.id < r.id)))
                        order by r.createdAt""", UUID.class)
                .setMaxResults(max).getResultList());
    }

    /** Runs never started whose start deadline passed before {@code now} while they waited (at most {@code max}). */
    public Uni<List<UUID>> pastStartDeadline(Instant now, int max) {
        return getSession().chain(session -> session.createNativeQuery("""
                        SELECT id FROM {h-schema}task_run WHERE status = 'pending' AND attempt = 0
                        AND run_config->>'start_deadline_seconds' IS NOT NULL
                        AND created_at + CAST(run_config->>'start_deadline_seconds' AS integer) * interval '1 second' < :now
                        ORDER BY created_at LIMIT (:max)""", UUID.class)
                .setParameter("now", now).setParameter("max", UncachedPlan.bind(max)).getResultList());
    }

    /** Whether a message waiting in a queued run (of any task) has the id. */
    public Uni<Boolean> queuesMessage(UUID messageId) {
        return getSession().chain(session -> session.createNativeQuery(
                        "SELECT EXISTS (SELECT 1 FROM {h-schema}task_run WHERE status = 'queued' AND queued_message->>'message_id' = (:id))", Boolean.class)
                .setParameter("id", UncachedPlan.bind(messageId.toString())).getSingleResult());
    }

    /** Whether any run is queued (a message waiting behind its task's working run). */
    public Uni<Boolean> anyQueued() {
        return getSession().chain(session -> session.createSelectionQuery("select r.id from TaskRun r where r.status = 'queued'", UUID.class)
                .setMaxResults(1).getResultList()).map(found -> !found.isEmpty());
    }

    /** The task's latest run, or null. */
    public Uni<TaskRun> latestOf(UUID taskId) {
        return find("taskId", Sort.descending("createdAt", "id"), taskId).firstResult();
    }

    /** Every run of the task, oldest first. */
    public Uni<List<TaskRun>> ofTask(UUID taskId) {
        return list("taskId", Sort.by("createdAt").and("id"), taskId);
    }
}
