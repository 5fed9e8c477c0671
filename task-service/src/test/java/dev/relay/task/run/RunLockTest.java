package dev.relay.task.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.relay.task.OnVertxContext;
import dev.relay.task.TaskFixtures;
import dev.relay.testsupport.RelayTestResources;
import dev.relay.testsupport.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Transaction;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * A run is read only under its task's lock: a cancel that commits while a claim or a recovery waits for that lock
 * wins, and the cancelled run is neither claimed nor handed to a worker again.
 */
@QuarkusTest
@WithTestResource(RelayTestResources.class)
class RunLockTest {

    private static final String TOKEN = TestTokens.bearer("locks", "lee@locks.dev");

    @Inject
    Pool pool;

    @Inject
    Vertx vertx;

    @Inject
    RunClaims claims;

    @Inject
    RunRecovery recovery;

    @Test
    void aCancelCommittedWhileAClaimWaitsForTheTaskLockWins() throws Exception {
        UUID run = addRun("pending", "now()");

        Object claimed = cancelWhileWaiting(run, () -> claims.claim(null, run, true, false).map(answer -> answer));

        assertThat(claimed).as("the claim of a cancelled run").isNull();
        assertThat(statusOf(run)).isEqualTo("aborted");
    }

    @Test
    void aClaimNamingItsTaskWaitsForTheTaskLockAsWell() throws Exception {
        UUID run = addRun("pending", "now()");
        UUID task = taskOf(run);

        Object claimed = cancelWhileWaiting(run, () -> claims.claim(task, run, true, false).map(answer -> answer));

        assertThat(claimed).as("the claim of a cancelled run").isNull();
        assertThat(statusOf(run)).isEqualTo("aborted");
    }

    @Test
    void aClaimNamingAnotherTaskClaimsNothing() {
        UUID run = addRun("pending", "now()");
        UUID otherTask = taskOf(addRun("pending", "now()"));

        Object claimed = OnVertxContext.call(vertx, () -> claims.claim(otherTask, run, true, false)).await().atMost(Duration.ofSeconds(10));

        assertThat(claimed).as("a run is claimed only through its own task").isNull();
        assertThat(statusOf(run)).isEqualTo("pending");
    }

    @Test
    void aCancelCommittedWhileARecoveryWaitsForTheTaskLockWins() throws Exception {
        // a heartbeat in the future keeps the supervisor away; the recovery is told every run before next week is stale
        UUID run = addRun("active", "now() + interval '1 hour'");

        Object handedOver = cancelWhileWaiting(run, () -> recovery.recover(run, Instant.now().plus(Duration.ofDays(7)), 3)
                .map(answer -> answer));

        assertThat(handedOver).as("whether the cancelled run was handed to a worker again").isEqualTo(false);
        assertThat(statusOf(run)).isEqualTo("aborted");
    }

    /**
     * Holds the run's task locked, starts {@code step}, waits until it is blocked on that lock, then cancels the run
     * in the lock's transaction and commits; answers what the step answered once it could go on.
     */
    private Object cancelWhileWaiting(UUID run, Supplier<Uni<Object>> step) throws Exception {
        UUID task = taskOf(run);
        SqlConnection holder = pool.getConnection().await().indefinitely();
        try {
            Transaction transaction = holder.begin().await().indefinitely();
            holder.preparedQuery("SELECT id FROM task.task WHERE id = $1 FOR UPDATE").execute(Tuple.of(task)).await().indefinitely();
            long waitingBefore = lockWaits();

            CompletableFuture<Object> answer = OnVertxContext.call(vertx, step).subscribeAsCompletionStage();
            await().atMost(Duration.ofSeconds(10)).until(() -> lockWaits() > waitingBefore);

            holder.preparedQuery("UPDATE task.task_run SET status = 'aborted', completed_at = now() WHERE id = $1")
                    .execute(Tuple.of(run)).await().indefinitely();
            transaction.commit().await().indefinitely();
            return answer.get(10, TimeUnit.SECONDS);
        } finally {
            holder.close().await().indefinitely();
        }
    }

    private UUID addRun(String status, String heartbeat) {
        String taskId = TaskFixtures.completedTask(TOKEN, "hold still");
        UUID run = UUID.randomUUID();
        pool.preparedQuery("INSERT INTO task.task_run (id, task_id, status, run_config, created_at, attempt, heartbeat_at, org_id, user_id) "
                        + "SELECT $1, $2, $3, '{\"mode\":\"agent\",\"model\":\"auto\"}'::jsonb, now(), 1, " + heartbeat + ", t.org, t.created_by FROM task.task t WHERE t.id = $2")
                .execute(Tuple.of(run, UUID.fromString(taskId), status)).await().indefinitely();
        return run;
    }

    private UUID taskOf(UUID run) {
        return pool.preparedQuery("SELECT task_id FROM task.task_run WHERE id = $1").execute(Tuple.of(run)).await().indefinitely()
                .iterator().next().getUUID("task_id");
    }

    private String statusOf(UUID run) {
        return pool.preparedQuery("SELECT status FROM task.task_run WHERE id = $1").execute(Tuple.of(run)).await().indefinitely()
                .iterator().next().getString("status");
    }

    /** Backends of this database waiting for a row lock. */
    private long lockWaits() {
        return pool.query("SELECT count(*) AS waiting FROM pg_stat_activity WHERE datname = current_database() "
                + "AND wait_event_type = 'Lock'").execute().await().indefinitely().iterator().next().getLong("waiting");
    }
}
