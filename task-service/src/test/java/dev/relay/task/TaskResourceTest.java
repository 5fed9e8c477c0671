package dev.relay.task;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.relay.testsupport.RelayTestResources;
import dev.relay.testsupport.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

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
                .body("read_only", is(false));
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
    void requestsWithoutAValidTokenAre401WithTheErrorBody() {
        given().contentType(ContentType.JSON).body("{\"task\":\"x\",\"response_format\":\"json\"}")
                .when().post("/api/v1/tasks")
                .then().statusCode(401).body("code", equalTo("unauthorized"));
        given().header("Authorization", "Bearer not-a-jwt")
                .when().get("/api/v1/tasks/00000000-0000-0000-0000-000000000000")
                .then().statusCode(401).body("code", equalTo("unauthorized"));
    }
}
