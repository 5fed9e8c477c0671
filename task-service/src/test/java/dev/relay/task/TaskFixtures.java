package dev.relay.task;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.UUID;

import io.restassured.http.ContentType;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/** States of tasks that tests start from. */
public final class TaskFixtures {

    /** A run's settings as a create through the Neo API stores them. */
    private static final String RUN_CONFIG = "{\"mode\":\"agent\",\"model\":\"auto\",\"max_steps\":60,\"max_iterations\":0}";

    private TaskFixtures() {
    }

    /** Creates a task through the Neo API (JSON acknowledgement) and waits until its first run completed. */
    public static String completedTask(String token, String prompt) {
        String taskId = given().header("Authorization", token).contentType(ContentType.JSON)
                .body("{\"task\":\"" + prompt + "\",\"response_format\":\"json\"}")
                .when().post("/api/v1/tasks").then().statusCode(202).extract().path("task_id");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().header("Authorization", token)
                .get("/api/v1/tasks/" + taskId).then().body("task.status", equalTo("completed")));
        return taskId;
    }

    /** Adds an active run that no runtime executes, as a process that died mid-run leaves behind. */
    /** A run a worker is executing (it said so just now). */
    public static void addActiveRun(Pool pool, String taskId) {
        pool.preparedQuery("INSERT INTO task.task_run (id, task_id, status, run_config, created_at, attempt, heartbeat_at, org_id, user_id) "
                        + "SELECT $1, $2, 'active', '" + RUN_CONFIG + "'::jsonb, now(), 1, now(), t.org, t.created_by FROM task.task t WHERE t.id = $2")
                .execute(Tuple.of(UUID.randomUUID(), UUID.fromString(taskId))).await().indefinitely();
    }

    /** What a worker that died mid-run leaves behind: an active run nobody heartbeats, handed over {@code recoveries} times. */
    public static void addOrphanedActiveRun(Pool pool, String taskId, int recoveries) {
        pool.preparedQuery("INSERT INTO task.task_run (id, task_id, status, run_config, created_at, attempt, heartbeat_at, recoveries, org_id, user_id) "
                        + "SELECT $1, $2, 'active', '" + RUN_CONFIG + "'::jsonb, now(), 1, "
                        + "now() - interval '1 hour', $3, t.org, t.created_by FROM task.task t WHERE t.id = $2")
                .execute(Tuple.of(UUID.randomUUID(), UUID.fromString(taskId), recoveries)).await().indefinitely();
    }
}
