package dev.relay.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
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
 * The stream route authenticates outside JAX-RS, so the token checks every service shares are proven here too: a
 * token for another audience or issued in the future opens nothing, and a stream ends when its token expires.
 */
@QuarkusTest
@WithTestResource(RelayTestResources.class)
class StreamTokenTest {

    @TestHTTPResource("/")
    URI base;

    @Test
    void aTokenWithoutRelaysAudienceOrIssuedAnHourFromNowOpensNoStream() throws Exception {
        TestEvents.awaitReady();
        UUID task = UUID.randomUUID();
        TestEvents.publish(task, TestEvents.run(task, 1, 3).subList(0, 2));
        Map<String, Object> noAudience = TestTokens.claims(TestEvents.ORG, TestEvents.ALICE);
        noAudience.remove("aud");
        Map<String, Object> otherAudience = TestTokens.claims(TestEvents.ORG, TestEvents.ALICE);
        otherAudience.put("aud", "other");
        Map<String, Object> issuedLater = TestTokens.claims(TestEvents.ORG, TestEvents.ALICE);
        long inAnHour = (Long) issuedLater.get("iat") + 3600;
        issuedLater.put("iat", inAnHour);
        issuedLater.put("exp", inAnHour + 3600);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        for (Map<String, Object> claims : List.of(noAudience, otherAudience, issuedLater)) {
            // lines, so an accepted token's endless stream fails here rather than hangs
            HttpResponse<java.util.stream.Stream<String>> refused = http.send(streamOf(task, TestTokens.signed(claims)),
                    HttpResponse.BodyHandlers.ofLines());
            assertThat(refused.statusCode()).as(claims.toString()).isEqualTo(401);
            assertThat(String.join("\n", refused.body().toList())).contains("\"code\":\"unauthorized\"");
        }
    }

    private HttpRequest streamOf(UUID task, String token) {
        return HttpRequest.newBuilder(base.resolve("/api/preview/agents/" + TestEvents.ORG + "/tasks/" + task + "/events/stream"))
                .header("Authorization", "Bearer " + token).build();
    }

    @Test
    void aStreamOpenedWithATokenEndsWhenTheTokenExpires() throws Exception {
        TestEvents.awaitReady();
        UUID task = UUID.randomUUID();
        TestEvents.publish(task, TestEvents.run(task, 1, 3).subList(0, 2));
        Map<String, Object> claims = TestTokens.claims(TestEvents.ORG, TestEvents.ALICE);
        long expiry = Instant.now().plusSeconds(6).getEpochSecond();
        claims.put("exp", expiry);
        HttpRequest stream = streamOf(task, TestTokens.signed(claims));
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

        HttpResponse<java.util.stream.Stream<String>> open = await().atMost(Duration.ofSeconds(5))
                .until(() -> http.send(stream, HttpResponse.BodyHandlers.ofLines()), response -> response.statusCode() == 200);
        CompletableFuture<Instant> ended = CompletableFuture.supplyAsync(() -> {
            open.body().count();
            return Instant.now();
        });

        // the run has not ended (2 of its 3 events): only the expiry ends the stream
        assertThat(ended.get(15, TimeUnit.SECONDS)).isAfterOrEqualTo(Instant.ofEpochSecond(expiry).minusSeconds(1));
    }
}
