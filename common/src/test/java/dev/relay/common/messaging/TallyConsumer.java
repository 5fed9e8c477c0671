package dev.relay.common.messaging;

import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import dev.relay.testsupport.TestTopics;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * The test application's consumer of {@code test-events}: each event adds a row to {@code tally} through
 * {@link IdempotentConsumer#once}. A record whose value is {@code flaky} fails its first two attempts after writing
 * its row (so the row must be rolled back); one without an event id header is a {@link PoisonRecord}.
 */
@ApplicationScoped
public class TallyConsumer {

    static final String TOPIC = "test-events";
    static final AtomicInteger FLAKY_ATTEMPTS = new AtomicInteger();

    private final IdempotentConsumer consumer;

    public TallyConsumer(IdempotentConsumer consumer) {
        this.consumer = consumer;
    }

    @Incoming(TOPIC)
    public Uni<Void> onEvent(ConsumerRecord<String, String> record) {
        String id = TestTopics.header(record, Outbox.EVENT_ID_HEADER);
        if (id == null) {
            throw new PoisonRecord("a test event without the " + Outbox.EVENT_ID_HEADER + " header", null);
        }
        UUID eventId = UUID.fromString(id);
        return consumer.once("tally", eventId, () -> Panache.getSession()
                .chain(session -> session.createNativeQuery("INSERT INTO {h-schema}tally (event_id, label) VALUES (:id, :label)")
                        .setParameter("id", eventId).setParameter("label", record.value()).executeUpdate())
                .invoke(() -> {
                    if ("flaky".equals(record.value()) && FLAKY_ATTEMPTS.incrementAndGet() <= 2) {
                        throw new IllegalStateException("a passing failure");
                    }
                })
                .replaceWithVoid()).replaceWithVoid();
    }
}
