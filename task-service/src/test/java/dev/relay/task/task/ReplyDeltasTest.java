package dev.relay.task.task;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.relay.common.event.Topics;
import dev.relay.task.TaskLock;
import dev.relay.testsupport.RelayTestResources;
import dev.relay.testsupport.TaskEvents;
import dev.relay.testsupport.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/** A reply's delta is one call; it changes nothing once its run is no longer active under the worker's claim. */
@QuarkusTest
@WithTestResource(RelayTestResources.class)
class ReplyDeltasTest {

    @Inject
    TaskEventLog eventLog;
    @Inject
    Pool pool;

    @Test
    void aDeltaTakesTheNextSeqAndWritesItsMessageAndItsEventWithThatSeq() {
        TaskRun run = activeRunOfANewTask();
        long seq = lastSeq(run.taskId);
        UUID message = UUID.randomUUID();

        assertThat(append(run, message, "Hello, ", true).await().atMost(Duration.ofSeconds(10))).isTrue();
        assertThat(append(run, message, "world", false).await().atMost(Duration.ofSeconds(10))).isTrue();

        assertThat(lastSeq(run.taskId)).isEqualTo(seq + 2);
        assertThat(text("SELECT content FROM task.task_message WHERE id = $1", message)).isEqualTo("Hello, world");
        assertThat(count("SELECT first_seq FROM task.task_message WHERE id = $1", message)).isEqualTo(seq + 1);
        // the task's run wrote deltas of its own message before the test's
        List<JsonNode> deltas = ofMessage(TaskEvents.of(Topics.TASK_EVENTS, List.of(run.taskId.toString()),
                read -> ofMessage(read, message).size() == 2), message);
        assertThat(deltas).extracting(event -> event.path("seq").asLong()).containsExactly(seq + 1, seq + 2);
        assertThat(deltas).extracting(event -> event.path("data").path("delta").asText()).containsExactly("Hello, ", "world");
    }

    @Test
    void aDeltaWaitingForItsTaskWhileTheRunIsCancelledChangesNothing() {
        TaskRun run = activeRunOfANewTask();
        long seq = lastSeq(run.taskId);

        // a cancel holds the task while it ends the run: the delta waits for the task, then finds the run ended
        SqlConnection cancel = TaskLock.hold(pool, run.taskId);
        Uni<Boolean> delta;
        try {
            delta = append(run, UUID.randomUUID(), "after the cancel", true).memoize().indefinitely();
            delta.subscribe().with(ignored -> { }, ignored -> { });
            await().atMost(Duration.ofSeconds(10)).until(() -> waitingForALock() > 0);
            cancel.preparedQuery("UPDATE task.task_run SET status = 'aborted' WHERE id = $1").execute(Tuple.of(run.id)).await().indefinitely();
            cancel.query("COMMIT").execute().await().indefinitely();
        } finally {
            cancel.close().await().indefinitely();
        }

        assertThat(delta.await().atMost(Duration.ofSeconds(10))).isFalse();
        assertThat(lastSeq(run.taskId)).isEqualTo(seq);
        assertThat(count("SELECT count(*) FROM task.task_message WHERE stream_id = $1 AND content = 'after the cancel'", run.id)).isZero();
    }

    @Test
    void aDeltaOfAnEarlierClaimChangesNothing() {
        TaskRun run = activeRunOfANewTask();
        long seq = lastSeq(run.taskId);
        run.attempt = run.attempt - 1;

        assertThat(append(run, UUID.randomUUID(), "late", true).await().atMost(Duration.ofSeconds(10))).isFalse();
        assertThat(lastSeq(run.taskId)).isEqualTo(seq);
    }

    /** A task created through the API, its run finished and then marked active again under its claim, for the test. */
    private TaskRun activeRunOfANewTask() {
        String org = "deltas-" + UUID.randomUUID().toString().substring(0, 8);
        UUID task = UUID.fromString(given().header("Authorization", TestTokens.bearer(org, "d@" + org + ".dev")).contentType(ContentType.JSON)
                .body("{\"task\":\"say hello\",\"response_format\":\"json\"}").post("/api/v1/tasks")
                .then().statusCode(202).extract().path("task_id"));
        await().atMost(Duration.ofSeconds(20)).until(() -> count("SELECT count(*) FROM task.task_run WHERE task_id = $1 AND status = 'completed'", task) == 1);
        // its heartbeat now, so that no recovery hands it over while the test lasts
        var row = pool.preparedQuery("UPDATE task.task_run SET status = 'active', heartbeat_at = now() WHERE task_id = $1 RETURNING id, attempt")
                .execute(Tuple.of(task)).await().indefinitely().iterator().next();
        TaskRun run = new TaskRun();
        run.id = row.getUUID("id");
        run.taskId = task;
        run.attempt = row.getInteger("attempt");
        run.orgId = org;
        return run;
    }

    private Uni<Boolean> append(TaskRun run, UUID message, String chunk, boolean first) {
        return eventLog.appendDelta(run, run.orgId, message, chunk, first);
    }

    private static List<JsonNode> ofMessage(List<JsonNode> events, UUID message) {
        return events.stream().filter(event -> event.path("type").asText().equals("message.delta")
                && event.path("data").path("message_id").asText().equals(message.toString())).toList();
    }

    private long lastSeq(UUID task) {
        return count("SELECT last_seq FROM task.task WHERE id = $1", task);
    }

    private long waitingForALock() {
        return count("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()");
    }

    private long count(String sql, Object... params) {
        return pool.preparedQuery(sql).execute(Tuple.from(params)).await().indefinitely().iterator().next().getLong(0);
    }

    private String text(String sql, Object... params) {
        return pool.preparedQuery(sql).execute(Tuple.from(params)).await().indefinitely().iterator().next().getString(0);
    }
}
