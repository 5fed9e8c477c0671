package dev.relay.billing;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import dev.relay.common.event.TaskEvent;
import dev.relay.common.event.Topics;
import dev.relay.testsupport.KafkaBroker;
import dev.relay.testsupport.RelayTestResources;
import dev.relay.testsupport.TestTokens;
import dev.relay.testsupport.TestTopics;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * One malformed usage report among 2,000 costs only itself: it goes alone to the billing consumer's dead-letter topic,
 * and the 1,999 others are metered exactly (they used to go to the dead-letter topic with it, never counted).
 */
@QuarkusTest
@WithTestResource(RelayTestResources.class)
class MalformedUsageTest {

    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private static final String DEAD_LETTERS = Topics.deadLetter(Topics.TASK_EVENTS, "billing-service-usage");

    @Test
    void oneMalformedUsageReportInABatchOf2000IsDeadLetteredAloneAndTheOthersAreMeteredExactly() throws Exception {
        String org = "poison-" + UUID.randomUUID().toString().substring(0, 8);
        String member = TestTokens.bearer(org, "alice@" + org + ".dev");
        String model = "model-" + UUID.randomUUID().toString().substring(0, 8);
        // one task: its records share a partition, so they arrive in polls of up to 2,000 (max.poll.records)
        String task = UUID.randomUUID().toString();
        String malformed = "{\"id\":\"not-a-uuid\",\"task_id\":\"" + task + "\",\"org\":\"" + org
                + "\",\"seq\":3,\"type\":\"usage.reported\",\"created_at\":\"2026-12-04T10:00:00Z\",\"data\":{\"model\":\"" + model
                + "\",\"input_tokens\":1000000,\"output_tokens\":1000000}}";
        long input = 0;
        long output = 0;
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                KafkaBroker.shared().bootstrapServers(), "acks", "all", "linger.ms", 20), new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 2000; i++) {
                String value;
                if (i == 1234) {
                    value = malformed;
                } else {
                    TaskEvent report = TestBudgets.usage(org, "alice@" + org + ".dev", model, 100 + i, 10 + i % 7);
                    input += 100 + i;
                    output += 10 + i % 7;
                    value = JSON.writeValueAsString(report);
                }
                producer.send(new ProducerRecord<>(Topics.TASK_EVENTS, task, value));
            }
            producer.flush();
        }

        long inputTokens = input;
        long outputTokens = output;
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().header("Authorization", member)
                .get("/api/v1/usage?groupBy=model").then().statusCode(200)
                .body("usage.find { it.group == '" + model + "' }.input_tokens", equalTo((int) inputTokens))
                .body("usage.find { it.group == '" + model + "' }.output_tokens", equalTo((int) outputTokens)));
        var dead = TestTopics.readUntil(DEAD_LETTERS, Duration.ofSeconds(30),
                read -> read.stream().anyMatch(record -> task.equals(record.key())));
        var ours = dead.stream().filter(record -> task.equals(record.key())).toList();
        assertThat(ours).extracting(ConsumerRecord::value).containsExactly(malformed);
        assertThat(TestTopics.header(ours.get(0), "dead-letter-topic")).isEqualTo(Topics.TASK_EVENTS);
        assertThat(TestTopics.header(ours.get(0), "dead-letter-offset")).isNotNull();
    }
}
