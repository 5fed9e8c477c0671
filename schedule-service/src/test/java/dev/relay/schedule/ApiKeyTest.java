package dev.relay.schedule;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import dev.relay.common.auth.ApiKeys;
import dev.relay.common.event.ApiKeyChanged;
import dev.relay.common.event.Topics;
import dev.relay.schedule.domain.Schedule;
import dev.relay.schedule.service.Schedules;
import dev.relay.testsupport.RelayTestResources;
import dev.relay.testsupport.TestTopics;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** An API key the task service announced works here as it does there, until it is revoked. */
@QuarkusTest
@WithTestResource(RelayTestResources.class)
class ApiKeyTest {

    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    @Inject
    Schedules schedules;

    private static void announce(ApiKeyChanged change) throws Exception {
        TestTopics.send(Topics.API_KEYS, change.id().toString(), JSON.writeValueAsString(change), Map.of());
    }

    @Test
    void anAnnouncedKeyOpensTheOwnersSchedulesUntilItIsRevoked() throws Exception {
        String user = "keyholder-" + UUID.randomUUID() + "@acme.dev";
        Schedule schedule = TestSchedules.daily(schedules, "acme", user);
        String key = ApiKeys.generate();
        ApiKeyChanged made = new ApiKeyChanged(UUID.randomUUID(), "acme", user, ApiKeys.hash(key), null);

        given().header(ApiKeys.HEADER, key).get("/api/v1/schedules/" + schedule.id).then().statusCode(401);
        announce(made);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().header(ApiKeys.HEADER, key)
                .get("/api/v1/schedules/" + schedule.id).then().statusCode(200));

        announce(new ApiKeyChanged(made.id(), made.org(), made.userEmail(), made.hash(), Instant.now()));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().header(ApiKeys.HEADER, key)
                .get("/api/v1/schedules/" + schedule.id).then().statusCode(401));
        // the creation again, delivered late, does not bring a revoked key back
        announce(made);
        await().pollDelay(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).untilAsserted(() -> given().header(ApiKeys.HEADER, key)
                .get("/api/v1/schedules/" + schedule.id).then().statusCode(401));
    }

    @Test
    void aReadKeyOnlyReadsAndAnExpiredKeyOpensNothingHereEither() throws Exception {
        String user = "reader-" + UUID.randomUUID() + "@acme.dev";
        Schedule schedule = TestSchedules.daily(schedules, "acme", user);
        String reader = ApiKeys.generate();
        String expired = ApiKeys.generate();
        announce(new ApiKeyChanged(UUID.randomUUID(), "acme", user, ApiKeys.hash(reader), null, ApiKeys.READ, null));
        announce(new ApiKeyChanged(UUID.randomUUID(), "acme", user, ApiKeys.hash(expired), null, ApiKeys.READ_WRITE,
                Instant.now().minusSeconds(1)));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().header(ApiKeys.HEADER, reader)
                .get("/api/v1/schedules/" + schedule.id).then().statusCode(200));
        given().header(ApiKeys.HEADER, reader).post("/api/v1/schedules/" + schedule.id + "/pause").then().statusCode(403)
                .body("code", org.hamcrest.Matchers.equalTo("forbidden"));
        given().header(ApiKeys.HEADER, reader).delete("/api/v1/schedules/" + schedule.id).then().statusCode(403);
        given().header(ApiKeys.HEADER, reader).get("/api/v1/schedules/" + schedule.id).then().statusCode(200)
                .body("schedule_status", org.hamcrest.Matchers.not(org.hamcrest.Matchers.equalTo("paused")));
        given().header(ApiKeys.HEADER, expired).get("/api/v1/schedules/" + schedule.id).then().statusCode(401);
    }
}
