package dev.relay.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.relay.common.event.Topics;
import dev.relay.common.messaging.TraceParent;
import dev.relay.testsupport.RecordedSpans;
import dev.relay.testsupport.RelayTestResources;
import dev.relay.testsupport.SseClient;
import dev.relay.testsupport.SseEvent;
import dev.relay.testsupport.TestTokens;
import dev.relay.testsupport.TestTopics;
import io.opentelemetry.api.trace.SpanKind;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The trace of a request goes on to the event's delivery: a record whose headers carry a traceparent (the task
 * service's outbox sets it: TracePropagationTest) is delivered to the task's live streams inside a span of that trace.
 */
@QuarkusTest
@WithTestResource(RelayTestResources.class)
class TraceDeliveryTest {

    @TestHTTPResource("/")
    URI base;

    @Inject
    RecordedSpans spans;

    @BeforeEach
    void liveReaderIsUp() {
        TestEvents.awaitReady();
    }

    @Test
    void aTracedEventIsDeliveredInASpanOfItsTrace() throws Exception {
        UUID task = UUID.randomUUID();
        List<String> envelopes = TestEvents.run(task, 1, 3);
        TestEvents.publish(task, envelopes.subList(0, 1));
        CountDownLatch following = new CountDownLatch(1);
        CompletableFuture<SseClient.Result> stream = CompletableFuture.supplyAsync(() -> SseClient.get(
                base.resolve("/api/preview/agents/" + TestEvents.ORG + "/tasks/" + task + "/events/stream"),
                Map.of("Authorization", TestTokens.bearer(TestEvents.ORG, TestEvents.ALICE)), Duration.ofSeconds(30),
                event -> {
                    following.countDown(); // seq 1 came from the log: the stream listens live from now on
                    return false;
                }));
        assertThat(following.await(20, TimeUnit.SECONDS)).isTrue();

        String traceId = UUID.randomUUID().toString().replace("-", "");
        String requestSpan = "b7ad6b7169203331";
        Map<String, String> traced = Map.of(TraceParent.HEADER, "00-" + traceId + "-" + requestSpan + "-01");
        TestTopics.send(Topics.TASK_EVENTS, task.toString(), envelopes.get(1), traced);
        TestTopics.send(Topics.TASK_EVENTS, task.toString(), envelopes.get(2), traced);

        assertThat(stream.get(30, TimeUnit.SECONDS).events()).extracting(SseEvent::event)
                .containsExactly("task.created", "message.delta", "run.completed");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(spans.ofTrace(traceId))
                .filteredOn(span -> span.getName().equals(Topics.TASK_EVENTS + " deliver"))
                .hasSizeGreaterThanOrEqualTo(1)
                .allSatisfy(span -> {
                    assertThat(span.getKind()).isEqualTo(SpanKind.CONSUMER);
                    assertThat(span.getParentSpanId()).isEqualTo(requestSpan);
                    assertThat(span.getAttributes().asMap().toString()).contains(task.toString());
                }));
    }
}
