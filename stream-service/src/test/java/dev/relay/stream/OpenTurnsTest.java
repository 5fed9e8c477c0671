package dev.relay.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.relay.testsupport.RelayTestResources;
import dev.relay.testsupport.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A replica runs few of the stream opens' statements at once (%test: 2 turns), and an unknown task's wait for its
 * first event holds no turn: another organization's opens of task ids nobody has, each waiting its 5 s before a 404,
 * do not keep a known task's stream from opening at once.
 */
@QuarkusTest
@WithTestResource(RelayTestResources.class)
class OpenTurnsTest {

    @TestHTTPResource("/")
    URI base;

    @Test
    void opensOfUnknownTasksWaitingForTheirFirstEventDoNotHoldUpAnotherOrganizationsOpen() throws Exception {
        TestEvents.awaitReady();
        UUID known = UUID.randomUUID();
        TestEvents.publish(known, TestEvents.run(known, 1, 3).subList(0, 2));
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String alice = TestTokens.bearer(TestEvents.ORG, TestEvents.ALICE);
        // the known task's events are stored before the clock starts
        HttpResponse<java.util.stream.Stream<String>> first = http.send(stream(TestEvents.ORG, known, alice), HttpResponse.BodyHandlers.ofLines());
        assertThat(first.statusCode()).isEqualTo(200);
        first.body().close();

        String otherOrg = "other-" + UUID.randomUUID();
        String mallory = TestTokens.bearer(otherOrg, "mallory@other.dev");
        List<CompletableFuture<HttpResponse<Void>>> unknown = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            unknown.add(http.sendAsync(stream(otherOrg, UUID.randomUUID(), mallory), HttpResponse.BodyHandlers.discarding()));
        }
        Thread.sleep(500); // they are waiting for their tasks now

        long started = System.nanoTime();
        HttpResponse<java.util.stream.Stream<String>> open = http.send(stream(TestEvents.ORG, known, alice),
                HttpResponse.BodyHandlers.ofLines());
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertThat(open.statusCode()).isEqualTo(200);
        assertThat(millis).as("the known task's stream opened after %d ms", millis).isLessThan(2_000);
        assertThat(unknown.stream().allMatch(future -> !future.isDone())).as("the unknown tasks' opens were still waiting").isTrue();
        open.body().close();
        for (CompletableFuture<HttpResponse<Void>> response : unknown) {
            assertThat(response.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(404);
        }
    }

    private HttpRequest stream(String org, UUID task, String bearer) {
        return HttpRequest.newBuilder(base.resolve("/api/preview/agents/" + org + "/tasks/" + task + "/events/stream"))
                .header("Authorization", bearer).build();
    }
}
