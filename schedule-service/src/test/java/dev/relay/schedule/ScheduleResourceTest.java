package dev.relay.schedule;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.relay.common.event.ScheduledRunReported;
import dev.relay.common.messaging.Outbox;
import dev.relay.common.schedule.Recurrence;
import dev.relay.schedule.domain.CatchUp;
import dev.relay.schedule.domain.Schedule;
import dev.relay.schedule.service.ExecutionReports;
import dev.relay.schedule.service.ScheduleFiring;
import dev.relay.schedule.service.Schedules;
import dev.relay.testsupport.RelayTestResources;
import dev.relay.testsupport.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** The schedules API: a caller's schedules, paused, resumed, triggered and deleted; nobody else's. */
@QuarkusTest
@WithTestResource(RelayTestResources.class)
class ScheduleResourceTest {

    @Inject
    Schedules schedules;
    @Inject
    ScheduleFiring firing;
    @Inject
    ExecutionReports reports;
    @Inject
    Outbox outbox;

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
        TestSchedules.fireAllDue(firing, daily.firstDueAt);
        TestSchedules.report(reports, outbox, daily, TestSchedules.executions(schedules, daily).get(0).id, ScheduledRunReported.STARTED);
        TestSchedules.report(reports, outbox, daily, TestSchedules.executions(schedules, daily).get(0).id, ScheduledRunReported.COMPLETED);
        TestSchedules.fireAllDue(firing, daily.firstDueAt.plusSeconds(86_400));

        given().header("Authorization", token).get("/api/v1/schedules/" + daily.id + "?pageSize=1").then().statusCode(200)
                .body("schedule.execution_count", equalTo(2))
                .body("executions", hasSize(1))
                .body("executions[0].scheduled_at", equalTo(daily.firstDueAt.plusSeconds(86_400).toString()))
                .body("executions[0].status", equalTo("pending"))
                .body("continuationToken", notNullValue());
        given().header("Authorization", token).get("/api/v1/schedules/" + daily.id + "?pageSize=2").then().statusCode(200)
                .body("executions[1].status", equalTo("completed"))
                .body("executions[1].run_id", notNullValue())
                .body("executions[1].started_at", notNullValue())
                .body("executions[1].completed_at", notNullValue());
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
    void patchingChangesItsRuleFromNowOnAndItsPolicies() {
        Schedule daily = TestSchedules.daily(schedules, "acme", user);
        String next = given().header("Authorization", token).contentType(ContentType.JSON)
                .body("{\"name\":\"weekly audit\",\"scan_frequency\":\"weekly\",\"start_time\":\"02:30\","
                        + "\"time_zone\":\"Europe/Berlin\",\"overlap\":\"buffer_one\",\"catch_up\":\"run_once\"}")
                .patch("/api/v1/schedules/" + daily.id).then().statusCode(200)
                .body("schedule_name", equalTo("weekly audit"))
                .body("scan_frequency", equalTo("weekly"))
                .body("start_time", equalTo("02:30"))
                .body("time_zone", equalTo("Europe/Berlin"))
                .body("overlap", equalTo("buffer_one"))
                .body("catch_up", equalTo("run_once"))
                .extract().path("next_execution_at");
        ZonedDateTime due = Instant.parse(next).atZone(ZoneId.of("Europe/Berlin"));
        assertThat(due.toLocalTime()).isEqualTo(LocalTime.of(2, 30));
        assertThat(Instant.parse(next)).isBetween(Instant.now(), Instant.now().plus(Duration.ofDays(1)));
        // absent fields stay as they are
        given().header("Authorization", token).contentType(ContentType.JSON).body("{\"start_time\":\"23:15\"}")
                .patch("/api/v1/schedules/" + daily.id).then().statusCode(200)
                .body("schedule_name", equalTo("weekly audit")).body("time_zone", equalTo("Europe/Berlin"))
                .body("start_time", equalTo("23:15"));
    }

    @Test
    void aPatchWithABadFieldIsRefusedNamingTheField() {
        Schedule daily = TestSchedules.daily(schedules, "acme", user);
        for (String[] bad : List.of(new String[] {"{\"scan_frequency\":\"yearly\"}", "scan_frequency"},
                new String[] {"{\"start_time\":\"25:00\"}", "start_time"},
                new String[] {"{\"start_time\":\"7:5\"}", "start_time"},
                new String[] {"{\"time_zone\":\"Mars/Olympus\"}", "time_zone"},
                new String[] {"{\"time_zone\":\"+02:00\"}", "time_zone"},
                new String[] {"{\"overlap\":\"sometimes\"}", "overlap"},
                new String[] {"{\"catch_up\":\"all\"}", "catch_up"},
                new String[] {"{\"name\":\"\"}", "name"})) {
            given().header("Authorization", token).contentType(ContentType.JSON).body(bad[0])
                    .patch("/api/v1/schedules/" + daily.id).then().statusCode(400)
                    .body("code", equalTo("invalid_request")).body("message", containsString(bad[1]));
        }
        given().header("Authorization", token).contentType(ContentType.JSON).body("")
                .patch("/api/v1/schedules/" + daily.id).then().statusCode(400).body("code", equalTo("invalid_request"));
        Schedule once = TestSchedules.await(() -> schedules.create(UUID.randomUUID(), "acme", user, null,
                Recurrence.once(LocalTime.of(7, 0), ZoneId.of("UTC")), CatchUp.SKIP));
        given().header("Authorization", token).contentType(ContentType.JSON).body("{\"scan_frequency\":\"daily\"}")
                .patch("/api/v1/schedules/" + once.id).then().statusCode(400).body("message", containsString("scan_frequency"));
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
