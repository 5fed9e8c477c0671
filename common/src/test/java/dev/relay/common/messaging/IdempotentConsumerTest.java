package dev.relay.common.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.relay.testsupport.RelayTestResources;
import dev.relay.testsupport.TestTopics;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

@QuarkusTest
@WithTestResource(RelayTestResources.class)
class IdempotentConsumerTest {

    @Inject
    Pool pool;
    @Inject
    IdempotentConsumer consumer;
    @Inject
    io.micrometer.core.instrument.MeterRegistry registry;

    @Test
    void anEventDeliveredThreeTimesIsProcessedOnce() {
        UUID id = UUID.randomUUID();
        for (int i = 0; i < 3; i++) {
            TestTopics.send(TallyConsumer.TOPIC, "k", "thrice", Map.of(Outbox.EVENT_ID_HEADER, id.toString()));
        }
        UUID marker = sendMarker();
        await().atMost(Duration.ofSeconds(20)).until(() -> tally(marker) == 1);
        assertThat(tally(id)).isEqualTo(1);
    }

    @Test
    void aFailingEventIsRetriedUntilItSucceedsAndItsFailedAttemptsLeaveNothing() {
        UUID id = UUID.randomUUID();
        TestTopics.send(TallyConsumer.TOPIC, "k", "flaky", Map.of(Outbox.EVENT_ID_HEADER, id.toString()));
        await().atMost(Duration.ofSeconds(20)).until(() -> tally(id) == 1);
        assertThat(TallyConsumer.FLAKY_ATTEMPTS.get()).isGreaterThanOrEqualTo(3);
        UUID marker = sendMarker();
        await().atMost(Duration.ofSeconds(20)).until(() -> tally(marker) == 1);
        assertThat(tally(id)).isEqualTo(1);
    }

    @Test
    void aPoisonRecordGoesToTheDeadLetterTopicAndDoesNotHoldBackTheNextOnes() {
        String value = "poison-" + UUID.randomUUID();
        TestTopics.send(TallyConsumer.TOPIC, "k", value, Map.of());
        UUID marker = sendMarker();
        await().atMost(Duration.ofSeconds(20)).until(() -> tally(marker) == 1);
        var dead = TestTopics.readUntil("test-events.common-test.dlq", Duration.ofSeconds(20),
                read -> read.stream().anyMatch(record -> record.value().equals(value)));
        var copy = dead.stream().filter(record -> record.value().equals(value)).findFirst().orElseThrow();
        assertThat(TestTopics.header(copy, "dead-letter-topic")).isEqualTo(TallyConsumer.TOPIC);
        assertThat(TestTopics.header(copy, "dead-letter-offset")).isNotNull();
        // through DeadLetters (the channels' failure strategy), as a batch's isolated record: logged and counted
        assertThat(registry.find("relay.consumer.dead.letters").tag("channel", TallyConsumer.TOPIC).counter().count()).isPositive();
    }

    @Test
    void aBatchIsProcessedOnlyForTheEventsNotSeenBefore() throws Throwable {
        UUID seen = UUID.randomUUID();
        UUID fresh = UUID.randomUUID();
        List<UUID> first = VertxContextSupport.subscribeAndAwait(() -> consumer.onceEach("batch", List.of(seen), e -> e,
                unseen -> insert(unseen, "first")));
        List<UUID> second = VertxContextSupport.subscribeAndAwait(() -> consumer.onceEach("batch", List.of(seen, fresh, fresh), e -> e,
                unseen -> insert(unseen, "second")));
        assertThat(first).containsExactly(seen);
        assertThat(second).containsExactly(fresh);
        assertThat(tally(seen)).isEqualTo(1);
        assertThat(tally(fresh)).isEqualTo(1);
    }

    @Test
    void anotherConsumerProcessesTheSameEventAgain() throws Throwable {
        UUID id = UUID.randomUUID();
        boolean byA = VertxContextSupport.subscribeAndAwait(() -> consumer.once("a", id, () -> insert(List.of(id), "a")));
        boolean byB = VertxContextSupport.subscribeAndAwait(() -> consumer.once("b", id, () -> insert(List.of(id), "b")));
        boolean byAAgain = VertxContextSupport.subscribeAndAwait(() -> consumer.once("a", id, () -> insert(List.of(id), "a")));
        assertThat(List.of(byA, byB, byAAgain)).containsExactly(true, true, false);
        assertThat(tally(id)).isEqualTo(2);
    }

    private static io.smallrye.mutiny.Uni<Void> insert(List<UUID> ids, String label) {
        return io.quarkus.hibernate.reactive.panache.Panache.getSession().chain(session -> io.smallrye.mutiny.Multi.createFrom()
                .iterable(ids)
                .onItem().transformToUniAndConcatenate(id -> session
                        .createNativeQuery("INSERT INTO {h-schema}tally (event_id, label) VALUES (:id, :label)")
                        .setParameter("id", id).setParameter("label", label).executeUpdate())
                .collect().last()).replaceWithVoid();
    }

    private static UUID sendMarker() {
        UUID marker = UUID.randomUUID();
        TestTopics.send(TallyConsumer.TOPIC, "k", "marker", Map.of(Outbox.EVENT_ID_HEADER, marker.toString()));
        return marker;
    }

    private long tally(UUID id) {
        return pool.preparedQuery("SELECT count(*) FROM common_test.tally WHERE event_id = $1").execute(Tuple.of(id))
                .await().indefinitely().iterator().next().getLong(0);
    }
}
