package dev.relay.task.agent;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import dev.relay.common.budget.NeoPricing;
import dev.relay.common.event.BudgetStateChanged;
import dev.relay.common.event.BudgetStateChanged.Allowance;
import dev.relay.common.event.Topics;
import dev.relay.testsupport.FakeModelProvider;
import dev.relay.testsupport.RelayTestResources;
import dev.relay.testsupport.TestTokens;
import dev.relay.testsupport.TestTopics;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * 200 runs of a model that answers at length race for the last tokens of a window (admission reserves 1 token a run
 * in this profile, so creates are refused only while the room is held): every model call is bounded by what the
 * budgets have room for, calls wait while other runs' reservations hold it, and the window ends at or below its
 * allowance; every create is admitted or refused with the seeds' 402, every admitted run completes or fails with the
 * budget's reason.
 */
@QuarkusTest
@TestProfile(BudgetOvershootTest.WithAPatientModelProvider.class)
@WithTestResource(RelayTestResources.class)
class BudgetOvershootTest {

    /**
     * ModelProviderTest's provider with a 30 s call timeout instead of 3 s: 200 runs racing on a loaded 2-core CI machine
     * once waited more than 3 s for the fake provider, and this test is about the budget, not about stalled providers.
     */
    public static class WithAPatientModelProvider extends ModelProviderTest.WithAModelProvider {

        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> overrides = new HashMap<>(super.getConfigOverrides());
            overrides.put("relay.llm.timeout", "30s");
            // the instance's limit of runs at once fixed above the test's runs: they all race, whatever their steps take
            overrides.put("relay.runs.min-working", "512");
            return overrides;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private static final long ALLOWANCE = 8_000;
    private static final int RUNS = 200;

    @Inject
    Pool pool;

    @Test
    void runsRacingForTheLastTokensOfAWindowNeverSpendMoreThanItsAllowance() throws Exception {
        String org = "overshoot-" + UUID.randomUUID().toString().substring(0, 8);
        Instant origin = Instant.now().minus(1, ChronoUnit.DAYS);
        BudgetStateChanged state = new BudgetStateChanged(UUID.randomUUID(), org, 1, origin, 30, origin,
                new Allowance("trial", ALLOWANCE, List.of(), 0), List.of(), List.of(), NeoPricing.ONE_TO_ONE, Instant.now());
        TestTopics.send(Topics.BUDGET_STATES, org, JSON.writeValueAsString(state), Map.of());
        await().atMost(Duration.ofSeconds(20)).until(() -> count("SELECT count(*) FROM task.budget_state WHERE org = $1", org) == 1);

        // every run may work at once (the default limit of runs at once would make them take turns, not race)
        given().header("Authorization", TestTokens.adminBearer(org, "admin@" + org + ".dev")).contentType(ContentType.JSON)
                .body("{\"max_active_runs\":" + RUNS + "}").put("/api/v1/run-queue").then().statusCode(200);
        // four members, each under the %test runs limit of one user
        List<String> tokens = List.of(1, 2, 3, 4).stream().map(n -> TestTokens.bearer(org, "racer" + n + "@" + org + ".dev")).toList();
        ExecutorService clients = Executors.newFixedThreadPool(16);
        List<Future<Response>> answers = new ArrayList<>();
        try {
            for (int i = 0; i < RUNS; i++) {
                String token = tokens.get(i % tokens.size());
                answers.add(clients.submit(() -> given().header("Authorization", token).contentType(ContentType.JSON)
                        .accept(ContentType.JSON).body("{\"task\":\"long-answer, please\",\"response_format\":\"json\"}")
                        .post("/api/v1/tasks")));
            }
            List<String> admitted = new ArrayList<>();
            for (Future<Response> answer : answers) {
                Response response = answer.get();
                assertThat(response.statusCode()).as(response.asString()).isIn(202, 402);
                if (response.statusCode() == 202) {
                    admitted.add(response.path("task_id"));
                } else {
                    assertThat((String) response.path("code")).isEqualTo("insufficient_neo_credits");
                }
            }
            assertThat(admitted).isNotEmpty();

            await().atMost(Duration.ofSeconds(120)).until(() -> count("SELECT count(*) FROM task.task_run r JOIN task.task t "
                    + "ON t.id = r.task_id WHERE t.org = $1 AND r.status IN ('completed', 'error')", org) == admitted.size());

            long spent = count("SELECT spent FROM task.budget_account WHERE org = $1 AND scope = 'org'", org);
            long used = count("SELECT coalesce(sum(r.input_tokens + r.output_tokens), 0) FROM task.task_run r JOIN task.task t "
                    + "ON t.id = r.task_id WHERE t.org = $1", org);
            long completed = count("SELECT count(*) FROM task.task_run r JOIN task.task t ON t.id = r.task_id "
                    + "WHERE t.org = $1 AND r.status = 'completed'", org);
            System.out.printf("BudgetOvershootTest: %d runs admitted of %d, %d completed; %d of %d tokens used (overshoot %d)%n",
                    admitted.size(), RUNS, completed, used, ALLOWANCE, Math.max(0, used - ALLOWANCE));
            assertThat(used).isEqualTo(spent).isLessThanOrEqualTo(ALLOWANCE);
            assertThat(completed).isPositive();
            assertThat(count("SELECT reserved FROM task.budget_account WHERE org = $1 AND scope = 'org'", org)).isZero();

            Set<String> ids = Set.copyOf(admitted);
            List<JsonNode> failures = TestTopics.readUntil(Topics.TASK_EVENTS, Duration.ofSeconds(30),
                    read -> read.stream().filter(record -> ids.contains(record.key()) && record.value().contains("\"run.failed\"")).count()
                            >= admitted.size() - completed).stream()
                    .filter(record -> ids.contains(record.key()) && record.value().contains("\"run.failed\""))
                    .map(record -> read(record.value())).toList();
            // every admitted run that did not complete was stopped for the budget, and says so
            assertThat(failures).hasSize((int) (admitted.size() - completed));
            assertThat(failures.stream().map(event -> event.path("data").path("reason").asText()).collect(Collectors.toSet()))
                    .allSatisfy(reason -> assertThat(reason).containsAnyOf("has no room for the next model call", "is used up"));
            assertThat(FakeModelProvider.RECEIVED.stream().filter(received -> received.body().toString().contains("long-answer")))
                    .allSatisfy(received -> assertThat(received.body().path("max_tokens").asInt(0)).isPositive());
        } finally {
            clients.shutdownNow();
        }
    }

    private long count(String sql, Object... params) {
        Row row = pool.preparedQuery(sql).execute(Tuple.from(params)).await().indefinitely().iterator().next();
        return row.getValue(0) == null ? 0 : ((Number) row.getValue(0)).longValue();
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
