package dev.relay.stream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import dev.relay.common.auth.StreamLinkSigner;
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
    void aSignedLinkServesOneRunsEventsWithoutATokenUntilItExpires() throws Exception {
        UUID task = UUID.randomUUID();
        List<String> run = TestEvents.run(task, 1, 5);
        UUID stream = UUID.fromString(TestEvents.JSON.readTree(run.get(0)).get("stream_id").asText());
        TestEvents.publish(task, run);
        StreamLinkSigner signer = new StreamLinkSigner(ConfigProvider.getConfig().getValue("relay.stream-links.secret", String.class));
        String link = signer.link(stream, Instant.now().plusSeconds(60));

        org.awaitility.Awaitility.await().untilAsserted(() -> given().get(link).then().statusCode(200)
                .body("stream_id", equalTo(stream.toString()))
                .body("task_id", equalTo(task.toString()))
                .body("events.seq", org.hamcrest.Matchers.contains(1, 2, 3, 4, 5))
                .body("events[4].type", equalTo("run.completed")));

        List<String> next = TestEvents.run(task, 6, 8);
        UUID nextStream = UUID.fromString(TestEvents.JSON.readTree(next.get(0)).get("stream_id").asText());
        TestEvents.publish(task, next);
        org.awaitility.Awaitility.await().untilAsserted(() -> given().get(signer.link(nextStream, Instant.now().plusSeconds(60)))
                .then().statusCode(200).body("events.seq", org.hamcrest.Matchers.contains(6, 7, 8)));
        given().get(link).then().statusCode(200).body("events.seq", org.hamcrest.Matchers.contains(1, 2, 3, 4, 5));

        given().get(signer.link(stream, Instant.now().minusSeconds(1))).then().statusCode(403).body("code", equalTo("forbidden"));
        given().get(link.replace(stream.toString(), UUID.randomUUID().toString())).then().statusCode(403);
        given().get(link.substring(0, link.indexOf("&signature="))).then().statusCode(403);
    }

    @Test
    void aTeamTaskIsReadableByTheOrganizationAndAPrivateOneOnlyByItsCreator() {
        UUID team = UUID.randomUUID();
        List<String> teamRun = new ArrayList<>(TestEvents.run(team, 1, 3));
        teamRun.set(0, teamRun.get(0).replace("\"visibility\":\"private\"", "\"visibility\":\"team\""));
        TestEvents.publish(team, teamRun);
        UUID mine = UUID.randomUUID();
        TestEvents.publish(mine, TestEvents.run(mine, 1, 3));
        String colleague = TestTokens.bearer(TestEvents.ORG, "bob@acme.dev");
        String base = "/api/preview/agents/" + TestEvents.ORG + "/tasks/";

        org.awaitility.Awaitility.await().untilAsserted(() -> given().header("Authorization", colleague)
                .get(base + team + "/events").then().statusCode(200).body("events.size()", equalTo(3)));
        org.awaitility.Awaitility.await().untilAsserted(() -> given().header("Authorization", TOKEN)
                .get(base + mine + "/events").then().statusCode(200));
        given().header("Authorization", colleague).get(base + mine + "/events").then().statusCode(404);
        given().header("Authorization", TestTokens.bearer("globex", "eve@globex.dev")).get(base + team + "/events")
                .then().statusCode(404);
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
