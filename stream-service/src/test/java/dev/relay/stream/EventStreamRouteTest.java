package dev.relay.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;


import dev.relay.common.event.TaskEvent;
import dev.relay.common.event.TaskEventTypes;
import dev.relay.testsupport.RelayTestResources;
import dev.relay.testsupport.SseClient;
import dev.relay.testsupport.SseEvent;
import dev.relay.testsupport.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@WithTestResource(RelayTestResources.class)
class EventStreamRouteTest {

    private static final String ORG = TestEvents.ORG;
    private static final String ALICE = TestEvents.ALICE;

    @TestHTTPResource("/")
    URI base;

    @BeforeEach
    void liveReaderIsUp() {
        TestEvents.awaitReady();
    }

    @Test
    void replaysTheWholeRunThenEnds() throws Exception {
        UUID task = UUID.randomUUID();
        publishRun(task, 1, 6);

        SseClient.Result result = stream(task, Map.of());

        assertThat(result.status()).isEqualTo(200);
        assertThat(seqs(result.events())).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
        assertThat(result.events().get(0).event()).isEqualTo(TaskEventTypes.TASK_CREATED);
        assertThat(result.events().get(5).event()).isEqualTo(TaskEventTypes.RUN_COMPLETED);
        TaskEvent first = TestEvents.JSON.readValue(result.events().get(0).data(), TaskEvent.class);
        assertThat(first.taskId()).isEqualTo(task);
        assertThat(first.seq()).isEqualTo(1);
    }

    @Test
    void redeliveredEventsAreStoredOnce() throws Exception {
        UUID task = UUID.randomUUID();
        List<String> envelopes = TestEvents.run(task, 1, 4);
        for (int round = 0; round < 3; round++) {
            for (String envelope : envelopes) {
                TestEvents.send(task, envelope);
            }
        }

        assertThat(seqs(stream(task, Map.of()).events())).containsExactly(1L, 2L, 3L, 4L);
    }

    @Test
    void resumesAfterLastEventIdOrAfterParameter() throws Exception {
        UUID task = UUID.randomUUID();
        publishRun(task, 1, 7);
        stream(task, Map.of());

        assertThat(seqs(stream(task, Map.of("Last-Event-ID", "4")).events())).containsExactly(5L, 6L, 7L);
        assertThat(seqs(SseClient.get(uri(task, "?after=2"), auth(), Duration.ofSeconds(20)).events()))
                .containsExactly(3L, 4L, 5L, 6L, 7L);
        assertThat(stream(task, Map.of("Last-Event-ID", "7")).status()).isEqualTo(204);
    }

    @Test
    void liveEventsFollowHistory() throws Exception {
        UUID task = UUID.randomUUID();
        List<String> envelopes = TestEvents.run(task, 1, 10);
        for (String envelope : envelopes.subList(0, 4)) {
            TestEvents.send(task, envelope);
        }
        // the rest is published once the viewer has read the history: it can only come live
        SseClient.Result result = SseClient.get(uri(task, ""), auth(),
                Duration.ofSeconds(30), event -> {
                    if (event.id().equals("4")) {
                        envelopes.subList(4, 10).forEach(envelope -> TestEvents.sendAsync(task, envelope));
                    }
                    return false;
                });

        assertThat(seqs(result.events())).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
        assertThat(result.comments()).contains("connected");
        assertThat(result.retries()).containsExactly("3000");
    }

    @Test
    void sharingAfterTheRunLetsTheOrganizationStreamAndTheStreamStillEnds() {
        UUID task = UUID.randomUUID();
        publishRun(task, 1, 4);
        Map<String, String> bob = Map.of("Authorization", TestTokens.bearer(ORG, "bob@acme.dev"));
        assertThat(SseClient.get(uri(task, ""), bob, Duration.ofSeconds(20)).status()).isEqualTo(404);

        TestEvents.send(task, TestEvents.shared(task, 5, true));

        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(seqs(SseClient.get(uri(task, ""), bob, Duration.ofSeconds(20)).events()))
                        .containsExactly(1L, 2L, 3L, 4L, 5L));
        assertThat(stream(task, Map.of("Last-Event-ID", "5")).status()).isEqualTo(204);
    }

    @Test
    void anotherOrganizationGets404() throws Exception {
        UUID task = UUID.randomUUID();
        publishRun(task, 1, 3);
        stream(task, Map.of());

        SseClient.Result other = SseClient.get(URI.create(base + "api/preview/agents/globex/tasks/" + task + "/events/stream"),
                Map.of("Authorization", TestTokens.bearer("globex", "eve@globex.dev")), Duration.ofSeconds(20));
        assertThat(other.status()).isEqualTo(404);
        SseClient.Result sameOrgOtherUser = SseClient.get(uri(task, ""),
                Map.of("Authorization", TestTokens.bearer(ORG, "bob@acme.dev")), Duration.ofSeconds(20));
        assertThat(sameOrgOtherUser.status()).isEqualTo(404);
    }

    @Test
    void refusalsComeBeforeTheStreamWithTheErrorBody() throws Exception {
        UUID task = UUID.randomUUID();
        publishRun(task, 1, 3);
        stream(task, Map.of());
        var http = java.net.http.HttpClient.newHttpClient();
        var noToken = http.send(java.net.http.HttpRequest.newBuilder(uri(task, "")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(noToken.statusCode()).isEqualTo(401);
        assertThat(TestEvents.JSON.readTree(noToken.body()).get("code").asText()).isEqualTo("unauthorized");
        var badPosition = http.send(java.net.http.HttpRequest.newBuilder(uri(task, "")).header("Authorization", auth().get("Authorization"))
                .header("Last-Event-ID", "soon").build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(badPosition.statusCode()).isEqualTo(400);
        assertThat(TestEvents.JSON.readTree(badPosition.body()).get("message").asText()).contains("Last-Event-ID");
        var notATask = http.send(java.net.http.HttpRequest.newBuilder(URI.create(base + "api/preview/agents/" + ORG + "/tasks/nope/events/stream"))
                .header("Authorization", auth().get("Authorization")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(notATask.statusCode()).isEqualTo(404);
        assertThat(notATask.headers().firstValue("Content-Type")).hasValue("application/json");
    }

    private SseClient.Result stream(UUID task, Map<String, String> headers) {
        Map<String, String> all = new java.util.HashMap<>(auth());
        all.putAll(headers);
        return SseClient.get(uri(task, ""), all, Duration.ofSeconds(20));
    }

    private URI uri(UUID task, String query) {
        return URI.create(base + "api/preview/agents/" + ORG + "/tasks/" + task + "/events/stream" + query);
    }

    private static Map<String, String> auth() {
        return Map.of("Authorization", TestTokens.bearer(ORG, ALICE));
    }

    private static List<Long> seqs(List<SseEvent> events) {
        return events.stream().map(e -> Long.parseLong(e.id())).toList();
    }

    private static void publishRun(UUID task, long from, long to) {
        TestEvents.publish(task, TestEvents.run(task, from, to));
    }
}
