package dev.relay.stream.probe;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.hasSize;

import java.time.Duration;
import java.util.UUID;

import dev.relay.stream.TestEvents;

/** A task with a stored run, for the probes to aim at: its id and its run's stream id. */
record StreamProbes(UUID task, UUID stream) {

    /** Publishes a finished run of three events and waits until the log holds it. */
    static StreamProbes storedRun(String token) {
        TestEvents.awaitReady();
        UUID task = UUID.randomUUID();
        var envelopes = TestEvents.run(task, 1, 3);
        TestEvents.publish(task, envelopes);
        String path = "/api/preview/agents/" + TestEvents.ORG + "/tasks/" + task + "/events";
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                given().header("Authorization", token).get(path).then().statusCode(200).body("events", hasSize(3)));
        String stream = given().header("Authorization", token).get(path).then().extract().path("events[1].streamId");
        return new StreamProbes(task, UUID.fromString(stream));
    }
}
