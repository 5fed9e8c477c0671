package dev.relay.schedule;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.relay.schedule.domain.Schedule;
import dev.relay.schedule.service.ScheduleFiring;
import dev.relay.schedule.service.Schedules;
import dev.relay.testsupport.RelayTestResources;
import dev.relay.testsupport.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.restassured.http.ContentType;

/** The schedules API: a caller's schedules, paused, resumed, triggered and deleted; nobody else's. */
@QuarkusTest
@WithTestResource(RelayTestResources.class)
class ScheduleResourceTest {

    @Inject
    Schedules schedules;
    @Inject
    ScheduleFiring firing;

    private final String user = "owner-" + UUID.randomUUID() + "@acme.dev";
    private final String token = TestTokens.bearer("acme", user);

    @Test
    void aCallerListsTheirSchedulesNewestFirstPageByPage() {
        List<Schedule> made = List.of(TestSchedules.daily(schedules, "acme", user), TestSchedules.daily(schedules, "acme", user),
                TestSchedules.daily(schedules, "acme", user));
        TestSchedules.daily(schedules, "acme", "someone-else@acme.dev");

        String next = given().header("Authorization", token).get("/api/v1/schedules?pageSize=2").then().statusCode(200)
                .body("schedules", hasSize(2))
                .body("schedules[0].schedule_id", equalTo(made.get(2).id.toString()))
                .body("schedules[0].schedule_type", equalTo("recurring"))
                .body("schedules[0].scan_frequency", equalTo("daily"))
                .body("schedules[0].schedule_status", equalTo("active"))
                .body("schedules[0].next_execution_at", notNullValue())
                .extract().path("continuationToken");
        given().header("Authorization", token).get("/api/v1/schedules?pageSize=2&continuationToken=" + next).then().statusCode(200)
                .body("schedules", hasSize(1))
                .body("schedules[0].schedule_id", equalTo(made.get(0).id.toString()))
                .body("continuationToken", nullValue());
        given().header("Authorization", token).get("/api/v1/schedules?continuationToken=forged").then().statusCode(400)
                .body("code", equalTo("invalid_request"));
    }

    @Test
    void aScheduleShowsItsExecutionsNewestFirst() throws Throwable {
        Schedule daily = TestSchedules.daily(schedules, "acme", user);
        VertxContextSupport.subscribeAndAwait(() -> firing.fireDue(daily.firstDueAt));
        VertxContextSupport.subscribeAndAwait(() -> firing.fireDue(daily.firstDueAt.plusSeconds(86_400)));

        given().header("Authorization", token).get("/api/v1/schedules/" + daily.id + "?pageSize=1").then().statusCode(200)
                .body("schedule.execution_count", equalTo(2))
                .body("executions", hasSize(1))
                .body("executions[0].scheduled_at", equalTo(daily.firstDueAt.plusSeconds(86_400).toString()))
                .body("executions[0].status", equalTo("pending"))
                .body("continuationToken", notNullValue());
    }

    @Test
    void pausingStopsItWithANoteAndResumingStartsFromTheNextDueTime() {
        Schedule daily = TestSchedules.daily(schedules, "acme", user);
        given().header("Authorization", token).contentType(ContentType.JSON).body("{\"note\":\"maintenance window\"}")
                .post("/api/v1/schedules/" + daily.id + "/pause").then().statusCode(200)
                .body("schedule_status", equalTo("paused"))
                .body("pause_note", equalTo("maintenance window"))
                .body("next_execution_at", nullValue());
        given().header("Authorization", token).post("/api/v1/schedules/" + daily.id + "/resume").then().statusCode(200)
                .body("schedule_status", equalTo("active"))
                .body("pause_note", nullValue())
                .body("next_execution_at", equalTo(daily.firstDueAt.toString()));
    }

    @Test
    void triggeringRunsItNowAndLeavesItsDueTimesAlone() {
        Schedule daily = TestSchedules.daily(schedules, "acme", user);
        Instant before = Instant.now();
        String execution = given().header("Authorization", token).post("/api/v1/schedules/" + daily.id + "/trigger").then()
                .statusCode(202).extract().path("execution_id");

        given().header("Authorization", token).get("/api/v1/schedules/" + daily.id).then().statusCode(200)
                .body("schedule.next_execution_at", equalTo(daily.firstDueAt.toString()))
                .body("schedule.execution_count", equalTo(1))
                .body("executions[0].execution_id", equalTo(execution))
                .body("executions[0].reason", equalTo("triggered"));
        String scheduledAt = given().header("Authorization", token).get("/api/v1/schedules/" + daily.id).then()
                .extract().path("executions[0].scheduled_at");
        assertThat(Instant.parse(scheduledAt)).isAfterOrEqualTo(before.minusMillis(1));
    }

    @Test
    void deletingRemovesItAndItsHistory() {
        Schedule daily = TestSchedules.daily(schedules, "acme", user);
        given().header("Authorization", token).delete("/api/v1/schedules/" + daily.id).then().statusCode(204);
        given().header("Authorization", token).get("/api/v1/schedules/" + daily.id).then().statusCode(404)
                .body("code", equalTo("not_exists"));
    }

    @Test
    void concurrentDeletesOfOneScheduleAnswerOnce204AndOtherwise404() throws Exception {
        for (int round = 0; round < 5; round++) {
            Schedule daily = TestSchedules.daily(schedules, "acme", user);
            var http = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).build();
            var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                            io.restassured.RestAssured.baseURI + ":" + io.restassured.RestAssured.port + "/api/v1/schedules/" + daily.id))
                    .timeout(java.time.Duration.ofSeconds(5)).header("Authorization", token).DELETE().build();
            List<java.util.concurrent.CompletableFuture<java.net.http.HttpResponse<String>>> answers = new java.util.ArrayList<>();
            for (int i = 0; i < 8; i++) {
                answers.add(http.sendAsync(request, java.net.http.HttpResponse.BodyHandlers.ofString()));
            }
            List<Integer> statuses = new java.util.ArrayList<>();
            for (var answer : answers) {
                statuses.add(answer.get().statusCode());
            }
            assertThat(statuses).containsOnlyOnce(204).containsOnly(204, 404);
        }
    }

    @Test
    void anotherUsersOrOrganizationsScheduleIsNotFound() {
        Schedule theirs = TestSchedules.daily(schedules, "acme", "someone-else@acme.dev");
        given().header("Authorization", token).get("/api/v1/schedules/" + theirs.id).then().statusCode(404);
        given().header("Authorization", TestTokens.bearer("other", "someone-else@acme.dev"))
                .post("/api/v1/schedules/" + theirs.id + "/pause").then().statusCode(404);
        given().get("/api/v1/schedules").then().statusCode(401).body("code", equalTo("unauthorized"));
    }
}
