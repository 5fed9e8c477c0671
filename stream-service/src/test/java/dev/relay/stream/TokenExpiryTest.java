package dev.relay.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
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

/** A stream opened with a token ends when the token expires, though its run goes on. */
@QuarkusTest
@WithTestResource(RelayTestResources.class)
class TokenExpiryTest {

    @TestHTTPResource("/")
    URI base;

    @Test
    void aStreamOpenedWithATokenEndsWhenTheTokenExpires() throws Exception {
        TestEvents.awaitReady();
        UUID task = UUID.randomUUID();
        TestEvents.publish(task, TestEvents.run(task, 1, 3).subList(0, 2));
        Map<String, Object> claims = TestTokens.claims(TestEvents.ORG, TestEvents.ALICE);
        long expiry = Instant.now().plusSeconds(6).getEpochSecond();
        claims.put("exp", expiry);
        HttpRequest stream = HttpRequest.newBuilder(base.resolve("/api/preview/agents/" + TestEvents.ORG + "/tasks/" + task
                + "/events/stream")).header("Authorization", "Bearer " + TestTokens.signed(claims)).build();
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
