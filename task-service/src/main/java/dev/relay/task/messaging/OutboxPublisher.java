package dev.relay.task.messaging;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import dev.relay.task.config.OutboxConfig;
import dev.relay.task.domain.OutboxEvent;
import dev.relay.task.repository.OutboxRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * Sends committed outbox records to Kafka in the order given, waiting for each acknowledgement, and records which
 * were sent. Records a crash or a broker outage left unsent are sent again by {@link #sweep()}; consumers
 * deduplicate by event id, so a record sent twice costs nothing.
 */
@ApplicationScoped
public class OutboxPublisher {

    private static final Logger LOG = Logger.getLogger(OutboxPublisher.class);

    private final MutinyEmitter<String> emitter;
    private final OutboxRepository outbox;
    private final OutboxConfig config;
    private final Queue<UUID> sent = new ConcurrentLinkedQueue<>();

    public OutboxPublisher(@Channel(Channels.OUTBOX) MutinyEmitter<String> emitter, OutboxRepository outbox, OutboxConfig config) {
        this.emitter = emitter;
        this.outbox = outbox;
        this.config = config;
    }

    /** Sends the records one after another; a failure is logged and left to the sweeper, never thrown. */
    public Uni<Void> publish(List<OutboxEvent> records) {
        return Multi.createFrom().iterable(records)
                .onItem().transformToUniAndConcatenate(this::send)
                .collect().last()
                .replaceWithVoid()
                .onFailure().invoke(e -> LOG.warnf(e, "outbox send failed; the sweeper will retry"))
                .onFailure().recoverWithNull();
    }

    private Uni<Void> send(OutboxEvent record) {
        Message<String> message = Message.of(record.payload).addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                .withTopic(record.topic)
                .withKey(record.recordKey)
                .build());
        return emitter.sendMessage(message).invoke(() -> sent.add(record.id));
    }

    /** Marks sent records and resends records left unsent for longer than the configured grace period. */
    @Scheduled(every = "{relay.outbox.sweep-interval}", delayed = "{relay.outbox.sweep-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> sweep() {
        return markSent().chain(() -> Panache.withSession(
                        () -> outbox.unpublished(Instant.now().minus(config.resendAfter()), config.sweepBatch())))
                .chain(stale -> {
                    if (!stale.isEmpty()) {
                        LOG.infof("resending %d outbox records", stale.size());
                    }
                    return publish(stale);
                })
                .chain(this::markSent);
    }

    private Uni<Void> markSent() {
        List<UUID> ids = new ArrayList<>();
        for (UUID id = sent.poll(); id != null; id = sent.poll()) {
            ids.add(id);
        }
        if (ids.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return Panache.withTransaction(() -> outbox.markPublished(ids, Instant.now())).replaceWithVoid();
    }
}
