package dev.relay.common.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import dev.relay.testsupport.RelayTestResources;
import dev.relay.testsupport.TestTopics;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;

/**
 * {@link IdempotentConsumer#records}: a record that can never be processed is found by splitting its batch, goes alone
 * to the channel's dead-letter topic (with its topic, partition and offset), and every other record is processed; a
 * failure that can pass is retried and dead-letters nothing.
 */
@QuarkusTest
@WithTestResource(RelayTestResources.class)
class RecordIsolationTest {

    private static final String CHANNEL = TallyConsumer.TOPIC;
    private static final String DEAD_LETTERS = "test-events.common-test.dlq";

    @Inject
    IdempotentConsumer consumer;
    @Inject
    Pool pool;
    @Inject
    MeterRegistry registry;

    @Test
    void theRecordsThatCanNeverBeProcessedAreDeadLetteredAloneAndTheOthersProcessed() throws Throwable {
        String run = UUID.randomUUID().toString();
        List<ConsumerRecord<String, String>> batch = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String value = i == 37 ? run + ":refused" : i == 150 ? "not-ours:" + run : run + ":" + i;
            batch.add(new ConsumerRecord<>(CHANNEL, 2, 5_000 + i, "k" + i, value));
        }
        double before = deadLettered();
        AtomicInteger attempts = new AtomicInteger();

        VertxContextSupport.subscribeAndAwait(() -> consumer.records(CHANNEL, batch, RecordIsolationTest::readValue,
                values -> insert(values, attempts)));

        assertThat(labels(run)).isEqualTo(198);
        assertThat(labels(run + ":refused")).isZero();
        var dead = TestTopics.readUntil(DEAD_LETTERS, Duration.ofSeconds(20),
                read -> read.stream().filter(record -> record.value().contains(run)).count() >= 2);
        var ours = dead.stream().filter(record -> record.value().contains(run)).toList();
        assertThat(ours).extracting(ConsumerRecord::value).containsExactlyInAnyOrder(run + ":refused", "not-ours:" + run);
        var refused = ours.stream().filter(record -> record.value().endsWith(":refused")).findFirst().orElseThrow();
        assertThat(refused.key()).isEqualTo("k37");
        assertThat(TestTopics.header(refused, "dead-letter-topic")).isEqualTo(CHANNEL);
        assertThat(TestTopics.header(refused, "dead-letter-partition")).isEqualTo("2");
        assertThat(TestTopics.header(refused, "dead-letter-offset")).isEqualTo("5037");
        assertThat(TestTopics.header(refused, "dead-letter-reason")).contains("23502");
        assertThat(deadLettered() - before).isEqualTo(2);
        // split in halves down to the one record: a few dozen attempts, not one per record
        assertThat(attempts.get()).isLessThan(40);
    }

    @Test
    void aFailureThatCanPassIsRetriedAndDeadLettersNothing() throws Throwable {
        String run = UUID.randomUUID().toString();
        List<ConsumerRecord<String, String>> batch = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            batch.add(new ConsumerRecord<>(CHANNEL, 0, i, "k", run + ":" + i));
        }
        double before = deadLettered();
        AtomicInteger attempts = new AtomicInteger();
        Function<List<String>, Uni<?>> failingTwice = values -> attempts.incrementAndGet() <= 2
                ? Uni.createFrom().failure(new PgException("could not serialize access", "ERROR", "40001", null))
                : insert(values, new AtomicInteger());

        VertxContextSupport.subscribeAndAwait(() -> consumer.records(CHANNEL, batch, RecordIsolationTest::readValue, failingTwice));

        assertThat(labels(run)).isEqualTo(10);
        assertThat(attempts.get()).isEqualTo(3);
        assertThat(deadLettered()).isEqualTo(before);
    }

    /** A value of another shape than {@code <run>:<n>} is not this consumer's contract. */
    private static String readValue(String value) {
        if (value.startsWith("not-ours:")) {
            throw new PoisonRecord("not a tally value", null);
        }
        return value;
    }

    /** One statement for the batch; a value ending in {@code :refused} gets a null label, which the table refuses. */
    private Uni<Void> insert(List<String> values, AtomicInteger attempts) {
        attempts.incrementAndGet();
        UUID[] ids = new UUID[values.size()];
        String[] labels = new String[values.size()];
        for (int i = 0; i < values.size(); i++) {
            ids[i] = UUID.randomUUID();
            labels[i] = values.get(i).endsWith(":refused") ? null : values.get(i);
        }
        return pool.preparedQuery("INSERT INTO common_test.tally (event_id, label) SELECT * FROM unnest($1::uuid[], $2::text[])")
                .execute(Tuple.of(ids, labels)).replaceWithVoid();
    }

    private long labels(String prefix) {
        return pool.preparedQuery("SELECT count(*) FROM common_test.tally WHERE label LIKE $1").execute(Tuple.of(prefix + "%"))
                .await().indefinitely().iterator().next().getLong(0);
    }

    private double deadLettered() {
        var counter = registry.find("relay.consumer.dead.letters").tag("channel", CHANNEL).counter();
        return counter == null ? 0 : counter.count();
    }
}
