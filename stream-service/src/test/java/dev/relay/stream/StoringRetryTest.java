package dev.relay.stream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.hasSize;

import java.time.Duration;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.relay.common.event.Topics;
import dev.relay.testsupport.RelayTestResources;
import dev.relay.testsupport.TestTokens;
import dev.relay.testsupport.TestTopics;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * A database that cannot store events for a while holds the storing consumer back; it never skips a batch to the
 * dead-letter topic (the probe's finding: five events lost for good, three tasks with permanent gaps).
 */
@QuarkusTest
@WithTestResource(RelayTestResources.class)
class StoringRetryTest {

    @Inject
    Pool pool;

    @Test
    void eventsThatCouldNotBeStoredAreStoredOnceTheDatabaseIsBackAndNoneGoesToTheDeadLetterTopic() {
        TestEvents.awaitReady();
        UUID task = UUID.randomUUID();
        String events = "/api/preview/agents/" + TestEvents.ORG + "/tasks/" + task + "/events";
        String token = TestTokens.bearer(TestEvents.ORG, TestEvents.ALICE);

        pool.query("ALTER TABLE stream.task_event RENAME TO task_event_unavailable").execute().await().indefinitely();
        try {
            TestEvents.publish(task, TestEvents.run(task, 1, 3));
            // long enough for several failed attempts
            await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(4)).until(() -> true);
        } finally {
            pool.query("ALTER TABLE stream.task_event_unavailable RENAME TO task_event").execute().await().indefinitely();
        }

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                given().header("Authorization", token).get(events).then().statusCode(200).body("events", hasSize(3)));
        assertThat(TestTopics.readUntil(Topics.deadLetter(Topics.TASK_EVENTS, "stream-service"), Duration.ofSeconds(2), read -> false))
                .noneMatch(record -> task.toString().equals(record.key()));
    }
}
