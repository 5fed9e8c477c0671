package dev.relay.task;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import dev.relay.common.event.ScheduleFired;
import dev.relay.common.event.Topics;
import dev.relay.testsupport.RelayTestResources;
import dev.relay.testsupport.TestTopics;
import dev.relay.testsupport.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** A schedule's firing starts one run of its task, however often the trigger is delivered. */
@QuarkusTest
@WithTestResource(RelayTestResources.class)
class ScheduledRunTest {

    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule());

    private static void fire(ScheduleFired trigger) throws Exception {
        TestTopics.send(Topics.TASK_TRIGGERS, trigger.taskId().toString(), JSON.writeValueAsString(trigger), Map.of());
    }

    @Test
    void aTriggerStartsOneRunWithTheTasksPromptOncePerExecution() throws Exception {
        String user = "scheduler-" + UUID.randomUUID() + "@acme.dev";
        String token = TestTokens.bearer("acme", user);
        String taskId = TaskFixtures.completedTask(token, "scan example.com");
        ScheduleFired trigger = new ScheduleFired(UUID.randomUUID(), UUID.randomUUID(), UUID.fromString(taskId), "acme", user, Instant.now());

        fire(trigger);
        fire(trigger);

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().header("Authorization", token)
                .get("/api/v1/tasks/" + taskId).then().statusCode(200)
                .body("streams", hasSize(2))
                .body("task.status", equalTo("completed")));
        // a later, different firing starts another run; the repeated one never did
        fire(new ScheduleFired(UUID.randomUUID(), trigger.scheduleId(), trigger.taskId(), "acme", user, Instant.now()));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().header("Authorization", token)
                .get("/api/v1/tasks/" + taskId).then().body("streams", hasSize(3)).body("task.status", equalTo("completed")));
        given().header("Authorization", token).get("/api/v1/tasks/" + taskId).then()
                .body("messages.findAll { it.role == 'user' }.content", equalTo(java.util.List.of("scan example.com", "scan example.com", "scan example.com")));
    }

    @Test
    void aTaskCreatedWithAScheduleAsksTheScheduleServiceForIt() {
        String token = TestTokens.bearer("acme", "planner@acme.dev");
        String taskId = given().header("Authorization", token).contentType(io.restassured.http.ContentType.JSON)
                .body("{\"task\":\"weekly scan\",\"response_format\":\"json\",\"schedule\":{\"name\":\"weekly\","
                        + "\"schedule_type\":\"recurring\",\"scan_frequency\":\"weekly\",\"start_time\":\"07:45\"}}")
                .post("/api/v1/tasks").then().statusCode(202).extract().path("task_id");
        String scheduleId = given().header("Authorization", token).get("/api/v1/tasks/" + taskId).then().statusCode(200)
                .extract().path("task.schedule_info.schedule_id");

        var requests = TestTopics.readUntil(Topics.SCHEDULE_REQUESTS, Duration.ofSeconds(20),
                read -> read.stream().anyMatch(record -> taskId.equals(record.key())));
        var request = requests.stream().filter(record -> taskId.equals(record.key())).findFirst().orElseThrow();
        org.assertj.core.api.Assertions.assertThat(request.value())
                .contains("\"schedule_id\":\"" + scheduleId + "\"", "\"scan_frequency\":\"weekly\"", "\"start_time\":\"07:45\"",
                        "\"created_by\":\"planner@acme.dev\"");
    }

    @Test
    void aTriggerForATaskThatIsNotHereStartsNothing() throws Exception {
        UUID missing = UUID.randomUUID();
        fire(new ScheduleFired(UUID.randomUUID(), UUID.randomUUID(), missing, "acme", "nobody@acme.dev", Instant.now()));
        String token = TestTokens.bearer("acme", "nobody@acme.dev");
        await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).untilAsserted(() ->
                given().header("Authorization", token).get("/api/v1/tasks/" + missing).then().statusCode(404));
    }
}
