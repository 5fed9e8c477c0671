package dev.relay.task;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import dev.relay.common.event.ScheduleChanged;
import dev.relay.common.event.ScheduleFired;
import dev.relay.common.event.ScheduledRunReported;
import dev.relay.common.event.Topics;
import dev.relay.testsupport.RelayTestResources;
import dev.relay.testsupport.TestTopics;
import dev.relay.testsupport.TestTokens;
import io.restassured.http.ContentType;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A schedule's firing starts one run of its task, however often the trigger is delivered; what became of it is
 * reported back (schedule-runs); the schedule service's state of the schedule becomes the task's schedule_info.
 */
@QuarkusTest
@WithTestResource(RelayTestResources.class)
class ScheduledRunTest {

    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private static void fire(ScheduleFired trigger) throws Exception {
        TestTopics.send(Topics.TASK_TRIGGERS, trigger.taskId().toString(), JSON.writeValueAsString(trigger), Map.of());
    }

    /** The reports of {@code executionId} on schedule-runs, once {@code expected} statuses arrived (20 s at most). */
    private static List<String> reportsOf(UUID executionId, String... expected) {
        var read = TestTopics.readUntil(Topics.SCHEDULE_RUNS, Duration.ofSeconds(20), records -> statuses(records, executionId)
                .containsAll(List.of(expected)));
        return statuses(read, executionId);
    }

    private static List<String> statuses(List<ConsumerRecord<String, String>> records, UUID executionId) {
        return records.stream().map(record -> {
            try {
                return JSON.readValue(record.value(), ScheduledRunReported.class);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).filter(report -> report.executionId().equals(executionId)).map(ScheduledRunReported::status).toList();
    }

    @Test
    void aTriggerStartsOneRunWithTheTasksPromptOncePerExecution() throws Exception {
        String user = "scheduler-" + UUID.randomUUID() + "@acme.dev";
        String token = TestTokens.bearer("acme", user);
        String taskId = TaskFixtures.completedTask(token, "scan example.com");
        ScheduleFired trigger = new ScheduleFired(UUID.randomUUID(), UUID.randomUUID(), UUID.fromString(taskId), "acme", user, Instant.now(), 0);

        fire(trigger);
        fire(trigger);

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().header("Authorization", token)
                .get("/api/v1/tasks/" + taskId).then().statusCode(200)
                .body("streams", hasSize(2))
                .body("task.status", equalTo("completed")));
        // a later, different firing starts another run; the repeated one never did
        fire(new ScheduleFired(UUID.randomUUID(), trigger.scheduleId(), trigger.taskId(), "acme", user, Instant.now(), 0));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().header("Authorization", token)
                .get("/api/v1/tasks/" + taskId).then().body("streams", hasSize(3)).body("task.status", equalTo("completed")));
        given().header("Authorization", token).get("/api/v1/tasks/" + taskId).then()
                .body("messages.findAll { it.role == 'user' }.content", equalTo(List.of("scan example.com", "scan example.com", "scan example.com")));
        // the schedule service hears of the run once: started, then completed
        assertThat(reportsOf(trigger.executionId(), "started", "completed")).containsExactly("started", "completed");
    }

    @Test
    void aTriggerWhileARunIsGoingStartsNothingAndIsReportedBusy() throws Exception {
        String user = "busy-" + UUID.randomUUID() + "@acme.dev";
        String token = TestTokens.bearer("acme", user);
        // the run asks a question first: it stays suspended, not finished, until answered
        String taskId = given().header("Authorization", token).contentType(ContentType.JSON)
                .body("{\"task\":\"check the certificates\",\"response_format\":\"json\",\"ask_question\":true}")
                .post("/api/v1/tasks").then().statusCode(202).extract().path("task_id");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().header("Authorization", token)
                .get("/api/v1/tasks/" + taskId).then().body("streams[0].status", equalTo("suspended")));
        ScheduleFired trigger = new ScheduleFired(UUID.randomUUID(), UUID.randomUUID(), UUID.fromString(taskId), "acme", user, Instant.now(), 0);

        fire(trigger);

        assertThat(reportsOf(trigger.executionId(), "busy")).containsExactly("busy");
        given().header("Authorization", token).get("/api/v1/tasks/" + taskId).then().body("streams", hasSize(1));
    }

    @Test
    void theScheduleServicesLatestStateIsTheTasksScheduleInfo() throws Exception {
        String token = TestTokens.bearer("acme", "viewer-" + UUID.randomUUID() + "@acme.dev");
        String taskId = given().header("Authorization", token).contentType(ContentType.JSON)
                .body("{\"task\":\"nightly scan\",\"response_format\":\"json\",\"schedule\":{\"name\":\"nightly\","
                        + "\"schedule_type\":\"recurring\",\"scan_frequency\":\"daily\",\"start_time\":\"02:30\",\"time_zone\":\"Europe/Berlin\"}}")
                .post("/api/v1/tasks").then().statusCode(202).extract().path("task_id");
        String scheduleId = given().header("Authorization", token).get("/api/v1/tasks/" + taskId).then().statusCode(200)
                .body("task.schedule_info.time_zone", equalTo("Europe/Berlin"))
                .body("task.schedule_info.schedule_status", equalTo("active"))
                // no execution yet: the seeds' ScheduleInfo has no null execution_info, so it is left out
                .body("task.schedule_info", not(hasKey("execution_info")))
                .extract().path("task.schedule_info.schedule_id");
        UUID schedule = UUID.fromString(scheduleId);
        UUID task = UUID.fromString(taskId);
        UUID execution = UUID.randomUUID();
        Instant due = Instant.parse("2026-11-24T01:30:00Z");
        ScheduleChanged newer = new ScheduleChanged(schedule, task, "acme", "nightly", "recurring", "daily", "02:30", "Europe/Berlin",
                "active", 3, due, due.plus(Duration.ofDays(1)),
                new ScheduleChanged.ExecutionState(execution, due, due.plusSeconds(1), due.plusSeconds(4), "completed"), 7);
        ScheduleChanged older = new ScheduleChanged(schedule, task, "acme", "nightly", "recurring", "daily", "02:30", "Europe/Berlin",
                "paused", 2, due, null, null, 6);

        update(newer);
        update(older);
        update(newer);

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().header("Authorization", token)
                .get("/api/v1/tasks/" + taskId).then()
                .body("task.schedule_info.execution_count", equalTo(3))
                .body("task.schedule_info.next_execution_at", equalTo("2026-11-25T01:30:00Z"))
                .body("task.schedule_info.execution_info.execution_id", equalTo(execution.toString()))
                .body("task.schedule_info.execution_info.status", equalTo("completed"))
                .body("task.schedule_info.execution_info.completed_at", equalTo("2026-11-24T01:30:04Z")));
        // the older state, delivered after the newer one, changed nothing
        given().header("Authorization", token).get("/api/v1/tasks/" + taskId).then()
                .body("task.schedule_info.schedule_status", equalTo("active"));
        // the agents API marks the task as a schedule's
        given().header("Authorization", token).get("/api/preview/agents/acme/tasks/" + taskId).then().statusCode(200)
                .body("taskType", equalTo("async")).body("asyncTriggerType", equalTo("scheduled"))
                .body("sourceAutomationID", equalTo(scheduleId)).body("source", equalTo("schedule"));

        update(ScheduleChanged.deleted(schedule, task, "acme"));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().header("Authorization", token)
                .get("/api/v1/tasks/" + taskId).then()
                .body("task.is_scheduled", equalTo(false))
                .body("task.schedule_info", nullValue()));
    }

    private static void update(ScheduleChanged change) throws Exception {
        TestTopics.send(Topics.SCHEDULE_UPDATES, change.scheduleId().toString(), JSON.writeValueAsString(change), Map.of());
    }

    @Test
    void aScheduleInAnUnknownTimeZoneIsRefused() {
        String token = TestTokens.bearer("acme", "planner@acme.dev");
        given().header("Authorization", token).contentType(ContentType.JSON)
                .body("{\"task\":\"x\",\"schedule\":{\"schedule_type\":\"recurring\",\"scan_frequency\":\"daily\","
                        + "\"start_time\":\"07:00\",\"time_zone\":\"Mars/Olympus\"}}")
                .post("/api/v1/tasks").then().statusCode(400)
                .body("code", equalTo("invalid_request")).body("message", containsString("schedule.time_zone"));
    }

    @Test
    void aTaskCreatedWithAScheduleAsksTheScheduleServiceForIt() {
        String token = TestTokens.bearer("acme", "planner@acme.dev");
        String taskId = given().header("Authorization", token).contentType(ContentType.JSON)
                .body("{\"task\":\"weekly scan\",\"response_format\":\"json\",\"schedule\":{\"name\":\"weekly\","
                        + "\"schedule_type\":\"recurring\",\"scan_frequency\":\"weekly\",\"start_time\":\"07:45\"}}")
                .post("/api/v1/tasks").then().statusCode(202).extract().path("task_id");
        String scheduleId = given().header("Authorization", token).get("/api/v1/tasks/" + taskId).then().statusCode(200)
                .extract().path("task.schedule_info.schedule_id");

        var requests = TestTopics.readUntil(Topics.SCHEDULE_REQUESTS, Duration.ofSeconds(20),
                read -> read.stream().anyMatch(record -> taskId.equals(record.key())));
        var request = requests.stream().filter(record -> taskId.equals(record.key())).findFirst().orElseThrow();
        assertThat(request.value())
                .contains("\"schedule_id\":\"" + scheduleId + "\"", "\"scan_frequency\":\"weekly\"", "\"start_time\":\"07:45\"",
                        "\"created_by\":\"planner@acme.dev\"");
    }

    @Test
    void aTriggerForATaskThatIsNotHereStartsNothing() throws Exception {
        UUID missing = UUID.randomUUID();
        fire(new ScheduleFired(UUID.randomUUID(), UUID.randomUUID(), missing, "acme", "nobody@acme.dev", Instant.now(), 0));
        String token = TestTokens.bearer("acme", "nobody@acme.dev");
        await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).untilAsserted(() ->
                given().header("Authorization", token).get("/api/v1/tasks/" + missing).then().statusCode(404));
    }
}
