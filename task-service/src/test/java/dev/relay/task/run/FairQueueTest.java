package dev.relay.task.run;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.relay.task.OnVertxContext;
import dev.relay.task.TaskLock;
import io.smallrye.mutiny.Uni;
import dev.relay.common.event.RunRequested;
import dev.relay.common.event.Topics;
import dev.relay.task.agent.ModelProviderTest;
import dev.relay.testsupport.TaskEvents;
import dev.relay.testsupport.RelayTestResources;
import dev.relay.testsupport.TestTokens;
import dev.relay.testsupport.TestTopics;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The fair queue, against the fake model provider (each run's answer comes after a moment): an organization works at
 * most its limit of runs at once, the rest wait their turn (saying so, with their place) and each runs once; another
 * organization's run does not wait behind that line.
 */
@QuarkusTest
@TestProfile(ModelProviderTest.WithAModelProvider.class)
@WithTestResource(RelayTestResources.class)
class FairQueueTest {

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    @Inject
    Pool pool;
    @Inject
    io.vertx.core.Vertx vertx;
    @Inject
    RunClaims claims;
    @Inject
    RunExecutor executor;

    private static String create(String token, String prompt) {
        return given().header("Authorization", token).contentType(ContentType.JSON)
                .body("{\"task\":\"" + prompt + "\",\"response_format\":\"json\"}").post("/api/v1/tasks")
                .then().statusCode(202).extract().path("task_id");
    }

    private static void setLimit(String admin, int limit) {
        given().header("Authorization", admin).contentType(ContentType.JSON).body("{\"max_active_runs\":" + limit + "}")
                .put("/api/v1/run-queue").then().statusCode(200).body("max_active_runs", equalTo(limit)).body("own_limit", equalTo(true));
    }

    private long count(String sql, Object... params) {
        return pool.preparedQuery(sql).execute(Tuple.from(params)).await().indefinitely().iterator().next().getLong(0);
    }

    /** The run of a task that has one. */
    private UUID runOf(String task) {
        return pool.preparedQuery("SELECT id FROM task.task_run WHERE task_id = $1").execute(Tuple.of(UUID.fromString(task)))
                .await().indefinitely().iterator().next().getUUID(0);
    }

    private long active(String org) {
        return count("SELECT count(*) FROM task.task_run WHERE org_id = $1 AND status = 'active'", org);
    }

    private long finished(String org) {
        return count("SELECT count(*) FROM task.task_run WHERE org_id = $1 AND status = 'completed'", org);
    }

    @Test
    void anOrganizationWorksAtMostItsLimitOfRunsAtOnceAndTheRestWaitTheirTurn() {
        String org = "fairq-" + UUID.randomUUID().toString().substring(0, 8);
        String admin = TestTokens.adminBearer(org, "admin@" + org + ".dev");
        setLimit(admin, 2);
        List<String> members = List.of(TestTokens.bearer(org, "ann@" + org + ".dev"), TestTokens.bearer(org, "al@" + org + ".dev"));
        given().header("Authorization", members.get(0)).contentType(ContentType.JSON).body("{\"max_active_runs\":50}")
                .put("/api/v1/run-queue").then().statusCode(403).body("code", equalTo("forbidden"));

        List<String> tasks = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            tasks.add(create(members.get(i % 2), "hold-a-moment " + i));
        }
        AtomicLong mostAtOnce = new AtomicLong();
        AtomicLong placeSeen = new AtomicLong();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> {
            mostAtOnce.accumulateAndGet(active(org), Math::max);
            if (placeSeen.get() == 0) {
                Integer place = given().header("Authorization", members.get(1)).get("/api/v1/tasks/" + tasks.get(5))
                        .then().statusCode(200).extract().path("stream.queue_position");
                placeSeen.set(place == null ? 0 : place);
            }
            return finished(org) == tasks.size();
        });

        assertThat(mostAtOnce.get()).as("runs of the organization working at once").isEqualTo(2);
        assertThat(placeSeen.get()).as("the last task's place while it waited").isBetween(1L, 4L);
        List<JsonNode> events = TaskEvents.of(Topics.TASK_EVENTS, tasks, read -> TaskEvents.count(read, "run.completed") == tasks.size());
        assertThat(TaskEvents.count(events, "run.started")).as("each run started once").isEqualTo(tasks.size());
        List<JsonNode> queued = events.stream().filter(event -> "run.queued".equals(event.path("type").asText())).toList();
        assertThat(queued).as("runs that waited their turn").hasSizeBetween(1, 4)
                .allSatisfy(event -> {
                    assertThat(event.path("data").path("reason").asText()).isEqualTo("org_limit");
                    assertThat(event.path("data").path("limit").asInt()).isEqualTo(2);
                });
        given().header("Authorization", members.get(0)).get("/api/v1/run-queue").then().statusCode(200)
                .body("max_active_runs", equalTo(2)).body("active_runs", equalTo(0)).body("waiting_runs", equalTo(0));
        given().header("Authorization", admin).delete("/api/v1/run-queue").then().statusCode(200)
                .body("own_limit", equalTo(false)).body("max_active_runs", equalTo(32));
        given().header("Authorization", admin).contentType(ContentType.JSON).body("{\"max_active_runs\":100000}")
                .put("/api/v1/run-queue").then().statusCode(400).body("code", equalTo("invalid_request"));
    }

    @Test
    void anotherOrganizationsRunDoesNotWaitBehindOneOrganizationsLine() {
        String busy = "fairq-busy-" + UUID.randomUUID().toString().substring(0, 8);
        String quiet = "fairq-quiet-" + UUID.randomUUID().toString().substring(0, 8);
        setLimit(TestTokens.adminBearer(busy, "admin@" + busy + ".dev"), 1);
        String busyMember = TestTokens.bearer(busy, "bo@" + busy + ".dev");
        List<String> line = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            line.add(create(busyMember, "hold-a-moment " + i));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> active(busy) == 1);

        String quietTask = create(TestTokens.bearer(quiet, "qi@" + quiet + ".dev"), "hold-a-moment, quietly");

        await().atMost(Duration.ofSeconds(20)).until(() -> finished(quiet) == 1);
        assertThat(finished(busy)).as("the busy organization's runs done when the quiet one's was").isLessThan(line.size());
        List<JsonNode> quietEvents = TaskEvents.of(Topics.TASK_EVENTS, List.of(quietTask), read -> TaskEvents.count(read, "run.completed") == 1);
        assertThat(TaskEvents.count(quietEvents, "run.queued")).isZero();
        await().atMost(Duration.ofSeconds(30)).until(() -> finished(busy) == line.size());
    }

    @Test
    void aRunStartsWhereItsRequestCommittedWithoutWaitingForItsRecord() throws Exception {
        String org = "fairq-now-" + UUID.randomUUID().toString().substring(0, 8);
        String member = TestTokens.bearer(org, "now@" + org + ".dev");
        String first = create(member, "hold-a-moment, first");
        await().atMost(Duration.ofSeconds(20)).until(() -> finished(org) == 1);
        UUID firstRun = runOf(first);

        // task-runs stops behind a record whose claim waits for a task this test holds locked: the records after it
        // (the next create's) are not read until the lock goes. A record of a run that is not pending is passed over
        // without a lock, so the first run looks pending until the lock goes (and is completed again with it).
        io.vertx.mutiny.sqlclient.SqlConnection holder = TaskLock.hold(pool, UUID.fromString(first));
        try {
            pool.preparedQuery("UPDATE task.task_run SET status = 'pending' WHERE id = $1").execute(Tuple.of(firstRun)).await().indefinitely();
            RunRequested stuck = new RunRequested(UUID.randomUUID(), UUID.fromString(first), firstRun);
            TestTopics.send(Topics.TASK_RUNS, first, JSON.writeValueAsString(stuck), Map.of());
            await().atMost(Duration.ofSeconds(20)).until(() -> count("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'") > 0);

            String second = create(member, "hold-a-moment, second");

            await().atMost(Duration.ofSeconds(20)).until(() -> count("SELECT count(*) FROM task.task_run WHERE task_id = $1 AND started_at IS NOT NULL",
                    UUID.fromString(second)) == 1);
            long waited = count("SELECT (extract(epoch FROM started_at - created_at) * 1000)::bigint FROM task.task_run WHERE task_id = $1",
                    UUID.fromString(second));
            assertThat(count("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"))
                    .as("the record before the second run's still waits").isPositive();
            // a dispatcher takes a run only once it has waited relay.runs.unclaimed-after (1 s) for its record
            assertThat(waited).as("ms from the second run's request to its start").isLessThan(1_000);
        } finally {
            holder.preparedQuery("UPDATE task.task_run SET status = 'completed' WHERE id = $1").execute(Tuple.of(firstRun)).await().indefinitely();
            holder.query("COMMIT").execute().await().indefinitely();
            holder.close().await().indefinitely();
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> finished(org) == 2);
        assertThat(count("SELECT count(*) FROM task.task_run WHERE org_id = $1 AND attempt = 1", org)).as("each run claimed once").isEqualTo(2);
    }

    @Test
    void aRecordOfARunThatStartedAlreadyIsPassedOverWithoutATransaction() {
        String org = "fairq-late-record-" + UUID.randomUUID().toString().substring(0, 8);
        String task = create(TestTokens.bearer(org, "lr@" + org + ".dev"), "hold-a-moment");
        await().atMost(Duration.ofSeconds(20)).until(() -> finished(org) == 1);
        UUID run = runOf(task);

        // a claim locks the task first: with the task locked here, only a record passed over before any claim is answered
        io.vertx.mutiny.sqlclient.SqlConnection holder = TaskLock.hold(pool, UUID.fromString(task));
        try {
            Boolean started = OnVertxContext.call(vertx, () -> executor.startRequested(UUID.fromString(task), run)).await().atMost(Duration.ofSeconds(5));

            assertThat(started).isFalse();
        } finally {
            holder.query("ROLLBACK").execute().await().indefinitely();
            holder.close().await().indefinitely();
        }
        assertThat(count("SELECT attempt FROM task.task_run WHERE id = $1", run)).isEqualTo(1);
    }

    @Test
    void aRunWaitingItsTurnFailsWhenItsStartDeadlinePassesNotWhenItsTurnComes() {
        String org = "fairq-late-" + UUID.randomUUID().toString().substring(0, 8);
        setLimit(TestTokens.adminBearer(org, "admin@" + org + ".dev"), 1);
        String member = TestTokens.bearer(org, "lee@" + org + ".dev");
        String task = dev.relay.task.TaskFixtures.completedTask(member, "a task to hang a late run on");
        // the organization's one slot is taken by a run whose model stays silent (3 s here, then the run fails)
        String silent = create(member, "stall-stream, holding the slot");
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20)).until(() -> active(org) == 1);

        // a run held back a minute ago (its organization at its limit) whose start deadline was 5 s
        UUID late = UUID.randomUUID();
        pool.preparedQuery("INSERT INTO task.task_run (id, task_id, status, run_config, created_at, queued_at, attempt, org_id, user_id) "
                        + "SELECT $1, $2, 'pending', '{\"mode\":\"agent\",\"model\":\"auto\",\"start_deadline_seconds\":5}'::jsonb, "
                        + "now() - interval '1 minute', now() - interval '1 minute', 0, t.org, t.created_by FROM task.task t WHERE t.id = $2")
                .execute(Tuple.of(late, UUID.fromString(task))).await().indefinitely();

        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> count("SELECT count(*) FROM task.task_run WHERE id = $1 AND status = 'error'", late) == 1);
        assertThat(count("SELECT count(*) FROM task.task_run WHERE task_id = $1 AND status = 'active'", UUID.fromString(silent)))
                .as("the slot's run still works: the waiting run did not wait for its turn to fail").isEqualTo(1);
        List<JsonNode> events = TaskEvents.of(Topics.TASK_EVENTS, List.of(task), read -> TaskEvents.count(read, "run.failed") == 1);
        JsonNode failed = events.stream().filter(event -> "run.failed".equals(event.path("type").asText())).findFirst().orElseThrow();
        assertThat(failed.path("stream_id").asText()).isEqualTo(late.toString());
        assertThat(failed.path("data").path("code").asText()).isEqualTo(RunClaims.START_DEADLINE_PASSED);
    }

    @Test
    void claimsRacingOnSeveralConnectionsNeverTakeMoreSlotsThanTheLimit() {
        String org = "fairq-race-" + UUID.randomUUID().toString().substring(0, 8);
        setLimit(TestTokens.adminBearer(org, "admin@" + org + ".dev"), 3);
        String member = TestTokens.bearer(org, "rae@" + org + ".dev");
        // runs of different tasks: their claims do not wait for each other's task lock
        List<String> taskIds = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            taskIds.add(create(member, "a task to hang a run on"));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> finished(org) == taskIds.size());
        List<UUID> runs = new ArrayList<>();
        for (String taskId : taskIds) {
            UUID run = UUID.randomUUID();
            pool.preparedQuery("INSERT INTO task.task_run (id, task_id, status, run_config, created_at, attempt, org_id, user_id) "
                            + "SELECT $1, $2, 'pending', '{\"mode\":\"agent\",\"model\":\"auto\"}'::jsonb, now(), 0, t.org, t.created_by "
                            + "FROM task.task t WHERE t.id = $2")
                    .execute(Tuple.of(run, UUID.fromString(taskId))).await().indefinitely();
            runs.add(run);
        }
        try {
            // each claim in a transaction of its own on a connection of its own, all at once, as instances would
            List<Uni<Boolean>> racing = runs.stream().map(run -> OnVertxContext.call(vertx, () -> claims.claim(null, run, true, false))
                    .map(claimed -> claimed != null)).toList();
            List<Boolean> claimed = Uni.join().all(racing).andFailFast().await().atMost(Duration.ofSeconds(30));

            assertThat(claimed.stream().filter(Boolean::booleanValue).count()).as("claims that took a slot").isEqualTo(3);
            assertThat(count("SELECT count(DISTINCT org_slot) FROM task.task_run WHERE org_id = $1 AND status = 'active'", org))
                    .isEqualTo(3);
        } finally {
            pool.preparedQuery("UPDATE task.task_run SET status = 'aborted', completed_at = now() WHERE id = ANY($1)")
                    .execute(Tuple.of(runs.toArray(UUID[]::new))).await().indefinitely();
        }
    }
}
