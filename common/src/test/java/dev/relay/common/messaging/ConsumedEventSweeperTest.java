package dev.relay.common.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.relay.testsupport.RelayTestResources;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/** Processed events are remembered for relay.consumer.remember-for, then forgotten; newer ones stay. */
@QuarkusTest
@WithTestResource(RelayTestResources.class)
class ConsumedEventSweeperTest {

    @Inject
    ConsumedEventSweeper sweeper;
    @Inject
    Pool pool;

    private void consumed(String consumer, int count, Instant at) {
        for (int i = 0; i < count; i++) {
            pool.preparedQuery("INSERT INTO common_test.consumed_event (consumer, event_id, consumed_at) VALUES ($1, $2, $3)")
                    .execute(Tuple.of(consumer, UUID.randomUUID(), at.atOffset(ZoneOffset.UTC))).await().indefinitely();
        }
    }

    private long remembered(String consumer) {
        return pool.preparedQuery("SELECT count(*) FROM common_test.consumed_event WHERE consumer = $1").execute(Tuple.of(consumer))
                .await().indefinitely().iterator().next().getLong(0);
    }

    @Test
    void eventsOlderThanTheCutoffAreForgottenInBatchesAndNewerOnesStay() throws Throwable {
        String old = "sweeper-old-" + UUID.randomUUID();
        String recent = "sweeper-recent-" + UUID.randomUUID();
        Instant cutoff = Instant.now().minus(Duration.ofDays(14));
        consumed(old, 25, cutoff.minus(Duration.ofDays(1)));
        consumed(recent, 5, cutoff.plus(Duration.ofMinutes(1)));

        int forgotten = VertxContextSupport.subscribeAndAwait(() -> sweeper.forgetBefore(cutoff, 0));

        assertThat(forgotten).isGreaterThanOrEqualTo(25);
        assertThat(remembered(old)).isZero();
        assertThat(remembered(recent)).isEqualTo(5);
    }
}
