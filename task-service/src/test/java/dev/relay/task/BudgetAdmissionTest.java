package dev.relay.task;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import dev.relay.common.budget.NeoPricing;
import dev.relay.common.event.BudgetStateChanged;
import dev.relay.common.event.BudgetStateChanged.Allowance;
import dev.relay.common.event.BudgetStateChanged.Cap;
import dev.relay.common.event.ScheduleFired;
import dev.relay.common.event.ScheduledRunReported;
import dev.relay.common.event.Topics;
import dev.relay.testsupport.RelayTestResources;
import dev.relay.testsupport.TestTopics;
import dev.relay.testsupport.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Creates are admitted against the budget state the billing service publishes (topic budget-states): refused with
 * the seeds' 402 codes when a limit is used up, warned near it, never overrun by creates arriving together; a run
 * whose budget is used up stops at its next step; a new window starts from zero.
 */
@QuarkusTest
@WithTestResource(RelayTestResources.class)
class BudgetAdmissionTest {

    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    /** relay.budget.run-estimate */
    private static final long ESTIMATE = 2000;

    @Inject
    Pool pool;

    private static String newOrg() {
        return "budget-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A budget state as billing publishes it: windows of 30 days from {@code origin}, consumption in the current one. */
    private static BudgetStateChanged state(String org, long version, Instant origin, Instant windowStart, Allowance allowance,
            List<Cap> userCaps, List<Cap> projectCaps) {
        return new BudgetStateChanged(UUID.randomUUID(), org, version, origin, 30, windowStart, allowance, userCaps, projectCaps,
                NeoPricing.ONE_TO_ONE, Instant.now());
    }

    private static BudgetStateChanged allowance(String org, long version, long tokens, long consumed) {
        Instant origin = Instant.now().minus(1, ChronoUnit.DAYS);
        return state(org, version, origin, origin, new Allowance("trial", tokens, List.of(), consumed), List.of(), List.of());
    }

    /** Publishes the state and waits until the task service keeps it. */
    private void publish(BudgetStateChanged state) throws Exception {
        TestTopics.send(Topics.BUDGET_STATES, state.org(), JSON.writeValueAsString(state), Map.of());
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            var rows = pool.preparedQuery("SELECT version FROM task.budget_state WHERE org = $1").execute(Tuple.of(state.org()))
                    .await().indefinitely();
            return rows.size() == 1 && rows.iterator().next().getLong(0) >= state.version();
        });
    }

    private static Response create(String token, String body) {
        return given().header("Authorization", token).contentType(ContentType.JSON).accept(ContentType.JSON).body(body).post("/api/v1/tasks");
    }

    private static String task(String prompt, String extra) {
        return "{\"task\":\"" + prompt + "\",\"response_format\":\"json\"" + extra + "}";
    }

    private long sum(String sql, Object... params) {
        Row row = pool.preparedQuery(sql).execute(Tuple.from(params)).await().indefinitely().iterator().next();
        return row.getLong(0) == null ? 0 : row.getLong(0);
    }

    /** The task's events of {@code type} on task-events, once there (20 s at most). */
    private static List<JsonNode> eventsOf(String taskId, String type) {
        var records = TestTopics.readUntil(Topics.TASK_EVENTS, Duration.ofSeconds(20), read -> read.stream()
                .anyMatch(record -> record.key().equals(taskId) && record.value().contains("\"" + type + "\"")));
        return records.stream().filter(record -> record.key().equals(taskId)).map(record -> {
            try {
                return JSON.readTree(record.value());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).filter(event -> event.get("type").asText().equals(type)).toList();
    }

    @Test
    void eachUsedUpLimitRefusesWithItsCodeInJsonSseAndAgentsApi() throws Exception {
        String org = newOrg();
        String capped = "capped@" + org + ".dev";
        String project = UUID.randomUUID().toString();
        Instant origin = Instant.now().minus(1, ChronoUnit.DAYS);
        publish(state(org, 1, origin, origin, new Allowance("individual", 100_000, List.of(), 0),
                List.of(new Cap(capped, 0, 0)), List.of(new Cap(project, 500, 500))));

        create(TestTokens.bearer(org, capped), task("scan", "")).then().statusCode(402)
                .body("code", equalTo("user_spending_cap_reached")).body("error", equalTo("Payment Required"))
                .body("kind", equalTo("payment required")).body("message", containsString("spending cap is used up"));
        create(TestTokens.bearer(org, "free@" + org + ".dev"), task("scan", ",\"project_id\":\"" + project + "\"")).then()
                .statusCode(402).body("code", equalTo("project_spending_cap_reached"));
        // another user, no project: admitted
        create(TestTokens.bearer(org, "free@" + org + ".dev"), task("scan", "")).then().statusCode(202);

        publish(allowance(org, 2, 1_000, 1_000));
        String token = TestTokens.bearer(org, "someone@" + org + ".dev");
        create(token, task("scan", "")).then().statusCode(402).body("code", equalTo("insufficient_neo_credits"));
        // SSE mode: a plain 402 with the error body, not a stream
        given().header("Authorization", token).contentType(ContentType.JSON).accept("text/event-stream")
                .body("{\"task\":\"scan\"}").post("/api/v1/tasks").then().statusCode(402)
                .contentType(containsString("application/json")).body("code", equalTo("insufficient_neo_credits"));
        given().header("Authorization", token).contentType(ContentType.JSON)
                .body("{\"message\":{\"type\":\"user_message\",\"content\":\"scan\",\"timestamp\":\"2026-11-23T10:00:00Z\"}}")
                .post("/api/preview/agents/" + org + "/tasks").then().statusCode(402).body("code", equalTo("insufficient_neo_credits"));
        // nothing was created by the refused calls
        assertThat(sum("SELECT count(*) FROM task.task WHERE org = $1", org)).isEqualTo(1);
    }

    @Test
    void aCreateNearALimitIsWarnedInItsAckAndOnTheTasksStream() throws Exception {
        String org = newOrg();
        String project = UUID.randomUUID().toString();
        Instant origin = Instant.now().minus(1, ChronoUnit.DAYS);
        publish(state(org, 1, origin, origin, new Allowance("trial", 100_000, List.of(), 85_000), List.of(),
                List.of(new Cap(project, 10_000, 9_000))));
        String token = TestTokens.bearer(org, "near@" + org + ".dev");

        String taskId = create(token, task("scan", ",\"project_id\":\"" + project + "\"")).then().statusCode(202)
                .body("warnings", hasSize(2))
                .body("warnings[0].code", equalTo("spending_cap_approaching"))
                .body("warnings[0].message", containsString("85 % used"))
                .body("warnings[1].code", equalTo("project_spending_cap_approaching"))
                .extract().path("task_id");
        List<JsonNode> warnings = eventsOf(taskId, "budget.warning");
        assertThat(warnings).extracting(event -> event.get("data").get("code").asText())
                .containsExactly("spending_cap_approaching", "project_spending_cap_approaching");

        // below the warning level: no warnings field at all
        publish(allowance(org, 2, 100_000, 10_000));
        create(TestTokens.bearer(org, "far@" + org + ".dev"), task("scan", "")).then().statusCode(202).body("warnings", nullValue());
    }

    @Test
    void fiftyCreatesAtOnceNeverReserveMoreThanTheHeadroom() throws Exception {
        String org = newOrg();
        long headroom = 10 * ESTIMATE;
        publish(allowance(org, 1, headroom + 5_000, 5_000));
        String token = TestTokens.bearer(org, "burst@" + org + ".dev");
        ExecutorService pool50 = Executors.newFixedThreadPool(50);
        List<Future<Integer>> answers = new ArrayList<>();
        try {
            for (int i = 0; i < 50; i++) {
                // each run asks a question first and then waits: its reservation stays while the others are decided
                Callable<Integer> call = () -> create(token, task("burst", ",\"ask_question\":true")).statusCode();
                answers.add(pool50.submit(call));
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> answer : answers) {
                statuses.add(answer.get());
            }
            // ten estimates fit; a run that has made its first call holds only what its next may cost, so a create
            // decided after that may find room for an eleventh
            long admitted = statuses.stream().filter(status -> status == 202).count();
            assertThat(admitted).isBetween(10L, 49L);
            assertThat(statuses).filteredOn(status -> status == 402).hasSize((int) (50 - admitted));
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(sum("SELECT count(*) FROM task.task_run r "
                    + "JOIN task.task t ON t.id = r.task_id WHERE t.org = $1 AND r.status = 'suspended'", org)).isEqualTo(admitted));
        } finally {
            pool50.shutdownNow();
        }
        // spent + reserved never exceeds the headroom, and the reservations are what the accounts hold reserved
        assertThat(sum("SELECT spent + reserved FROM task.budget_account WHERE org = $1 AND scope = 'org'", org)).isLessThanOrEqualTo(headroom);
        assertThat(sum("SELECT sum(tokens) FROM task.budget_reservation WHERE org = $1", org))
                .isEqualTo(sum("SELECT reserved FROM task.budget_account WHERE org = $1 AND scope = 'org'", org));
    }

    @Test
    void aRunSettlesItsReservationWithItsUsageAndReleasesTheRestWhenItEnds() throws Exception {
        String org = newOrg();
        Instant origin = Instant.now().minus(1, ChronoUnit.DAYS);
        // billing prices input tokens at 2 and output tokens at 3 Neo tokens
        publish(new BudgetStateChanged(UUID.randomUUID(), org, 1, origin, 30, origin, new Allowance("trial", 1_000_000, List.of(), 0),
                List.of(), List.of(), new NeoPricing(2, 3, Map.of()), Instant.now()));
        String token = TestTokens.bearer(org, "settle@" + org + ".dev");

        String taskId = create(token, task("scan example.com", "")).then().statusCode(202).extract().path("task_id");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().header("Authorization", token)
                .get("/api/v1/tasks/" + taskId).then().body("task.status", equalTo("completed")));

        JsonNode usage = eventsOf(taskId, "usage.reported").get(0).get("data");
        long used = 2 * usage.get("input_tokens").asLong() + 3 * usage.get("output_tokens").asLong();
        given().header("Authorization", token).get("/api/preview/agents/" + org + "/tasks/" + taskId).then()
                .body("tokensUsed", equalTo((int) used));
        assertThat(sum("SELECT spent FROM task.budget_account WHERE org = $1 AND scope = 'org'", org)).isEqualTo(used);
        assertThat(sum("SELECT spent FROM task.budget_account WHERE org = $1 AND scope = 'user'", org)).isEqualTo(used);
        assertThat(sum("SELECT reserved FROM task.budget_account WHERE org = $1 AND scope = 'org'", org)).isZero();
        assertThat(sum("SELECT count(*) FROM task.budget_reservation WHERE org = $1", org)).isZero();
    }

    @Test
    void aRunWhoseBudgetIsUsedUpStopsAtItsNextStep() throws Exception {
        String org = newOrg();
        publish(allowance(org, 1, 50_000, 0));
        String token = TestTokens.bearer(org, "stopped@" + org + ".dev");
        String taskId = create(token, task("rotate the keys", ",\"ask_question\":true")).then().statusCode(202).extract().path("task_id");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().header("Authorization", token)
                .get("/api/v1/tasks/" + taskId).then().body("task.status", equalTo("suspended")));
        String approval = pool.preparedQuery("SELECT id FROM task.approval WHERE task_id = $1").execute(Tuple.of(UUID.fromString(taskId)))
                .await().indefinitely().iterator().next().getUUID(0).toString();

        // meanwhile the organization's other usage used the allowance up
        publish(allowance(org, 2, 50_000, 50_000));
        given().header("Authorization", token).contentType(ContentType.JSON)
                .body("{\"event\":{\"type\":\"user_confirmation\",\"approval_request_id\":\"" + approval + "\",\"ok\":true}}")
                .post("/api/preview/agents/" + org + "/tasks/" + taskId).then().statusCode(200);

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().header("Authorization", token)
                .get("/api/v1/tasks/" + taskId).then().body("task.status", equalTo("error")));
        JsonNode failed = eventsOf(taskId, "run.failed").get(0).get("data");
        assertThat(failed.get("code").asText()).isEqualTo("insufficient_neo_credits");
        assertThat(failed.get("reason").asText()).contains("allowance is used up");
        // it stopped before streaming its answer: no message after the resume
        given().header("Authorization", token).get("/api/v1/tasks/" + taskId).then().body("messages", hasSize(2));
        assertThat(sum("SELECT count(*) FROM task.budget_reservation WHERE org = $1", org)).isZero();
    }

    @Test
    void aNewWindowStartsFromZero() throws Exception {
        String org = newOrg();
        Instant origin = Instant.now().minus(31, ChronoUnit.DAYS);
        // the state still reports the consumption of the window that ended yesterday (30-day windows)
        publish(state(org, 1, origin, origin, new Allowance("individual", 1_000, List.of(), 1_000), List.of(), List.of()));
        create(TestTokens.bearer(org, "new-window@" + org + ".dev"), task("scan", "")).then().statusCode(202);

        // the same consumption in the current window refuses
        Instant current = origin.plus(30, ChronoUnit.DAYS);
        publish(state(org, 2, origin, current, new Allowance("individual", 1_000, List.of(), 1_000), List.of(), List.of()));
        create(TestTokens.bearer(org, "new-window@" + org + ".dev"), task("scan", "")).then().statusCode(402);
    }

    @Test
    void aFiringTheBudgetHasNoRoomForIsReportedRefused() throws Exception {
        String org = newOrg();
        String user = "sched@" + org + ".dev";
        String token = TestTokens.bearer(org, user);
        String taskId = TaskFixtures.completedTask(token, "scan example.com");
        publish(allowance(org, 1, 100, 100));
        ScheduleFired trigger = new ScheduleFired(UUID.randomUUID(), UUID.randomUUID(), UUID.fromString(taskId), org, user, Instant.now(), 0);

        TestTopics.send(Topics.TASK_TRIGGERS, taskId, JSON.writeValueAsString(trigger), Map.of());

        var reports = TestTopics.readUntil(Topics.SCHEDULE_RUNS, Duration.ofSeconds(20), records -> records.stream()
                .anyMatch(record -> record.value().contains(trigger.executionId().toString())));
        ScheduledRunReported report = reports.stream().filter(record -> record.value().contains(trigger.executionId().toString()))
                .map(record -> {
                    try {
                        return JSON.readValue(record.value(), ScheduledRunReported.class);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }).findFirst().orElseThrow();
        assertThat(report.status()).isEqualTo("refused");
        assertThat(report.reason()).startsWith("insufficient_neo_credits");
        given().header("Authorization", token).get("/api/v1/tasks/" + taskId).then().body("streams", hasSize(1));
    }

    @Test
    void anOlderStateArrivingLateIsIgnored() throws Exception {
        String org = newOrg();
        publish(allowance(org, 5, 1_000, 1_000));
        TestTopics.send(Topics.BUDGET_STATES, org, JSON.writeValueAsString(allowance(org, 4, 1_000_000, 0)), Map.of());
        publish(allowance(org, 5, 1_000_000, 0));
        create(TestTokens.bearer(org, "late@" + org + ".dev"), task("scan", "")).then().statusCode(402);
    }
}
