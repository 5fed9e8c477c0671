package dev.relay.task;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import dev.relay.common.event.Topics;
import dev.relay.common.messaging.TraceParent;
import dev.relay.testsupport.RecordedSpans;
import dev.relay.testsupport.RelayTestResources;
import dev.relay.testsupport.TestTokens;
import dev.relay.testsupport.TestTopics;
import io.opentelemetry.api.trace.SpanKind;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A create continues the caller's trace (W3C traceparent) and hands it on: the events it wrote carry it in their
 * Kafka headers (through the outbox row), so their consumers' spans join the same trace. The stream service's half
 * (its delivery span) is its own TraceDeliveryTest.
 */
@QuarkusTest
@WithTestResource(RelayTestResources.class)
class TracePropagationTest {

    @Inject
    RecordedSpans spans;

    @Test
    void theEventsOfACreateCarryTheTraceOfItsRequest() {
        String traceId = UUID.randomUUID().toString().replace("-", "");
        String callerSpan = "00f067aa0ba902b7";
        String taskId = given().header("Authorization", TestTokens.bearer("acme", "tracer@acme.dev"))
                .header("traceparent", "00-" + traceId + "-" + callerSpan + "-01")
                .contentType("application/json").accept("application/json")
                .body("{\"task\":\"trace me\",\"response_format\":\"json\"}")
                .post("/api/v1/tasks").then().statusCode(202).extract().path("task_id");

        List<ConsumerRecord<String, String>> events = TestTopics.readUntil(Topics.TASK_EVENTS, Duration.ofSeconds(20),
                read -> read.stream().filter(record -> taskId.equals(record.key())).count() >= 2);
        List<ConsumerRecord<String, String>> ofTask = events.stream().filter(record -> taskId.equals(record.key())).toList();
        assertThat(ofTask).hasSizeGreaterThanOrEqualTo(2);
        // task.created and message.user were written by the request: they carry its trace, each with the request's span as parent
        assertThat(ofTask.subList(0, 2)).allSatisfy(record -> assertThat(TestTopics.header(record, TraceParent.HEADER))
                .startsWith("00-" + traceId + "-").doesNotContain(callerSpan));

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(spans.ofTrace(traceId))
                .filteredOn(span -> span.getKind() == SpanKind.SERVER)
                .singleElement()
                .satisfies(server -> {
                    assertThat(server.getParentSpanId()).isEqualTo(callerSpan);
                    assertThat(TestTopics.header(ofTask.get(0), TraceParent.HEADER)).contains(server.getSpanId());
                }));
    }
}
