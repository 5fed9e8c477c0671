package dev.relay.task.run;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.relay.common.event.Topics;
import dev.relay.task.OnVertxContext;
import dev.relay.task.TaskFixtures;
import dev.relay.testsupport.RelayTestResources;
import dev.relay.testsupport.TestTokens;
import dev.relay.testsupport.TestTopics;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/** Limits a task sets for its runs: max_tokens, max_duration_seconds, start_deadline_seconds (simulated agent). */
@QuarkusTest
@WithTestResource(RelayTestResources.class)
class RunLimitsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ORG = "limits";
    private static final String TOKEN = TestTokens.bearer(ORG, "lin@limits.dev");

    @Inject
    Pool pool;
    @Inject
    Vertx vertx;
    @Inject
    RunClaims claims;

    private static String create(String body) {
        return given().header("Authorization", TOKEN).contentType(ContentType.JSON).body(body).post("/api/v1/tasks")
                .then().statusCode(202).extract().path("task_id");
    }

    private static void awaitStatus(String taskId, String status) {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().header("Authorization", TOKEN)
                .get("/api/v1/tasks/" + taskId).then().body("task.status", equalTo(status)));
    }

    private static JsonNode event(String taskId, String type) {
        return TestTopics.readUntil(Topics.TASK_EVENTS, Duration.ofSeconds(20), read -> read.stream()
                        .anyMatch(record -> record.key().equals(taskId) && record.value().contains("\"" + type + "\"")))
                .stream().filter(record -> record.key().equals(taskId)).map(record -> read(record.value()))
                .filter(event -> event.path("type").asText().equals(type)).findFirst().orElseThrow();
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private long runTokens(String taskId) {
        return pool.preparedQuery("SELECT sum(input_tokens + output_tokens) FROM task.task_run WHERE task_id = $1")
                .execute(Tuple.of(UUID.fromString(taskId))).await().indefinitely().iterator().next().getLong(0);
    }

    @Test
    void aRunsRepliesStayWithinItsMaxTokensAndOneWithNoRoomFailsWithTheReason() {
        // the simulated agent counts a token per four characters: the prompt is 3 tokens, its reply about 70
        String cut = create("{\"task\":\"tell me all\",\"response_format\":\"json\",\"max_tokens\":12}");
        awaitStatus(cut, "completed");
        assertThat(runTokens(cut)).isBetween(4L, 12L);
        JsonNode usage = event(cut, "usage.reported").path("data");
        assertThat(usage.path("input_tokens").asLong() + usage.path("output_tokens").asLong()).isLessThanOrEqualTo(12);

        String none = create("{\"task\":\"tell me all\",\"response_format\":\"json\",\"max_tokens\":3}");
        awaitStatus(none, "error");
        JsonNode failed = event(none, "run.failed").path("data");
        assertThat(failed.path("code").asText()).isEqualTo(RunUsage.MAX_TOKENS_REACHED);
        assertThat(failed.path("reason").asText()).contains("max_tokens (3 tokens");
    }

    @Test
    void theRunsOfATaskStayWithinItsTaskMaxTokensInAllAndOneWithNoRoomLeftFailsWithTheReason() {
        // the first run uses about 73 tokens of 100, the second what is left, the third finds none
        String taskId = create("{\"task\":\"tell me all\",\"response_format\":\"json\",\"task_max_tokens\":100}");
        awaitStatus(taskId, "completed");
        long first = runTokens(taskId);
        assertThat(first).isBetween(20L, 99L);
        create("{\"id\":\"" + taskId + "\",\"task\":\"tell me more\",\"response_format\":\"json\"}");
        await().atMost(Duration.ofSeconds(20)).until(() -> runStatuses(taskId).equals(List.of("completed", "completed")));
        assertThat(runTokens(taskId)).isGreaterThan(first).isLessThanOrEqualTo(100L);

        create("{\"id\":\"" + taskId + "\",\"task\":\"and more\",\"response_format\":\"json\"}");
        awaitStatus(taskId, "error");
        JsonNode failed = event(taskId, "run.failed").path("data");
        assertThat(failed.path("code").asText()).isEqualTo(RunUsage.TASK_MAX_TOKENS_REACHED);
        assertThat(failed.path("reason").asText()).contains("task_max_tokens (100 tokens");
        assertThat(runTokens(taskId)).isLessThanOrEqualTo(100L);

        given().header("Authorization", TOKEN).contentType(ContentType.JSON)
                .body("{\"task\":\"x\",\"response_format\":\"json\",\"task_max_tokens\":0}").post("/api/v1/tasks")
                .then().statusCode(400).body("code", equalTo("invalid_request"));
    }

    private List<String> runStatuses(String taskId) {
        List<String> statuses = new java.util.ArrayList<>();
        pool.preparedQuery("SELECT status FROM task.task_run WHERE task_id = $1 ORDER BY created_at, id")
                .execute(Tuple.of(UUID.fromString(taskId))).await().indefinitely().forEach(row -> statuses.add(row.getString(0)));
        return statuses;
    }

    @Test
    void aRunResumedAfterItsMaxDurationFailsWithTheReason() {
        String taskId = create("{\"task\":\"ask me first\",\"response_format\":\"json\",\"ask_question\":true,\"max_duration_seconds\":2}");
        awaitStatus(taskId, "suspended");
        String approval = pool.preparedQuery("SELECT id FROM task.approval WHERE task_id = $1 AND status = 'pending'")
                .execute(Tuple.of(UUID.fromString(taskId))).await().indefinitely().iterator().next().getUUID("id").toString();
        await().pollDelay(Duration.ofMillis(2300)).until(() -> true);
        given().header("Authorization", TOKEN).contentType(ContentType.JSON)
                .body("{\"event\":{\"type\":\"user_confirmation\",\"approval_request_id\":\"" + approval + "\",\"ok\":true}}")
                .post("/api/preview/agents/" + ORG + "/tasks/" + taskId).then().statusCode(200);

        awaitStatus(taskId, "error");
        JsonNode failed = event(taskId, "run.failed").path("data");
        assertThat(failed.path("code").asText()).isEqualTo(RunExecutor.MAX_DURATION_EXCEEDED);
        assertThat(failed.path("reason").asText()).contains("max_duration (2 s");
    }

    @Test
    void aRunNotStartedWithinItsStartDeadlineFailsInsteadOfStarting() {
        String taskId = TaskFixtures.completedTask(TOKEN, "start late");
        UUID run = UUID.randomUUID();
        // a run requested a minute ago that no worker took: its deadline was 5 s
        pool.preparedQuery("INSERT INTO task.task_run (id, task_id, status, run_config, created_at, attempt, org_id, user_id) SELECT $1, $2, 'pending', "
                        + "'{\"mode\":\"agent\",\"model\":\"auto\",\"start_deadline_seconds\":5}'::jsonb, now() - interval '1 minute', 0, t.org, t.created_by FROM task.task t WHERE t.id = $2")
                .execute(Tuple.of(run, UUID.fromString(taskId))).await().indefinitely();

        Object claimed = OnVertxContext.await(vertx, () -> claims.claim(null, run, true, false).map(answer -> (Object) answer));

        assertThat(claimed).isNull();
        assertThat(pool.preparedQuery("SELECT status FROM task.task_run WHERE id = $1").execute(Tuple.of(run)).await().indefinitely()
                .iterator().next().getString(0)).isEqualTo("error");
        List<JsonNode> failed = TestTopics.readUntil(Topics.TASK_EVENTS, Duration.ofSeconds(20), read -> read.stream()
                        .anyMatch(record -> record.value().contains(run.toString()) && record.value().contains("\"run.failed\"")))
                .stream().filter(record -> record.value().contains(run.toString()) && record.value().contains("\"run.failed\""))
                .map(record -> read(record.value())).toList();
        assertThat(failed).hasSize(1);
        assertThat(failed.get(0).path("data").path("code").asText()).isEqualTo(RunClaims.START_DEADLINE_PASSED);
        assertThat(failed.get(0).path("data").path("reason").asText()).contains("start deadline (5 s");
    }
}
