package dev.relay.stream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.relay.common.auth.StreamLinkSigner;
import dev.relay.common.event.Topics;
import dev.relay.testsupport.RelayTestResources;
import dev.relay.testsupport.TestTokens;
import dev.relay.testsupport.TestTopics;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Events the database refuses for good (data it cannot hold; a stream id that belongs to another task) go alone to the
 * storing consumer's dead-letter topic; every other event around them is stored and served. They used to be retried
 * for ever, and nothing after them in their partition was stored again.
 */
@QuarkusTest
@WithTestResource(RelayTestResources.class)
class UnstorableEventTest {

    private static final String DEAD_LETTERS = Topics.deadLetter(Topics.TASK_EVENTS, "stream-service");

    @Test
    void eventsTheDatabaseRefusesAreDeadLetteredAloneAndTheOthersStoredAndServed() throws Exception {
        TestEvents.awaitReady();
        UUID taskA = UUID.randomUUID();
        UUID taskB = UUID.randomUUID();
        UUID taskC = UUID.randomUUID();
        List<String> runA = TestEvents.run(taskA, 1, 6);
        UUID streamA = UUID.fromString(TestEvents.JSON.readTree(runA.get(0)).get("stream_id").asText());
        List<String> runB = TestEvents.run(taskB, 1, 3);
        // a fourth event of task B that claims task A's run: a stream id belongs to one task
        String claimsA = with(runB.get(1), event -> event.put("id", UUID.randomUUID().toString()).put("seq", 4)
                .put("stream_id", streamA.toString()));
        // PostgreSQL's text cannot hold a NUL character: this org can never be stored
        String nul = with(TestEvents.run(taskC, 1, 1).get(0), event -> event.put("org", TestEvents.ORG + "\u0000"));

        String token = TestTokens.bearer(TestEvents.ORG, TestEvents.ALICE);
        List<String> first = new ArrayList<>(runA.subList(0, 3));
        first.addAll(runB);
        first.add(nul);
        send(first);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().header("Authorization", token)
                .get(events(taskA)).then().statusCode(200).body("events.seq", contains(1, 2, 3)));
        // once task A holds its run (the first task to use a stream id keeps it), B's claim comes in with A's last events
        List<String> second = new ArrayList<>(List.of(claimsA));
        second.addAll(runA.subList(3, 6));
        send(second);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().header("Authorization", token)
                .get(events(taskA)).then().statusCode(200).body("events.seq", contains(1, 2, 3, 4, 5, 6)));
        given().header("Authorization", token).get(events(taskB)).then().statusCode(200).body("events.seq", contains(1, 2, 3));
        StreamLinkSigner signer = new StreamLinkSigner(ConfigProvider.getConfig().getValue("relay.stream-links.secret", String.class));
        given().get(signer.link(streamA, Instant.now().plusSeconds(60))).then().statusCode(200)
                .body("task_id", equalTo(taskA.toString())).body("events.seq", contains(1, 2, 3, 4, 5, 6));

        var dead = TestTopics.readUntil(DEAD_LETTERS, Duration.ofSeconds(30), read -> ours(read, taskB, taskC).size() >= 2);
        assertThat(ours(dead, taskB, taskC)).extracting(ConsumerRecord::value).containsExactlyInAnyOrder(nul, claimsA);
        assertThat(ours(dead, taskB, taskC)).allSatisfy(record -> {
            assertThat(TestTopics.header(record, "dead-letter-topic")).isEqualTo(Topics.TASK_EVENTS);
            assertThat(TestTopics.header(record, "dead-letter-offset")).isNotNull();
        });
        assertThat(ours(dead, taskB, taskC)).anySatisfy(record -> assertThat(TestTopics.header(record, "dead-letter-reason"))
                .contains("belongs to task " + taskA));
    }

    /** Sends without waiting between records, so that they reach the consumer in as few batches as they can. */
    private static void send(List<String> envelopes) throws Exception {
        for (String envelope : envelopes) {
            TestEvents.sendAsync(UUID.fromString(TestEvents.JSON.readTree(envelope).get("task_id").asText()), envelope);
        }
        TestEvents.publish(UUID.randomUUID(), List.of());
    }

    private static List<ConsumerRecord<String, String>> ours(List<ConsumerRecord<String, String>> read, UUID taskB, UUID taskC) {
        return read.stream().filter(record -> taskB.toString().equals(record.key()) || taskC.toString().equals(record.key())).toList();
    }

    private static String events(UUID task) {
        return "/api/preview/agents/" + TestEvents.ORG + "/tasks/" + task + "/events";
    }

    private static String with(String envelope, java.util.function.Consumer<ObjectNode> change) throws Exception {
        ObjectNode event = (ObjectNode) TestEvents.JSON.readTree(envelope);
        change.accept(event);
        return TestEvents.JSON.writeValueAsString(event);
    }
}
