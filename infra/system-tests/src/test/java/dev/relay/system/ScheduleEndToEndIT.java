package dev.relay.system;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.relay.testsupport.PackagedService;
import dev.relay.testsupport.SseClient;
import dev.relay.testsupport.SseEvent;
import dev.relay.testsupport.TestTokens;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/**
 * The packaged task, stream and schedule services: a task created with a schedule fires when due, gets a new run
 * that completes, and its {@code schedule_info} shows the execution; the schedules API changes what the task shows.
 */
class ScheduleEndToEndIT {

    private static final String TOKEN = TestTokens.bearer("acme", "scheduler@acme.dev");
    private static final Duration SOON = Duration.ofSeconds(30);
    private static PackagedService streamService;
    private static PackagedService taskService;
    private static PackagedService scheduleService;

    @BeforeAll
    static void startServices() {
        streamService = PackagedService.start("stream-service", Map.of());
        taskService = PackagedService.start("task-service", Map.of(
                "RELAY_STREAM_SERVICE_URL", streamService.uri("").toString(),
                "RELAY_PUBLIC_URL", streamService.uri("").toString()));
        scheduleService = PackagedService.start("schedule-service", Map.of());
        System.out.printf("[figures] schedule-service ready in %d ms%n", scheduleService.startedIn().toMillis());
    }

    @AfterAll
    static void stopServices() {
        for (PackagedService service : new PackagedService[] {scheduleService, taskService, streamService}) {
            if (service != null) {
                service.close();
            }
        }
    }

    private static String create(String schedule) {
        return given().baseUri(taskService.uri("").toString()).header("Authorization", TOKEN).contentType(ContentType.JSON)
                .body("{\"task\":\"Check the certificates of example.com\",\"response_format\":\"json\",\"schedule\":" + schedule + "}")
                .post("/api/v1/tasks").then().statusCode(202).extract().path("task_id");
    }

    private static JsonPath task(String taskId) {
        return given().baseUri(taskService.uri("").toString()).header("Authorization", TOKEN)
                .get("/api/v1/tasks/" + taskId).then().statusCode(200).extract().jsonPath();
    }

    @Test
    void aScheduledTaskFiresWhenDueRunsToTheEndAndShowsTheExecution() {
        // a one-time schedule without a start time is due at once
        String taskId = create("{\"name\":\"first look\",\"schedule_type\":\"one_time\"}");
        assertThat(task(taskId).getList("streams")).as("a scheduled task does not run at create").isEmpty();

        await().atMost(SOON).untilAsserted(() -> given().baseUri(taskService.uri("").toString()).header("Authorization", TOKEN)
                .get("/api/v1/tasks/" + taskId).then()
                .body("streams", hasSize(1))
                .body("task.status", equalTo("completed"))
                .body("task.schedule_info.execution_count", equalTo(1))
                .body("task.schedule_info.schedule_status", equalTo("completed"))
                .body("task.schedule_info.execution_info.status", equalTo("completed")));

        JsonPath details = task(taskId);
        String scheduleId = details.getString("task.schedule_info.schedule_id");
        JsonPath schedule = given().baseUri(scheduleService.uri("").toString()).header("Authorization", TOKEN)
                .get("/api/v1/schedules/" + scheduleId).then().statusCode(200).extract().jsonPath();
        assertThat(schedule.getString("executions[0].status")).isEqualTo("completed");
        assertThat(schedule.getString("executions[0].run_id")).isEqualTo(details.getString("streams[0].stream_id"));
        assertThat(schedule.getString("executions[0].execution_id")).isEqualTo(details.getString("task.schedule_info.execution_info.execution_id"));
        assertThat(schedule.getString("executions[0].started_at")).isNotNull();
        assertThat(schedule.getString("executions[0].completed_at")).isNotNull();
    }

    @Test
    void aStreamingCreateWithAScheduleAnswersTaskCreatedAndEnds() {
        SseClient.Result stream = SseClient.post(taskService.uri("/api/v1/tasks"), Map.of("Authorization", TOKEN),
                "{\"task\":\"weekly audit\",\"schedule\":{\"schedule_type\":\"recurring\",\"scan_frequency\":\"weekly\","
                        + "\"start_time\":\"06:00\"}}", Duration.ofSeconds(20));
        assertThat(stream.status()).isEqualTo(200);
        assertThat(stream.events()).extracting(SseEvent::event).containsExactly("task.created");
    }

    @Test
    void triggeringPausingAndDeletingThroughTheSchedulesApiShowOnTheTask() {
        String taskId = create("{\"name\":\"nightly\",\"schedule_type\":\"recurring\",\"scan_frequency\":\"daily\","
                + "\"start_time\":\"03:00\",\"time_zone\":\"Europe/Berlin\"}");
        String scheduleId = await().atMost(SOON).until(() -> task(taskId).getString("task.schedule_info.schedule_id"),
                id -> id != null && given().baseUri(scheduleService.uri("").toString()).header("Authorization", TOKEN)
                        .get("/api/v1/schedules/" + id).statusCode() == 200);
        String nextDue = task(taskId).getString("task.schedule_info.next_execution_at");
        given().baseUri(scheduleService.uri("").toString()).header("Authorization", TOKEN)
                .post("/api/v1/schedules/" + scheduleId + "/trigger").then().statusCode(202);
        await().atMost(SOON).untilAsserted(() -> given().baseUri(taskService.uri("").toString()).header("Authorization", TOKEN)
                .get("/api/v1/tasks/" + taskId).then()
                .body("streams", hasSize(1))
                .body("task.schedule_info.execution_info.status", equalTo("completed"))
                .body("task.schedule_info.next_execution_at", equalTo(nextDue)));

        given().baseUri(scheduleService.uri("").toString()).header("Authorization", TOKEN).contentType(ContentType.JSON)
                .body("{\"note\":\"holidays\"}").post("/api/v1/schedules/" + scheduleId + "/pause").then().statusCode(200);
        await().atMost(SOON).until(() -> "paused".equals(task(taskId).getString("task.schedule_info.schedule_status")));

        given().baseUri(scheduleService.uri("").toString()).header("Authorization", TOKEN)
                .delete("/api/v1/schedules/" + scheduleId).then().statusCode(204);
        await().atMost(SOON).until(() -> !task(taskId).getBoolean("task.is_scheduled"));
        assertThat(task(taskId).getString("task.schedule_info")).isNull();
    }
}
