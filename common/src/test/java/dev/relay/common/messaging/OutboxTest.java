package dev.relay.common.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import dev.relay.testsupport.RelayTestResources;
import dev.relay.testsupport.TestTopics;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

@QuarkusTest
@WithTestResource(RelayTestResources.class)
class OutboxTest {

    private static final String TOPIC = "outbox-test";

    @Inject
    Outbox outbox;
    @Inject
    Pool pool;

    @Test
    void recordsAreSentAfterCommitInOrderWithTheirIdsAndDeletedOnceAcknowledged() throws Throwable {
        String key = UUID.randomUUID().toString();
        List<UUID> ids = List.of(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID());
        VertxContextSupport.subscribeAndAwait(() -> outbox.transaction(() -> outbox.add(TOPIC, key, ids.get(0), "one")
                .chain(() -> outbox.add(TOPIC, key, ids.get(1), new Value("two")))
                .chain(() -> outbox.add(TOPIC, key, ids.get(2), "three"))));

        List<ConsumerRecord<String, String>> sent = ofKey(key, 3);
        assertThat(sent).extracting(ConsumerRecord::value).containsExactly("one", "{\"name\":\"two\"}", "three");
        assertThat(sent).extracting(record -> TestTopics.header(record, Outbox.EVENT_ID_HEADER))
                .containsExactly(ids.get(0).toString(), ids.get(1).toString(), ids.get(2).toString());
        await().atMost(Duration.ofSeconds(10)).until(() -> unsent(ids) == 0);
    }

    @Test
    void aTransactionThatFailsSendsNothingAndLeavesNoRow() {
        String key = UUID.randomUUID().toString();
        UUID lost = UUID.randomUUID();
        assertThatThrownBy(() -> VertxContextSupport.subscribeAndAwait(() -> outbox.transaction(() -> outbox.add(TOPIC, key, lost, "never")
                .chain(() -> Uni.createFrom().failure(new IllegalStateException("the change failed"))))))
                .hasMessageContaining("the change failed");
        UUID marker = UUID.randomUUID();
        send(key, marker, "after");

        assertThat(ofKey(key, 1)).extracting(ConsumerRecord::value).containsExactly("after");
        assertThat(rows(lost)).isZero();
    }

    @Test
    void nestedTransactionsSendOnceTheOutermostCommits() throws Throwable {
        String key = UUID.randomUUID().toString();
        VertxContextSupport.subscribeAndAwait(() -> outbox.transaction(() -> outbox.add(TOPIC, key, UUID.randomUUID(), "outer")
                .chain(() -> outbox.transaction(() -> outbox.add(TOPIC, key, UUID.randomUUID(), "inner")))));
        assertThat(ofKey(key, 2)).extracting(ConsumerRecord::value).containsExactly("outer", "inner");
    }

    @Test
    void aRecordACrashLeftUnsentIsSentByTheSweep() {
        String key = UUID.randomUUID().toString();
        UUID id = UUID.randomUUID();
        // committed, never handed to the sender: what a process killed right after its commit leaves behind
        pool.preparedQuery("INSERT INTO common_test.outbox_event (id, topic, record_key, payload, created_at) VALUES ($1, $2, $3, $4, $5)")
                .execute(Tuple.of(id, TOPIC, key, "orphan", OffsetDateTime.now().minusSeconds(5))).await().indefinitely();

        List<ConsumerRecord<String, String>> sent = ofKey(key, 1);
        assertThat(sent).extracting(ConsumerRecord::value).containsExactly("orphan");
        assertThat(TestTopics.header(sent.get(0), Outbox.EVENT_ID_HEADER)).isEqualTo(id.toString());
        await().atMost(Duration.ofSeconds(10)).until(() -> unsent(List.of(id)) == 0);
    }

    @Test
    void addingOutsideATransactionIsRefused() {
        assertThatThrownBy(() -> VertxContextSupport.subscribeAndAwait(() -> outbox.add(TOPIC, "k", UUID.randomUUID(), "x")))
                .hasMessageContaining("inside Outbox.transaction");
    }

    record Value(String name) {
    }

    private void send(String key, UUID id, String value) {
        try {
            VertxContextSupport.subscribeAndAwait(() -> outbox.transaction(() -> outbox.add(TOPIC, key, id, value)));
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<ConsumerRecord<String, String>> ofKey(String key, int expected) {
        List<ConsumerRecord<String, String>> read = TestTopics.readUntil(TOPIC, Duration.ofSeconds(20),
                all -> all.stream().filter(record -> key.equals(record.key())).count() >= expected);
        return read.stream().filter(record -> key.equals(record.key())).toList();
    }

    private long unsent(List<UUID> ids) {
        return pool.preparedQuery("SELECT count(*) FROM common_test.outbox_event WHERE id = ANY($1)")
                .execute(Tuple.of(ids.toArray(UUID[]::new))).await().indefinitely().iterator().next().getLong(0);
    }

    private long rows(UUID id) {
        return pool.preparedQuery("SELECT count(*) FROM common_test.outbox_event WHERE id = $1").execute(Tuple.of(id))
                .await().indefinitely().iterator().next().getLong(0);
    }
}
