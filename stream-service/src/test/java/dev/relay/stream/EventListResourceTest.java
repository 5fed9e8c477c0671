package dev.relay.stream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.relay.testsupport.RelayTestResources;
import dev.relay.testsupport.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

@QuarkusTest
@WithTestResource(RelayTestResources.class)
class EventListResourceTest {

    private static final String TOKEN = TestTokens.bearer(TestEvents.ORG, TestEvents.ALICE);

    @Test
    void pagesThroughEveryEventInSeqOrder() {
        UUID task = UUID.randomUUID();
        TestEvents.publish(task, TestEvents.run(task, 1, 7));
        String path = "/api/preview/agents/" + TestEvents.ORG + "/tasks/" + task + "/events";
        org.awaitility.Awaitility.await().untilAsserted(() -> given().header("Authorization", TOKEN)
                .queryParam("pageSize", 1000).get(path).then().statusCode(200).body("events.size()", equalTo(7)));

        List<Integer> seqs = new ArrayList<>();
        String token = null;
        int pages = 0;
        do {
            var request = given().header("Authorization", TOKEN).queryParam("pageSize", 3);
            if (token != null) {
                request.queryParam("continuationToken", token);
            }
            JsonPath page = request.get(path).then().statusCode(200).extract().jsonPath();
            seqs.addAll(page.getList("events.seq", Integer.class));
            assertThat(page.getList("events.isSynthetic", Boolean.class)).containsOnly(false);
            token = page.getString("continuationToken");
            pages++;
        } while (token != null);

        assertThat(seqs).containsExactly(1, 2, 3, 4, 5, 6, 7);
        assertThat(pages).isEqualTo(3);
    }

    @Test
    void badPagingAndForeignTasksAreRefused() {
        UUID task = UUID.randomUUID();
        TestEvents.publish(task, TestEvents.run(task, 1, 2));
        String path = "/api/preview/agents/" + TestEvents.ORG + "/tasks/" + task + "/events";
        given().header("Authorization", TOKEN).queryParam("pageSize", 0).get(path)
                .then().statusCode(400).body("code", equalTo("invalid_request"));
        given().header("Authorization", TOKEN).queryParam("continuationToken", "bogus!").get(path)
                .then().statusCode(400).body("code", equalTo("invalid_request"));
        given().header("Authorization", TestTokens.bearer("globex", "eve@globex.dev"))
                .get("/api/preview/agents/globex/tasks/" + task + "/events")
                .then().statusCode(404).body("code", equalTo("not_exists"));
    }
}
