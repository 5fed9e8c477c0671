package dev.relay.stream;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.relay.stream.sse.LiveEvents;
import dev.relay.testsupport.RelayTestResources;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** A replica says it is ready only once live events reach it: its reader of the topic holds the partitions. */
@QuarkusTest
@WithTestResource(RelayTestResources.class)
class ReadinessTest {

    @Inject
    LiveEvents live;

    @Test
    void onceReadyAnEventPublishedNowReachesTheReplicaLive() {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/q/health/ready")
                .then().statusCode(200)
                .body("checks.find { it.name == 'live-events' }.status", equalTo("UP")));
        UUID task = UUID.randomUUID();
        Set<Long> heard = ConcurrentHashMap.newKeySet();
        Runnable stop = live.listen(task, batch -> batch.forEach(frame -> heard.add(frame.seq())));
        try {
            TestEvents.publish(task, TestEvents.run(task, 1, 3));

            await().atMost(Duration.ofSeconds(10)).until(() -> heard.equals(Set.of(1L, 2L, 3L)));
        } finally {
            stop.run();
        }
    }

    @Test
    void aReplicaWhoseReaderLostItsPartitionsIsNotReady() {
        TestEvents.awaitReady();
        // what the reader's rebalance listener reports when its partitions are revoked or lost
        live.receiving(false);
        try {
            given().get("/q/health/ready").then().statusCode(503)
                    .body("checks.find { it.name == 'live-events' }.status", equalTo("DOWN"));
        } finally {
            live.receiving(true);
        }
        given().get("/q/health/ready").then().statusCode(200);
    }
}
