package dev.relay.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import dev.relay.testsupport.RelayTestResources;
import dev.relay.testsupport.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/** Every per-organization stream slot taken is given back, however the client leaves (test profile: 25 per org). */
@QuarkusTest
@WithTestResource(RelayTestResources.class)
class StreamSlotsTest {

    private static final String TOKEN = TestTokens.bearer(TestEvents.ORG, TestEvents.ALICE);

    @TestHTTPResource("/")
    URI base;

    @Test
    void clientsThatLeaveWhileTheirStreamIsSetUpLeaveNoSlotTaken() throws Exception {
        TestEvents.awaitReady();
        UUID task = UUID.randomUUID();
        TestEvents.publish(task, TestEvents.run(task, 1, 3).subList(0, 2));
        String path = "/api/preview/agents/" + TestEvents.ORG + "/tasks/" + task + "/events/stream";
        await().atMost(Duration.ofSeconds(10)).until(() -> openAll(path, 1).get(0) == 200);

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
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(openAll(path, 20)).containsOnly(200));
    }

    /** Opens {@code count} streams at once and closes them; answers their statuses. */
    private List<Integer> openAll(String path, int count) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<CompletableFuture<HttpResponse<Stream<String>>>> open = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            open.add(http.sendAsync(HttpRequest.newBuilder(base.resolve(path)).header("Authorization", TOKEN).build(),
                    HttpResponse.BodyHandlers.ofLines()));
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
