package dev.relay.task;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.relay.testsupport.RelayTestResources;
import dev.relay.testsupport.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * Who sees a task, through both API shapes: private to its creator; team to the organization, read-only; public and
 * unlisted to anyone with the id (unlisted tasks stay out of lists); organization-scoped paths never show another
 * organization's task.
 */
@QuarkusTest
@WithTestResource(RelayTestResources.class)
class VisibilityTest {

    private static final String OWNER = TestTokens.bearer("wayne", "bruce@wayne.dev");
    private static final String COLLEAGUE = TestTokens.bearer("wayne", "lucius@wayne.dev");
    private static final String OUTSIDER = TestTokens.bearer("lexcorp", "lex@lexcorp.dev");

    private static String create(String visibility) {
        return given().header("Authorization", OWNER).contentType(ContentType.JSON)
                .body("{\"task\":\"" + visibility + " task\",\"visibility\":\"" + visibility + "\",\"response_format\":\"json\"}")
                .post("/api/v1/tasks").then().statusCode(202).extract().path("task_id");
    }

    private static int neoStatus(String token, String taskId) {
        return given().header("Authorization", token).get("/api/v1/tasks/" + taskId).then().extract().statusCode();
    }

    private static int agentsStatus(String token, String taskId) {
        return given().header("Authorization", token).get("/api/preview/agents/wayne/tasks/" + taskId).then().extract().statusCode();
    }

    @Test
    void eachVisibilityShowsTheTaskToWhomItShould() {
        String privateTask = create("private");
        String team = create("team");
        String publicTask = create("public");
        String unlisted = create("unlisted");

        assertThat(List.of(neoStatus(COLLEAGUE, privateTask), agentsStatus(COLLEAGUE, privateTask))).containsOnly(404);
        assertThat(List.of(neoStatus(OUTSIDER, privateTask), agentsStatus(OUTSIDER, privateTask))).containsOnly(404);

        assertThat(List.of(neoStatus(COLLEAGUE, team), agentsStatus(COLLEAGUE, team))).containsOnly(200);
        given().header("Authorization", COLLEAGUE).get("/api/v1/tasks/" + team).then().body("read_only", equalTo(true));
        assertThat(List.of(neoStatus(OUTSIDER, team), agentsStatus(OUTSIDER, team))).containsOnly(404);

        for (String open : List.of(publicTask, unlisted)) {
            assertThat(neoStatus(OUTSIDER, open)).isEqualTo(200);
            given().header("Authorization", OUTSIDER).get("/api/v1/tasks/" + open).then().body("read_only", equalTo(true));
            assertThat(agentsStatus(COLLEAGUE, open)).isEqualTo(200);
            // the agents API is scoped to the caller's organization: another organization's path is a 404
            assertThat(agentsStatus(OUTSIDER, open)).isEqualTo(404);
        }

        List<String> listed = given().header("Authorization", COLLEAGUE).queryParam("pageSize", 1000)
                .get("/api/preview/agents/wayne/tasks").then().statusCode(200).extract().jsonPath().getList("tasks.id");
        assertThat(listed).contains(team, publicTask).doesNotContain(privateTask, unlisted);
        List<String> own = given().header("Authorization", OWNER).queryParam("pageSize", 1000)
                .get("/api/preview/agents/wayne/tasks").then().statusCode(200).extract().jsonPath().getList("tasks.id");
        assertThat(own).contains(privateTask, team, publicTask, unlisted);

        // readers may not change or answer a task that is not theirs
        given().header("Authorization", COLLEAGUE).contentType(ContentType.JSON).body("{\"force\":true}")
                .post("/api/preview/agents/wayne/tasks/" + team + "/cancel").then().statusCode(403);
        given().header("Authorization", COLLEAGUE).contentType(ContentType.JSON)
                .body("{\"id\":\"" + team + "\",\"task\":\"mine now\",\"response_format\":\"json\"}")
                .post("/api/v1/tasks").then().statusCode(404);
    }
}
