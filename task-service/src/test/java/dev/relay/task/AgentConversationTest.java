package dev.relay.task;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.relay.testsupport.RelayTestResources;
import dev.relay.testsupport.TestTokens;
import dev.relay.testsupport.TestTopics;
import dev.relay.common.event.Topics;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/** The agents API's create and respond: messages, approvals, graceful cancel, idempotent retries. */
@QuarkusTest
@WithTestResource(RelayTestResources.class)
class AgentConversationTest {

    private static final String ERIN = TestTokens.bearer("hooli", "erin@hooli.dev");
    private static final String TASKS = "/api/preview/agents/hooli/tasks";

    @Inject
    Pool pool;

    private static String createAgentTask(String body) {
        return given().header("Authorization", ERIN).contentType(ContentType.JSON).body(body).post(TASKS)
                .then().statusCode(201).extract().path("taskId");
    }

    private static String message(String content) {
        return "{\"type\":\"user_message\",\"content\":\"" + content + "\",\"timestamp\":\"2026-11-23T10:00:00Z\"}";
    }

    private static ValidatableResponse respond(String token, String taskId, String event) {
        return given().header("Authorization", token).contentType(ContentType.JSON).body("{\"event\":" + event + "}")
                .post(TASKS + "/" + taskId).then();
    }

    private static void awaitNeoStatus(String taskId, String status) {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().header("Authorization", ERIN)
                .get("/api/v1/tasks/" + taskId).then().body("task.status", equalTo(status)));
    }

    private String pendingApproval(String taskId) {
        return pool.preparedQuery("SELECT id FROM task.approval WHERE task_id = $1 AND status = 'pending'")
                .execute(Tuple.of(UUID.fromString(taskId))).await().indefinitely().iterator().next().getUUID("id").toString();
    }

    @Test
    void anAgentsApiTaskStoresItsSettingsAndIsVisibleThroughTheNeoApi() {
        String taskId = createAgentTask("{\"message\":" + message("Tidy the staging stack") + ",\"approvalMode\":\"auto\","
                + "\"planMode\":true,\"permissionMode\":\"read-only\",\"toolExecutionMode\":\"cli\",\"source\":\"slack\","
                + "\"integrations\":[{\"id\":\"github\"}]}");

        given().header("Authorization", ERIN).get(TASKS + "/" + taskId).then().statusCode(200)
                .body("name", equalTo("Tidy the staging stack"))
                .body("approvalMode", equalTo("auto"))
                .body("planMode", equalTo(true))
                .body("permissionMode", equalTo("read-only"))
                .body("toolExecutionMode", equalTo("cli"))
                .body("source", equalTo("slack"))
                .body("entities", hasSize(0));
        awaitNeoStatus(taskId, "completed");
        given().header("Authorization", ERIN).get("/api/v1/tasks/" + taskId).then().statusCode(200)
                .body("task.created_by", equalTo("erin@hooli.dev"))
                .body("stream.run_config.mode", equalTo("plan"))
                .body("stream.run_config.max_iterations", equalTo(1))
                .body("messages[0].content", equalTo("Tidy the staging stack"));
        given().header("Authorization", ERIN).get(TASKS + "/" + taskId).then()
                .body("status", equalTo("idle"))
                .body("runtimePhase", equalTo("ready"))
                .body("lastHeartbeat", notNullValue())
                .body("contextWindowTokens", equalTo(200000))
                .body("contextCompactionThresholdPercent", equalTo(80));
        String integrations = pool.preparedQuery("SELECT integrations FROM task.task WHERE id = $1")
                .execute(Tuple.of(UUID.fromString(taskId))).await().indefinitely().iterator().next().getString(0);
        org.assertj.core.api.Assertions.assertThat(integrations).isEqualTo("[{\"id\":\"github\"}]");
    }

    @Test
    void aManualApprovalRunWaitsForTheCreatorsConfirmationThenResumes() {
        String taskId = createAgentTask("{\"message\":" + message("Rotate the database password") + "}");
        awaitNeoStatus(taskId, "suspended");
        given().header("Authorization", ERIN).get(TASKS + "/" + taskId).then().body("status", equalTo("running"));
        String approval = pendingApproval(taskId);

        respond(ERIN, taskId, message("and another thing")).statusCode(409).body("code", equalTo("task_busy"));
        respond(ERIN, taskId, "{\"type\":\"user_confirmation\",\"approval_request_id\":\"" + UUID.randomUUID() + "\",\"ok\":true}")
                .statusCode(404);
        respond(TestTokens.bearer("hooli", "frank@hooli.dev"), taskId,
                "{\"type\":\"user_confirmation\",\"approval_request_id\":\"" + approval + "\",\"ok\":true}").statusCode(404);
        respond(ERIN, taskId, "{\"type\":\"user_confirmation\",\"approval_request_id\":\"" + approval + "\",\"ok\":true}")
                .statusCode(200).body("status", equalTo("running"));

        awaitNeoStatus(taskId, "completed");
        given().header("Authorization", ERIN).get("/api/v1/tasks/" + taskId).then()
                .body("messages", hasSize(3))
                .body("messages[1].content", containsString("asks you to confirm"))
                .body("messages[2].content", containsString("Confirmed: going ahead"))
                .body("streams", hasSize(1));
        respond(ERIN, taskId, "{\"type\":\"user_confirmation\",\"approval_request_id\":\"" + approval + "\",\"ok\":true}")
                .statusCode(409).body("code", equalTo("approval_not_pending"));
    }

    @Test
    void aRejectedApprovalEndsTheRunWithTheUsersInstructions() {
        String taskId = createAgentTask("{\"message\":" + message("Delete the old buckets") + ",\"approvalMode\":\"manual\"}");
        awaitNeoStatus(taskId, "suspended");
        respond(ERIN, taskId, "{\"type\":\"user_confirmation\",\"approval_request_id\":\"" + pendingApproval(taskId)
                + "\",\"ok\":false,\"instructions\":\"archive them instead\"}").statusCode(200);
        awaitNeoStatus(taskId, "completed");
        given().header("Authorization", ERIN).get("/api/v1/tasks/" + taskId).then()
                .body("messages[2].content", containsString("archive them instead"));
    }

    @Test
    void userCancelEndsASuspendedRunAndAUserMessageContinuesTheTask() {
        String taskId = createAgentTask("{\"message\":" + message("Upgrade the cluster") + "}");
        awaitNeoStatus(taskId, "suspended");
        respond(ERIN, taskId, "{\"type\":\"user_cancel\"}").statusCode(200).body("status", equalTo("idle"));
        awaitNeoStatus(taskId, "aborted");

        given().header("Authorization", ERIN).contentType(ContentType.JSON).body("{\"approvalMode\":\"auto\"}")
                .patch(TASKS + "/" + taskId).then().statusCode(200);
        respond(ERIN, taskId, message("just report the versions")).statusCode(200).body("status", equalTo("running"));
        awaitNeoStatus(taskId, "completed");
        given().header("Authorization", ERIN).get("/api/v1/tasks/" + taskId).then()
                .body("streams", hasSize(2))
                .body("streams[1].run_config.ask_question", equalTo(false))
                .body("messages[2].content", equalTo("just report the versions"));
    }

    @Test
    void onlyTheCreatorMayRespondAndOtherOrganizationsSeeNothing() {
        String taskId = createAgentTask("{\"message\":" + message("Shared work") + ",\"approvalMode\":\"auto\"}");
        given().header("Authorization", ERIN).contentType(ContentType.JSON).body("{\"isShared\":true}")
                .patch(TASKS + "/" + taskId).then().statusCode(200);
        awaitNeoStatus(taskId, "completed");
        respond(TestTokens.bearer("hooli", "frank@hooli.dev"), taskId, message("mine now")).statusCode(403)
                .body("code", equalTo("forbidden"));
        given().header("Authorization", TestTokens.bearer("piedpiper", "gil@piedpiper.dev")).contentType(ContentType.JSON)
                .body("{\"event\":" + message("hello") + "}").post("/api/preview/agents/hooli/tasks/" + taskId)
                .then().statusCode(404);
        given().header("Authorization", TestTokens.bearer("piedpiper", "gil@piedpiper.dev"))
                .get("/api/v1/tasks/" + taskId).then().statusCode(404);
    }

    @Test
    void respondAndCancelRetriesWithTheSameIdempotencyKeyGetTheFirstAnswer() {
        String taskId = createAgentTask("{\"message\":" + message("first") + ",\"approvalMode\":\"auto\"}");
        awaitNeoStatus(taskId, "completed");
        String key = UUID.randomUUID().toString();
        String body = "{\"event\":" + message("second") + "}";
        for (int i = 0; i < 2; i++) {
            given().header("Authorization", ERIN).header("Idempotency-Key", key).contentType(ContentType.JSON).body(body)
                    .post(TASKS + "/" + taskId).then().statusCode(200).body("status", equalTo("running"));
        }
        given().header("Authorization", ERIN).header("Idempotency-Key", key).contentType(ContentType.JSON)
                .body("{\"event\":" + message("third") + "}").post(TASKS + "/" + taskId)
                .then().statusCode(409).body("code", equalTo("idempotency_key_reused"));
        awaitNeoStatus(taskId, "completed");
        given().header("Authorization", ERIN).get("/api/v1/tasks/" + taskId).then().body("streams", hasSize(2));

        String cancelKey = UUID.randomUUID().toString();
        for (int i = 0; i < 2; i++) {
            given().header("Authorization", ERIN).header("Idempotency-Key", cancelKey).contentType(ContentType.JSON)
                    .body("{\"force\":true}").post(TASKS + "/" + taskId + "/cancel").then().statusCode(200)
                    .body("status", equalTo("idle"));
        }
        given().header("Authorization", ERIN).header("Idempotency-Key", cancelKey).contentType(ContentType.JSON)
                .body("{\"force\":false}").post(TASKS + "/" + taskId + "/cancel").then().statusCode(409);
    }

    @Test
    void badAgentsApiInputIsA400NamingTheField() {
        given().header("Authorization", ERIN).contentType(ContentType.JSON).body("{}").post(TASKS)
                .then().statusCode(400).body("message", containsString("'message'"));
        given().header("Authorization", ERIN).contentType(ContentType.JSON)
                .body("{\"message\":{\"type\":\"user_message\",\"content\":\"\"}}").post(TASKS)
                .then().statusCode(400).body("message", containsString("message.content"));
        given().header("Authorization", ERIN).contentType(ContentType.JSON)
                .body("{\"message\":" + message("x") + ",\"approvalMode\":\"yolo\"}").post(TASKS)
                .then().statusCode(400).body("code", equalTo("invalid_request")).body("message", containsString("approvalMode"));
        given().header("Authorization", ERIN).contentType(ContentType.JSON)
                .body("{\"message\":" + message("x") + ",\"integrations\":[\"github\"]}").post(TASKS)
                .then().statusCode(400).body("message", containsString("integrations[0].id"));
        given().header("Authorization", ERIN).contentType(ContentType.JSON)
                .body("{\"message\":" + message("x") + ",\"cliIntegrations\":[{\"catalogId\":\"aws\",\"name\":\"prod\"}]}")
                .post(TASKS).then().statusCode(400).body("message", containsString("cliIntegrations"));
        given().header("Authorization", ERIN).contentType(ContentType.JSON)
                .body("{\"message\":{\"type\":\"user_message\",\"content\":\"x\",\"timestamp\":\"yesterday\"}}").post(TASKS)
                .then().statusCode(400).body("message", containsString("message.timestamp"));
        given().header("Authorization", ERIN).contentType(ContentType.JSON).body("{\"message\":" + message("x") + "}")
                .post("/api/preview/agents/piedpiper/tasks").then().statusCode(404);
        respond(ERIN, UUID.randomUUID().toString(), "{\"type\":\"user_shout\"}").statusCode(400)
                .body("message", containsString("event.type"));
        respond(ERIN, UUID.randomUUID().toString(), "{\"type\":\"user_confirmation\",\"ok\":true}").statusCode(400);
        respond(ERIN, UUID.randomUUID().toString(), message("hello")).statusCode(404);
    }

    @Test
    void aNeoCreateWithAScheduleStoresAndShowsIt() {
        String taskId = given().header("Authorization", ERIN).contentType(ContentType.JSON)
                .body("{\"task\":\"nightly scan\",\"response_format\":\"json\",\"file_keys\":[\"reports/a.pdf\"],\"schedule\":{\"name\":\"nightly\","
                        + "\"schedule_type\":\"recurring\",\"scan_frequency\":\"daily\",\"start_time\":\"02:30\"}}")
                .post("/api/v1/tasks").then().statusCode(202).extract().path("task_id");
        given().header("Authorization", ERIN).get("/api/v1/tasks/" + taskId).then().statusCode(200)
                .body("task.is_scheduled", equalTo(true))
                .body("task.schedule_info.schedule_id", notNullValue())
                .body("task.schedule_info.schedule_name", equalTo("nightly"))
                .body("task.schedule_info.schedule_type", equalTo("recurring"))
                .body("task.schedule_info.scan_frequency", equalTo("daily"))
                .body("task.schedule_info.start_time", equalTo("02:30"))
                .body("task.schedule_info.schedule_status", equalTo("active"))
                .body("task.schedule_info.execution_count", equalTo(0))
                .body("task.schedule_info.next_execution_at", containsString("T02:30:00Z"))
                .body("task.schedule_info.last_executed_at", nullValue())
                .body("streams", hasSize(0));
        // it runs when the schedule fires, with what the create carried
        String scheduleId = given().header("Authorization", ERIN).get("/api/v1/tasks/" + taskId).then().extract().path("task.schedule_info.schedule_id");
        TestTopics.send(Topics.TASK_TRIGGERS, taskId, "{\"execution_id\":\"" + UUID.randomUUID() + "\",\"schedule_id\":\"" + scheduleId
                + "\",\"task_id\":\"" + taskId + "\",\"org\":\"hooli\",\"created_by\":\"erin@hooli.dev\",\"scheduled_at\":\"2026-11-25T02:30:00Z\"}", Map.of());
        var published = TestTopics.readUntil(Topics.TASK_EVENTS, Duration.ofSeconds(20), read -> read.stream()
                .anyMatch(record -> taskId.equals(record.key()) && record.value().contains("\"message.user\"")));
        assertThat(published).filteredOn(record -> taskId.equals(record.key()) && record.value().contains("\"message.user\""))
                .singleElement().extracting(record -> record.value()).asString()
                .contains("\"file_keys\":[\"reports/a.pdf\"]", "\"content\":\"nightly scan\"", "\"source\":\"schedule\"");

        for (String bad : new String[] {"{\"scan_frequency\":\"daily\"}", "{\"schedule_type\":\"recurring\"}",
                "{\"schedule_type\":\"one_time\",\"start_time\":\"25:00\"}", "{\"schedule_type\":\"sometimes\"}"}) {
            given().header("Authorization", ERIN).contentType(ContentType.JSON)
                    .body("{\"task\":\"x\",\"response_format\":\"json\",\"schedule\":" + bad + "}").post("/api/v1/tasks")
                    .then().statusCode(400).body("message", containsString("schedule."));
        }
    }
}
