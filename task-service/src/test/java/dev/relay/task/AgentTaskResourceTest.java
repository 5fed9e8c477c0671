package dev.relay.task;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.util.ArrayList;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.relay.testsupport.RelayTestResources;
import dev.relay.testsupport.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.sqlclient.Pool;

/** The Pulumi-style view of tasks created through the Neo v1 API. */
@QuarkusTest
@WithTestResource(RelayTestResources.class)
class AgentTaskResourceTest {

    private static final String CAROL = TestTokens.bearer("initech", "carol@initech.dev");

    private static String create(String token, String body) {
        return given().header("Authorization", token).contentType(ContentType.JSON).body(body)
                .when().post("/api/v1/tasks").then().statusCode(202).extract().path("task_id");
    }

    @Test
    void aNeoTaskIsVisibleThroughTheAgentsApi() {
        String taskId = create(CAROL, "{\"task\":\"Plan the migration\",\"mode\":\"plan\",\"response_format\":\"json\"}");

        given().header("Authorization", CAROL).get("/api/preview/agents/initech/tasks/" + taskId)
                .then().statusCode(200)
                .body("id", equalTo(taskId))
                .body("name", equalTo("Plan the migration"))
                .body("taskType", equalTo("sync"))
                .body("planMode", equalTo(true))
                .body("approvalMode", equalTo("manual"))
                .body("isShared", equalTo(false))
                .body("createdBy.githubLogin", equalTo("carol"))
                .body("source", equalTo("api"));
        given().header("Authorization", TestTokens.bearer("globex", "eve@globex.dev"))
                .get("/api/preview/agents/initech/tasks/" + taskId).then().statusCode(404);
        given().header("Authorization", TestTokens.bearer("initech", "dave@initech.dev"))
                .get("/api/preview/agents/initech/tasks/" + taskId).then().statusCode(404);
    }

    @Test
    void listPagesAreStableWhenTasksAreAddedBetweenPages() {
        String dan = TestTokens.bearer("umbrella", "dan@umbrella.dev");
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            created.add(create(dan, "{\"task\":\"task " + i + "\",\"response_format\":\"json\"}"));
        }
        List<String> seen = new ArrayList<>();
        String token = null;
        do {
            var request = given().header("Authorization", dan).queryParam("pageSize", 2).queryParam("sortBy", "createdAt");
            if (token != null) {
                request.queryParam("continuationToken", token);
            }
            JsonPath page = request.get("/api/preview/agents/umbrella/tasks").then().statusCode(200).extract().jsonPath();
            seen.addAll(page.getList("tasks.id", String.class));
            token = page.getString("continuationToken");
            if (seen.size() == 2) {
                create(dan, "{\"task\":\"added meanwhile\",\"response_format\":\"json\"}");
            }
        } while (token != null);

        assertThat(seen).containsExactlyElementsOf(reversed(created));
    }

    private static List<String> reversed(List<String> list) {
        List<String> copy = new ArrayList<>(list);
        java.util.Collections.reverse(copy);
        return copy;
    }

    @Inject
    Pool pool;

    @Test
    void cancelEndsTheUnfinishedRunWithAnAbortedEventAndTwiceIsHarmless() {
        String taskId = TaskFixtures.completedTask(CAROL, "long job");
        // a run the runtime is still executing
        TaskFixtures.addActiveRun(pool, taskId);
        String cancel = "/api/preview/agents/initech/tasks/" + taskId + "/cancel";

        given().header("Authorization", CAROL).contentType(ContentType.JSON).body("{}").post(cancel)
                .then().statusCode(400).body("code", equalTo("invalid_request"));
        for (int i = 0; i < 2; i++) {
            given().header("Authorization", CAROL).contentType(ContentType.JSON).body("{\"force\":true}").post(cancel)
                    .then().statusCode(200).body("status", equalTo("idle"));
        }
        given().header("Authorization", CAROL).get("/api/v1/tasks/" + taskId).then().statusCode(200)
                .body("task.status", equalTo("aborted"))
                .body("streams[1].status", equalTo("aborted"))
                .body("streams.size()", equalTo(2));
        given().header("Authorization", TestTokens.bearer("initech", "dave@initech.dev")).contentType(ContentType.JSON)
                .body("{\"force\":true}").post(cancel).then().statusCode(404);
    }

    @Test
    void theCreatorRenamesAndSharesATaskAndTheOrganizationThenSeesIt() {
        String taskId = create(CAROL, "{\"task\":\"private at first\",\"response_format\":\"json\"}");
        String path = "/api/preview/agents/initech/tasks/" + taskId;
        String dave = TestTokens.bearer("initech", "dave@initech.dev");
        given().header("Authorization", dave).get(path).then().statusCode(404);

        given().header("Authorization", CAROL).contentType(ContentType.JSON)
                .body("{\"name\":\"  Shared plan  \",\"isShared\":true,\"approvalMode\":\"auto\"}")
                .patch(path).then().statusCode(200)
                .body("name", equalTo("Shared plan"))
                .body("isShared", equalTo(true))
                .body("approvalMode", equalTo("auto"))
                .body("sharedAt", org.hamcrest.Matchers.notNullValue());

        given().header("Authorization", dave).get(path).then().statusCode(200).body("name", equalTo("Shared plan"));
        given().header("Authorization", dave).get("/api/v1/tasks/" + taskId).then().statusCode(200)
                .body("read_only", equalTo(true));
        given().header("Authorization", dave).contentType(ContentType.JSON).body("{\"name\":\"mine\"}")
                .patch(path).then().statusCode(403).body("code", equalTo("forbidden"));
        given().header("Authorization", CAROL).contentType(ContentType.JSON).body("{\"name\":\"   \"}")
                .patch(path).then().statusCode(400);
        given().header("Authorization", CAROL).contentType(ContentType.JSON).body("{\"permissionMode\":\"root\"}")
                .patch(path).then().statusCode(400).body("message", org.hamcrest.Matchers.containsString("permissionMode"));
    }

    @Test
    void badListParametersAre400() {
        given().header("Authorization", CAROL).queryParam("pageSize", 1001).get("/api/preview/agents/initech/tasks")
                .then().statusCode(400).body("code", equalTo("invalid_request"));
        given().header("Authorization", CAROL).queryParam("sortBy", "name").get("/api/preview/agents/initech/tasks")
                .then().statusCode(400);
        given().header("Authorization", CAROL).queryParam("continuationToken", "nope").get("/api/preview/agents/initech/tasks")
                .then().statusCode(400);
        given().header("Authorization", CAROL).get("/api/preview/agents/globex/tasks").then().statusCode(404);
    }
}
