package dev.relay.task.webhooks;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.oneOf;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.relay.task.OnVertxContext;
import dev.relay.task.TaskFixtures;
import dev.relay.testsupport.FreePorts;
import dev.relay.testsupport.RelayTestResources;
import dev.relay.testsupport.TestTokens;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.vertx.core.Vertx;

/** An organization whose receiver takes nothing keeps at most relay.webhooks.max-queued-per-org (20 in %test) waiting. */
@QuarkusTest
@WithTestResource(RelayTestResources.class)
class WebhookQueueCapTest {

    @Inject
    WebhookMessages messages;
    @Inject
    Vertx vertx;

    @Test
    void messagesPastTheCapAreRecordedAsDroppedAndNeverQueued() {
        String org = "queue-cap-" + UUID.randomUUID();
        String admin = TestTokens.adminBearer(org, "admin@cap.dev");
        UUID task = UUID.fromString(TaskFixtures.completedTask(TestTokens.bearer(org, "member@cap.dev"), "fill the queue"));
        // set once the task's run ended, so the 25 messages below are its only ones
        // at a closed loopback port: every attempt fails at once and the message stays waiting
        given().header("Authorization", admin).contentType(ContentType.JSON)
                .body("{\"url\":\"http://127.0.0.1:" + FreePorts.next() + "/hook\"}").put("/api/v1/webhook").then().statusCode(oneOf(200, 201));

        for (int i = 0; i < 25; i++) {
            OnVertxContext.await(vertx, () -> Panache.withTransaction(() -> messages.enqueue(org, task, "task.completed",
                    new ObjectMapper().createObjectNode().put("n", 1), Instant.now(), null)));
        }

        List<String> statuses = given().header("Authorization", admin).queryParam("pageSize", 100)
                .get("/api/v1/webhook/deliveries").then().statusCode(200).extract().path("deliveries.status");
        assertThat(statuses).hasSize(25);
        assertThat(statuses.stream().filter(WebhookDelivery.PENDING::equals)).hasSize(20);
        assertThat(statuses.stream().filter(WebhookDelivery.DROPPED::equals)).hasSize(5);
    }
}
