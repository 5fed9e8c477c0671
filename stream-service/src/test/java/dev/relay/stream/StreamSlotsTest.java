package dev.relay.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.relay.stream.repository.StreamSlotRepository;
import dev.relay.stream.sse.ConnectionLimits;
import dev.relay.testsupport.RelayTestResources;
import dev.relay.testsupport.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Transaction;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Every stream slot taken is given back, however the client leaves, and the caps count every replica's open streams
 * (test profile: 20 per user, 25 per organization).
 */
@QuarkusTest
@WithTestResource(RelayTestResources.class)
class StreamSlotsTest {

    private static final String TOKEN = TestTokens.bearer(TestEvents.ORG, TestEvents.ALICE);
    private static final String ERIN = "erin@acme.dev";
    private static final String ERINS_SCOPE = ConnectionLimits.userScope(TestEvents.ORG, ERIN);

    @TestHTTPResource("/")
    URI base;

    @Inject
    Pool pool;

    @Inject
    StreamSlotRepository slots;

    @Test
    void anotherReplicasOpenStreamsCountAgainstTheCapsUntilTheirLeaseEnds() throws Exception {
        TestEvents.awaitReady();
        UUID task = UUID.randomUUID();
        List<String> history = new ArrayList<>(TestEvents.run(task, 1, 3).subList(0, 2));
        history.add(TestEvents.shared(task, 3, true)); // erin and frank, members of its organization, may read it
        TestEvents.publish(task, history);
        String path = "/api/preview/agents/" + TestEvents.ORG + "/tasks/" + task + "/events/stream";
        String erin = TestTokens.bearer(TestEvents.ORG, ERIN);
        await().atMost(Duration.ofSeconds(10)).until(() -> openAll(path, erin, 1).get(0) == 200);
        await().atMost(Duration.ofSeconds(10)).until(() -> heldHere(ERINS_SCOPE) == 0);
        UUID otherReplica = UUID.randomUUID();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<HttpResponse<Stream<String>>> open = new ArrayList<>();
        try {
            holdElsewhere(otherReplica, ERINS_SCOPE, 19, 60);
            // another replica holds 19 of erin's 20: one more here, not two
            open.add(http.send(request(path, erin), HttpResponse.BodyHandlers.ofLines()));
            assertThat(open.get(0).statusCode()).isEqualTo(200);
            var refused = send(path, erin);
            assertThat(refused.statusCode()).isEqualTo(429);
            assertThat(refused.headers().firstValue("Retry-After")).isPresent();
            assertThat(TestEvents.JSON.readTree(refused.body()).get("message").asText()).contains("user '" + ERIN + "'");

            // that replica stopped without a word: its lease ended, and its slots count no more
            holdElsewhere(otherReplica, ERINS_SCOPE, 19, -1);
            for (int i = 0; i < 5; i++) {
                open.add(http.send(request(path, erin), HttpResponse.BodyHandlers.ofLines()));
            }
            assertThat(open).extracting(HttpResponse::statusCode).containsOnly(200);

            // the organization's 25 are all open on that replica
            holdElsewhere(otherReplica, ConnectionLimits.orgScope(TestEvents.ORG), 25, 60);
            var frank = send(path, TestTokens.bearer(TestEvents.ORG, "frank@acme.dev"));
            assertThat(frank.statusCode()).isEqualTo(429);
            assertThat(TestEvents.JSON.readTree(frank.body()).get("message").asText())
                    .contains("organization '" + TestEvents.ORG + "'");
        } finally {
            open.forEach(response -> response.body().close());
            pool.preparedQuery("DELETE FROM stream.stream_slot WHERE replica = $1").execute(Tuple.of(otherReplica))
                    .await().indefinitely();
        }
    }

    @Test
    void aReplicaWritesTheStreamsItHoldsAndGivesThemBackAsTheyClose() throws Exception {
        TestEvents.awaitReady();
        UUID task = UUID.randomUUID();
        List<String> history = new ArrayList<>(TestEvents.run(task, 1, 3).subList(0, 2));
        history.add(TestEvents.shared(task, 3, true));
        TestEvents.publish(task, history);
        String path = "/api/preview/agents/" + TestEvents.ORG + "/tasks/" + task + "/events/stream";
        String erin = TestTokens.bearer(TestEvents.ORG, ERIN);
        await().atMost(Duration.ofSeconds(10)).until(() -> openAll(path, erin, 1).get(0) == 200);
        await().atMost(Duration.ofSeconds(10)).until(() -> heldHere(ERINS_SCOPE) == 0);

        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<HttpResponse<Stream<String>>> open = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                open.add(http.send(request(path, erin), HttpResponse.BodyHandlers.ofLines()));
            }
            assertThat(open).extracting(HttpResponse::statusCode).containsOnly(200);
            await().atMost(Duration.ofSeconds(10)).until(() -> heldHere(ERINS_SCOPE) == 3);
        } finally {
            open.forEach(response -> response.body().close());
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> heldHere(ERINS_SCOPE) == 0);
    }

    @Test
    void twoReplicasTakingAUsersLastSlotAtOnceGetItOnce() throws Exception {
        String org = ConnectionLimits.orgScope("race.dev");
        String user = ConnectionLimits.userScope("race.dev", "racer@race.dev");
        UUID third = UUID.randomUUID();
        UUID first = UUID.randomUUID();
        UUID second = UUID.randomUUID();
        try {
            holdElsewhere(third, user, 19, 60); // one of the user's 20 left
            SqlConnection holder = pool.getConnection().await().indefinitely();
            Transaction turn = holder.begin().await().indefinitely();
            holder.preparedQuery("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))").execute(Tuple.of(org))
                    .await().indefinitely();
            var firstTake = slots.take(first, org, user, 1, 1, 25, 20, Duration.ofMinutes(1)).subscribeAsCompletionStage();
            var secondTake = slots.take(second, org, user, 1, 1, 25, 20, Duration.ofMinutes(1)).subscribeAsCompletionStage();
            Thread.sleep(300);
            // both wait for the organization's turn, which this test holds
            assertThat(firstTake).isNotDone();
            assertThat(secondTake).isNotDone();
            turn.commit().await().indefinitely();
            holder.close().await().indefinitely();

            assertThat(Arrays.asList(firstTake.get(5, TimeUnit.SECONDS), secondTake.get(5, TimeUnit.SECONDS)))
                    .containsExactlyInAnyOrder(null, "user");
        } finally {
            pool.preparedQuery("DELETE FROM stream.stream_slot WHERE replica = ANY($1)")
                    .execute(Tuple.of(new UUID[] {third, first, second})).await().indefinitely();
        }
    }

    /**
     * Another replica's row, written as that replica would: it holds {@code held} of {@code scope}, its lease ending
     * that many seconds from now.
     */
    private void holdElsewhere(UUID replica, String scope, int held, int leaseSecondsFromNow) {
        slots.write(replica, Map.of(scope, held), Duration.ofSeconds(leaseSecondsFromNow)).await().indefinitely();
    }

    /** What the replicas' rows say is held of {@code scope} and still leased (this test's replica only, here). */
    private int heldHere(String scope) {
        return pool.preparedQuery("SELECT coalesce(sum(held), 0) FROM stream.stream_slot WHERE scope = $1 AND lease_until > now()")
                .execute(Tuple.of(scope)).await().indefinitely().iterator().next().getInteger(0);
    }

    /** A refusal's status, headers and body; a stream that opened is closed at once (its body never ends). */
    private Answer send(String path, String token) throws Exception {
        HttpResponse<Stream<String>> response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                .send(request(path, token), HttpResponse.BodyHandlers.ofLines());
        try (Stream<String> body = response.body()) {
            return new Answer(response.statusCode(), response.headers(),
                    response.statusCode() == 200 ? "" : String.join("\n", body.toList()));
        }
    }

    private record Answer(int statusCode, HttpHeaders headers, String body) {
    }

    private HttpRequest request(String path, String token) {
        return HttpRequest.newBuilder(base.resolve(path)).header("Authorization", token).build();
    }

    @Test
    void clientsThatLeaveWhileTheirStreamIsSetUpLeaveNoSlotTaken() throws Exception {
        TestEvents.awaitReady();
        UUID task = UUID.randomUUID();
        TestEvents.publish(task, TestEvents.run(task, 1, 3).subList(0, 2));
        String path = "/api/preview/agents/" + TestEvents.ORG + "/tasks/" + task + "/events/stream";
        await().atMost(Duration.ofSeconds(10)).until(() -> openAll(path, TOKEN, 1).get(0) == 200);

        for (int i = 0; i < 300; i++) {
            try (Socket socket = new Socket(base.getHost(), base.getPort())) {
                OutputStream out = socket.getOutputStream();
                out.write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\nAuthorization: "
                        + TOKEN + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                if (i % 3 == 1) {
                    socket.getInputStream().read(); // some go away only once the server answered (the slot was taken)
                }
            }
        }

        // all 20 of the user's slots (%test; each slot of a user is one of its organization's too) are free again once
        // the aborted streams are closed
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(openAll(path, TOKEN, 20)).containsOnly(200));
    }

    /** Opens {@code count} streams at once and closes them; answers their statuses. */
    private List<Integer> openAll(String path, String token, int count) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<CompletableFuture<HttpResponse<Stream<String>>>> open = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            open.add(http.sendAsync(request(path, token), HttpResponse.BodyHandlers.ofLines()));
        }
        List<Integer> statuses = new ArrayList<>();
        for (var response : open) {
            statuses.add(response.get().statusCode());
        }
        for (var response : open) {
            response.get().body().close();
        }
        return statuses;
    }
}
