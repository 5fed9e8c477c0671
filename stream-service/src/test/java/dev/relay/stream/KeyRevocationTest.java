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

import dev.relay.common.auth.ApiKeys;
import dev.relay.common.event.ApiKeyChanged;
import dev.relay.common.event.Topics;
import dev.relay.testsupport.RelayTestResources;
import dev.relay.testsupport.TestTopics;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/** A stream opened with an API key ends within seconds of the key's revocation (test profile: checked every 1 s). */
@QuarkusTest
@WithTestResource(RelayTestResources.class)
class KeyRevocationTest {

    @TestHTTPResource("/")
    URI base;

    @Test
    void revokingAKeyEndsTheStreamsItOpened() throws Exception {
        TestEvents.awaitReady();
        String key = ApiKeys.generate();
        UUID keyId = UUID.randomUUID();
        announce(new ApiKeyChanged(keyId, TestEvents.ORG, TestEvents.ALICE, ApiKeys.hash(key), null));
        UUID task = UUID.randomUUID();
        TestEvents.publish(task, TestEvents.run(task, 1, 3).subList(0, 2));
        HttpRequest stream = HttpRequest.newBuilder(base.resolve("/api/preview/agents/" + TestEvents.ORG + "/tasks/" + task
                + "/events/stream")).header(ApiKeys.HEADER, key).build();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

        HttpResponse<java.util.stream.Stream<String>> open = await().atMost(Duration.ofSeconds(10))
                .until(() -> http.send(stream, HttpResponse.BodyHandlers.ofLines()), response -> response.statusCode() == 200);
        CompletableFuture<Long> ended = CompletableFuture.supplyAsync(() -> open.body().count());

        announce(new ApiKeyChanged(keyId, TestEvents.ORG, TestEvents.ALICE, ApiKeys.hash(key), Instant.now()));
        assertThat(ended.get(10, TimeUnit.SECONDS)).isPositive();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> http.send(stream, HttpResponse.BodyHandlers.ofString()).statusCode() == 401);
    }

    @Test
    void aKeyThatExpiresEndsTheStreamsItOpened() throws Exception {
        TestEvents.awaitReady();
        String key = ApiKeys.generate();
        Instant expires = Instant.now().plusSeconds(6);
        announce(new ApiKeyChanged(UUID.randomUUID(), TestEvents.ORG, TestEvents.ALICE, ApiKeys.hash(key), null, ApiKeys.READ, expires));
        UUID task = UUID.randomUUID();
        TestEvents.publish(task, TestEvents.run(task, 1, 3).subList(0, 2));
        HttpRequest stream = HttpRequest.newBuilder(base.resolve("/api/preview/agents/" + TestEvents.ORG + "/tasks/" + task
                + "/events/stream")).header(ApiKeys.HEADER, key).build();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

        HttpResponse<java.util.stream.Stream<String>> open = await().atMost(Duration.ofSeconds(10))
                .until(() -> http.send(stream, HttpResponse.BodyHandlers.ofLines()), response -> response.statusCode() == 200);
        CompletableFuture<Long> ended = CompletableFuture.supplyAsync(() -> open.body().count());
        assertThat(ended.get(20, TimeUnit.SECONDS)).isPositive();
        assertThat(Instant.now()).as("the stream ended once the key expired").isAfter(expires);
        assertThat(http.send(stream, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
    }

    private static void announce(ApiKeyChanged change) throws Exception {
        TestTopics.send(Topics.API_KEYS, change.id().toString(), TestEvents.JSON.writeValueAsString(change), Map.of());
    }
}
