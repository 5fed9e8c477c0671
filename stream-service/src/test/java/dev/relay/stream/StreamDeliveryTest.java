package dev.relay.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.relay.stream.sse.LiveEvents;
import dev.relay.testsupport.RelayTestResources;
import dev.relay.testsupport.SseClient;
import dev.relay.testsupport.SseEvent;
import dev.relay.testsupport.TestDatabase;
import dev.relay.testsupport.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/** Delivery guarantees under concurrency, holes in the log, slow viewers and many viewers (test profile limits). */
@QuarkusTest
@WithTestResource(RelayTestResources.class)
class StreamDeliveryTest {

    private static final String TOKEN = TestTokens.bearer(TestEvents.ORG, TestEvents.ALICE);

    @TestHTTPResource("/")
    URI base;
    @Inject
    LiveEvents live;

    @BeforeEach
    void liveReaderIsUp() {
        TestEvents.awaitReady();
    }

    @Test
    void handOverFromHistoryToLiveNeverLosesOrRepeatsAnEvent() throws Exception {
        for (int round = 0; round < 15; round++) {
            UUID task = UUID.randomUUID();
            List<String> envelopes = TestEvents.run(task, 1, 40);
            TestEvents.send(task, envelopes.get(0));
            // each send waits for the broker's acknowledgement, which spreads the run over time
            AtomicInteger sent = new AtomicInteger(1);
            Thread publisher = new Thread(() -> envelopes.subList(1, 40).forEach(envelope -> {
                TestEvents.send(task, envelope);
                sent.incrementAndGet();
            }));
            publisher.start();
            int joinAt = ThreadLocalRandom.current().nextInt(1, 40); // the viewer joins at a random point of the run
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(1)).until(() -> sent.get() >= joinAt);

            SseClient.Result result = SseClient.get(uri(task), Map.of("Authorization", TOKEN), Duration.ofSeconds(30));
            publisher.join();

            assertThat(seqs(result.events())).as("round %d", round)
                    .containsExactlyElementsOf(LongStream.rangeClosed(1, 40).boxed().toList());
        }
    }

    @Test
    void aHoleInTheLogIsReportedAsAGapAfterABoundedWait() throws Exception {
        UUID task = UUID.randomUUID();
        List<String> envelopes = TestEvents.run(task, 1, 5);
        TestEvents.publish(task, List.of(envelopes.get(0), envelopes.get(1), envelopes.get(3), envelopes.get(4)));

        SseClient.Result result = SseClient.get(uri(task), Map.of("Authorization", TOKEN), Duration.ofSeconds(30));

        assertThat(result.events()).extracting(SseEvent::event)
                .containsExactly("task.created", "message.delta", "stream.gap", "message.delta", "run.completed");
        JsonNode gap = TestEvents.JSON.readTree(result.events().get(2).data());
        assertThat(gap.get("missing_from").asLong()).isEqualTo(3);
        assertThat(gap.get("missing_to").asLong()).isEqualTo(3);
        assertThat(seqs(result.events())).containsExactly(1L, 2L, 3L, 4L, 5L);
    }

    @Test
    void liveEventsAheadOfAStalledLogAreWaitedForNotReportedAsAGap() throws Exception {
        UUID task = UUID.randomUUID();
        List<String> envelopes = TestEvents.run(task, 1, 5);
        TestEvents.publish(task, envelopes.subList(0, 1));
        TestDatabase db = TestDatabase.shared();
        try (Connection lock = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password())) {
            awaitStored(lock, task, 1);
            lock.setAutoCommit(false);
            // storing stalls (reads go on) for three times the gap wait, while the live reader goes on
            lock.createStatement().execute("LOCK TABLE stream.task_event IN EXCLUSIVE MODE");
            // seq 2 and 3 pass the live reader before any stream follows the task, and are not stored yet
            Set<Long> passed = ConcurrentHashMap.newKeySet();
            Runnable stopWatching = live.listen(task, batch -> batch.forEach(frame -> passed.add(frame.seq())));
            TestEvents.publish(task, envelopes.subList(1, 3));
            await().atMost(Duration.ofSeconds(10)).until(() -> passed.containsAll(Set.of(2L, 3L)));
            stopWatching.run();
            CountDownLatch following = new CountDownLatch(1);
            List<SseEvent> received = new CopyOnWriteArrayList<>();
            CompletableFuture<SseClient.Result> viewer = CompletableFuture.supplyAsync(
                    () -> SseClient.get(uri(task), Map.of("Authorization", TOKEN), Duration.ofSeconds(30), event -> {
                        received.add(event);
                        following.countDown(); // seq 1 came from the log, so the stream already listens live
                        return false;
                    }));
            assertThat(following.await(20, TimeUnit.SECONDS)).isTrue();
            TestEvents.publish(task, envelopes.subList(3, 5)); // live, two ahead of what the log holds
            // storing stays stalled for three times the test's gap wait (1 s), long enough for a false gap: none comes
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                    .until(() -> received.stream().noneMatch(event -> "stream.gap".equals(event.event())));
            lock.rollback();

            assertThat(viewer.get().events()).extracting(SseEvent::event).doesNotContain("stream.gap");
            assertThat(seqs(viewer.get().events())).containsExactly(1L, 2L, 3L, 4L, 5L);
        }
    }

    @Test
    void aSlowViewerIsCutOffWithAResumePointWhileAFastOneGetsEverything() throws Exception {
        UUID task = UUID.randomUUID();
        List<String> envelopes = TestEvents.run(task, 1, 3000, 6000);
        TestEvents.send(task, envelopes.get(0));
        SseClient.get(uri(task), Map.of("Authorization", TOKEN), Duration.ofSeconds(30),
                event -> true);

        try (Socket slow = openWithoutReading(task)) {
            CountDownLatch following = new CountDownLatch(1);
            CompletableFuture<SseClient.Result> fast = CompletableFuture.supplyAsync(
                    () -> SseClient.get(uri(task), Map.of("Authorization", TOKEN), Duration.ofSeconds(120), event -> {
                        following.countDown(); // seq 1 came from the log, so the stream already listens live
                        return false;
                    }));
            assertThat(following.await(20, TimeUnit.SECONDS)).isTrue();
            envelopes.subList(1, envelopes.size()).forEach(envelope -> TestEvents.sendAsync(task, envelope));

            assertThat(seqs(fast.get().events())).containsExactlyElementsOf(LongStream.rangeClosed(1, 3000).boxed().toList());

            List<String> slowEvents = readEventNames(slow);
            assertThat(slowEvents).isNotEmpty();
            assertThat(slowEvents.get(slowEvents.size() - 1)).isEqualTo("stream.cutoff");
            assertThat(slowEvents).doesNotContain("run.completed");
        }
    }

    @Test
    void openStreamsArePerUserAndPerOrganizationCappedWith429AndIdleStreamsGetHeartbeats() throws Exception {
        UUID task = UUID.randomUUID();
        List<String> history = new ArrayList<>(TestEvents.run(task, 1, 3).subList(0, 2));
        history.add(TestEvents.shared(task, 3, true)); // the organization's other members may read it too
        TestEvents.publish(task, history);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<CompletableFuture<HttpResponse<Stream<String>>>> open = new ArrayList<>();
        try {
            String bob = TestTokens.bearer(TestEvents.ORG, "bob@acme.dev");
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                var first = http.send(streamRequest(task, bob), HttpResponse.BodyHandlers.ofLines());
                if (first.statusCode() == 200) {
                    open.add(CompletableFuture.completedFuture(first));
                }
                assertThat(first.statusCode()).isEqualTo(200);
            });
            openAll(http, task, bob, 19, open); // bob's 20 streams: the cap of one user (%test)

            HttpResponse<String> bobsNext = http.send(streamRequest(task, bob), HttpResponse.BodyHandlers.ofString());
            assertThat(bobsNext.statusCode()).isEqualTo(429);
            assertThat(TestEvents.JSON.readTree(bobsNext.body()).get("message").asText()).contains("user 'bob@acme.dev'");
            assertThat(bobsNext.headers().firstValue("Retry-After")).isPresent();

            openAll(http, task, TestTokens.bearer(TestEvents.ORG, "carol@acme.dev"), 5, open); // 25: the organization's cap (%test)
            HttpResponse<String> refused = http.send(streamRequest(task, TestTokens.bearer(TestEvents.ORG, "dave@acme.dev")),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).isEqualTo(429);
            assertThat(TestEvents.JSON.readTree(refused.body()).get("code").asText()).isEqualTo("too_many_requests");
            assertThat(TestEvents.JSON.readTree(refused.body()).get("message").asText()).contains("organization 'acme'");

            List<String> lines = open.get(0).get().body().limit(20).toList();
            assertThat(lines).anyMatch(line -> line.startsWith(":") && line.contains("keep-alive"));
        } finally {
            open.forEach(response -> response.thenAccept(r -> r.body().close()));
        }
    }

    private void openAll(HttpClient http, UUID task, String token, int count, List<CompletableFuture<HttpResponse<Stream<String>>>> open)
            throws Exception {
        List<CompletableFuture<HttpResponse<Stream<String>>>> these = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            these.add(http.sendAsync(streamRequest(task, token), HttpResponse.BodyHandlers.ofLines()));
        }
        open.addAll(these);
        for (var response : these) {
            assertThat(response.get().statusCode()).isEqualTo(200);
        }
    }

    private HttpRequest streamRequest(UUID task, String token) {
        return HttpRequest.newBuilder(uri(task)).header("Authorization", token).build();
    }

    private Socket openWithoutReading(UUID task) throws IOException {
        Socket socket = new Socket(base.getHost(), base.getPort());
        OutputStream out = socket.getOutputStream();
        out.write(("GET " + uri(task).getPath() + " HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n"
                + "Authorization: " + TOKEN + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return socket;
    }

    private static List<String> readEventNames(Socket socket) throws IOException {
        socket.setSoTimeout(30_000);
        List<String> names = new ArrayList<>();
        BufferedReader reader = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            if (line.startsWith("event:")) {
                names.add(line.substring(6).strip());
            }
            if (line.equals("0")) {
                break; // the last chunk of the chunked response
            }
        }
        return names;
    }

    private static void awaitStored(Connection connection, UUID task, int count) {
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            var query = connection.prepareStatement("SELECT count(*) FROM stream.task_event WHERE task_id = ?");
            query.setObject(1, task);
            var rows = query.executeQuery();
            rows.next();
            return rows.getInt(1) >= count;
        });
    }

    private URI uri(UUID task) {
        return URI.create(base + "api/preview/agents/" + TestEvents.ORG + "/tasks/" + task + "/events/stream");
    }

    private static List<Long> seqs(List<SseEvent> events) {
        return events.stream().map(e -> Long.parseLong(e.id())).toList();
    }
}
