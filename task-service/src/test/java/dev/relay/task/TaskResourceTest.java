package dev.relay.task;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;

import java.time.Duration;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.relay.testsupport.RelayTestResources;
import dev.relay.testsupport.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.vertx.mutiny.sqlclient.Pool;

@QuarkusTest
@WithTestResource(RelayTestResources.class)
class TaskResourceTest {

    private static final String ALICE = TestTokens.bearer("acme", "alice@acme.dev");

    @Test
    void jsonCreateIsAcknowledgedAndTheRunCompletes() {
        String taskId = given().header("Authorization", ALICE).contentType(ContentType.JSON)
                .body("{\"task\":\"Summarize the open incidents\",\"response_format\":\"json\"}")
                .when().post("/api/v1/tasks")
                .then().statusCode(202)
                .body("status", equalTo("accepted"))
                .body("task_id", notNullValue())
                .extract().path("task_id");

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().header("Authorization", ALICE)
                .when().get("/api/v1/tasks/" + taskId)
                .then().statusCode(200)
                .body("task.status", equalTo("completed")));

        given().header("Authorization", ALICE)
                .when().get("/api/v1/tasks/" + taskId)
                .then().statusCode(200)
                .body("task.id", equalTo(taskId))
                .body("task.title", equalTo("Summarize the open incidents"))
                .body("task.visibility", equalTo("private"))
                .body("task.created_by", equalTo("alice@acme.dev"))
                .body("messages", hasSize(2))
                .body("messages[0].role", equalTo("user"))
                .body("messages[0].content", equalTo("Summarize the open incidents"))
                .body("messages[1].role", equalTo("assistant"))
                .body("messages[1].content", startsWith("Relay's simulated agent"))
                .body("messages[1].complete", is(true))
                .body("stream.hasStream", is(true))
                .body("stream.streamStatus", equalTo("completed"))
                .body("streams", hasSize(1))
                .body("streamUrls", hasSize(1))
                .body("streamUrls[0].streamId", equalTo(given().header("Authorization", ALICE).get("/api/v1/tasks/" + taskId)
                        .then().extract().<String>path("streams[0].stream_id")))
                .body("streamUrls[0].status", equalTo("completed"))
                .body("streamUrls[0].url", org.hamcrest.Matchers.matchesPattern(
                        "http://127\\.0\\.0\\.1:8080/api/v1/streams/[0-9a-f-]{36}/content\\?expires=\\d+&signature=[\\w-]+"))
                .body("read_only", is(false));
    }

    @Inject
    Pool pool;

    @Test
    void aRunWhoseWorkerDiedIsResumedAndOneThatKeepsLosingItIsEndedAsFailed() {
        String resumed = TaskFixtures.completedTask(ALICE, "first");
        TaskFixtures.addOrphanedActiveRun(pool, resumed, 0);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().header("Authorization", ALICE)
                .get("/api/v1/tasks/" + resumed).then()
                .body("task.status", equalTo("completed"))
                .body("streams[1].status", equalTo("completed")));

        String failed = TaskFixtures.completedTask(ALICE, "second");
        TaskFixtures.addOrphanedActiveRun(pool, failed, 3);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().header("Authorization", ALICE)
                .get("/api/v1/tasks/" + failed).then()
                .body("task.status", equalTo("error"))
                .body("streams[1].status", equalTo("error")));
        given().header("Authorization", ALICE).contentType(ContentType.JSON)
                .body("{\"id\":\"" + failed + "\",\"task\":\"again\",\"response_format\":\"json\"}")
                .when().post("/api/v1/tasks").then().statusCode(202);
    }

    @Test
    void continuingAnotherUsersTaskIs404() {
        String taskId = given().header("Authorization", ALICE).contentType(ContentType.JSON)
                .body("{\"task\":\"mine\",\"response_format\":\"json\"}")
                .when().post("/api/v1/tasks").then().statusCode(202).extract().path("task_id");
        given().header("Authorization", TestTokens.bearer("acme", "bob@acme.dev")).contentType(ContentType.JSON)
                .body("{\"id\":\"" + taskId + "\",\"task\":\"mine now\",\"response_format\":\"json\"}")
                .when().post("/api/v1/tasks").then().statusCode(404).body("code", equalTo("not_exists"));
    }

    @Test
    void aRetryWithTheSameIdempotencyKeyGetsTheFirstAnswerAndAnotherBodyIs409() {
        String key = UUID.randomUUID().toString();
        String body = "{\"task\":\"only once\",\"response_format\":\"json\"}";
        String first = given().header("Authorization", ALICE).header("Idempotency-Key", key).contentType(ContentType.JSON)
                .body(body).post("/api/v1/tasks").then().statusCode(202).extract().path("task_id");
        given().header("Authorization", ALICE).header("Idempotency-Key", key).contentType(ContentType.JSON)
                .body(body).post("/api/v1/tasks").then().statusCode(202).body("task_id", equalTo(first));
        given().header("Authorization", ALICE).header("Idempotency-Key", key).contentType(ContentType.JSON)
                .body("{\"task\":\"something else\",\"response_format\":\"json\"}").post("/api/v1/tasks")
                .then().statusCode(409).body("code", equalTo("idempotency_key_reused"));

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().header("Authorization", ALICE)
                .get("/api/v1/tasks/" + first).then().body("task.status", equalTo("completed")).body("streams", hasSize(1)));
    }

    @Test
    void concurrentFirstRequestsWithOneIdempotencyKeyMakeOneTask() throws Exception {
        String key = UUID.randomUUID().toString();
        var answers = java.util.stream.IntStream.range(0, 6).parallel().mapToObj(i -> given().header("Authorization", ALICE)
                .header("Idempotency-Key", key).contentType(ContentType.JSON)
                .body("{\"task\":\"race\",\"response_format\":\"json\"}").post("/api/v1/tasks")
                .then().statusCode(202).extract().<String>path("task_id")).distinct().toList();
        org.assertj.core.api.Assertions.assertThat(answers).hasSize(1);
    }

    @Test
    void concurrentCreatesOfOneChosenTaskIdWithTheirOwnIdempotencyKeysMakeOneTaskAndConflictsAre409() {
        String taskId = UUID.randomUUID().toString();
        var answers = java.util.stream.IntStream.range(0, 8).parallel().mapToObj(i -> given().header("Authorization", ALICE)
                .header("Idempotency-Key", UUID.randomUUID().toString()).contentType(ContentType.JSON)
                .body("{\"id\":\"" + taskId + "\",\"task\":\"race for one id " + i + "\",\"response_format\":\"json\"}")
                .post("/api/v1/tasks").then().extract()).toList();
        for (var answer : answers) {
            org.assertj.core.api.Assertions.assertThat(answer.statusCode()).as(answer.asString()).isIn(202, 409);
            if (answer.statusCode() == 202) {
                org.assertj.core.api.Assertions.assertThat(answer.<String>path("task_id")).as(answer.asString()).isEqualTo(taskId);
            }
        }
    }

    @Test
    void concurrentCreatesChoosingOneMessageIdMakeOneMessageAndTheOthersAre409MessageIdTaken() {
        String messageId = UUID.randomUUID().toString();
        var answers = java.util.stream.IntStream.range(0, 8).parallel().mapToObj(i -> given().header("Authorization", ALICE)
                .header("Idempotency-Key", UUID.randomUUID().toString()).contentType(ContentType.JSON)
                .body("{\"task\":\"race for one message id " + i + "\",\"message\":{\"id\":\"" + messageId
                        + "\",\"role\":\"user\"},\"response_format\":\"json\"}")
                .post("/api/v1/tasks").then().extract()).toList();
        org.assertj.core.api.Assertions.assertThat(answers.stream().filter(answer -> answer.statusCode() == 202)).hasSize(1);
        for (var answer : answers) {
            if (answer.statusCode() != 202) {
                org.assertj.core.api.Assertions.assertThat(answer.statusCode()).as(answer.asString()).isEqualTo(409);
                org.assertj.core.api.Assertions.assertThat(answer.<String>path("code")).as(answer.asString()).isEqualTo("message_id_taken");
            }
        }
    }

    @Test
    void acceptHeaderSelectsTheJsonAcknowledgement() {
        given().header("Authorization", ALICE).contentType(ContentType.JSON).accept(ContentType.JSON)
                .body("{\"task\":\"hello\"}")
                .when().post("/api/v1/tasks")
                .then().statusCode(202).body("status", equalTo("accepted"));
    }

    @Test
    void anotherOrganizationCannotSeeThePrivateTask() {
        String taskId = given().header("Authorization", ALICE).contentType(ContentType.JSON)
                .body("{\"task\":\"secret\",\"response_format\":\"json\"}")
                .when().post("/api/v1/tasks").then().statusCode(202).extract().path("task_id");

        given().header("Authorization", TestTokens.bearer("globex", "mallory@globex.dev"))
                .when().get("/api/v1/tasks/" + taskId)
                .then().statusCode(404).body("code", equalTo("not_exists")).body("error", equalTo("Not Found"));
        given().header("Authorization", TestTokens.bearer("acme", "bob@acme.dev"))
                .when().get("/api/v1/tasks/" + taskId)
                .then().statusCode(404);
    }

    @Test
    void badInputIsA400WithTheErrorBody() {
        given().header("Authorization", ALICE).contentType(ContentType.JSON)
                .body("{\"task\":\"x\",\"response_format\":\"json\",\"max_steps\":3}")
                .when().post("/api/v1/tasks")
                .then().statusCode(400)
                .body("code", equalTo("invalid_request"))
                .body("kind", equalTo("invalid request"))
                .body("message", startsWith("invalid request: field 'max_steps'"));
        given().header("Authorization", ALICE).contentType(ContentType.JSON)
                .body("{\"task\":\"x\",\"response_format\":\"json\",\"mode\":\"yolo\"}")
                .when().post("/api/v1/tasks")
                .then().statusCode(400).body("message", startsWith("invalid request: field 'mode'"));
        given().header("Authorization", ALICE).contentType(ContentType.JSON)
                .body("{\"response_format\":\"json\"}")
                .when().post("/api/v1/tasks")
                .then().statusCode(400).body("code", equalTo("invalid_request"));
        given().header("Authorization", ALICE).contentType(ContentType.JSON)
                .body("{\"task\":\"x\",\"response_format\":\"json\",\"max_steps\":\"many\"}")
                .when().post("/api/v1/tasks")
                .then().statusCode(400).body("message", startsWith("invalid request: field 'max_steps'"));
        given().header("Authorization", ALICE).contentType(ContentType.JSON)
                .body("{\"task\":")
                .when().post("/api/v1/tasks")
                .then().statusCode(400).body("code", equalTo("invalid_request"));
    }

    @Test
    void anOversizedBodyIsA413WithTheErrorBody() {
        String big = "{\"task\":\"" + "x".repeat(1_100_000) + "\",\"response_format\":\"json\"}";
        given().header("Authorization", ALICE).contentType(ContentType.JSON).body(big)
                .when().post("/api/v1/tasks")
                .then().statusCode(413).body("code", equalTo("payload_too_large")).body("kind", equalTo("payload too large"));
        given().header("Authorization", ALICE).contentType(ContentType.JSON).body("{\"name\":\"" + "x".repeat(1_100_000) + "\"}")
                .when().patch("/api/preview/agents/acme/tasks/" + UUID.randomUUID())
                .then().statusCode(413).body("code", equalTo("payload_too_large"));
    }

    @Test
    void requestsWithoutAValidTokenAre401WithTheErrorBody() {
        given().contentType(ContentType.JSON).body("{\"task\":\"x\",\"response_format\":\"json\"}")
                .when().post("/api/v1/tasks")
                .then().statusCode(401).body("code", equalTo("unauthorized"));
        given().header("Authorization", "Bearer not-a-jwt")
                .when().get("/api/v1/tasks/00000000-0000-0000-0000-000000000000")
                .then().statusCode(401).body("code", equalTo("unauthorized"));
    }
}
