package dev.relay.common.messaging;

import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.mutiny.Uni;

/**
 * The one way a service consumes a topic so that redelivery changes nothing and nothing is skipped:
 * <ul>
 * <li>{@link #once}/{@link #onceEach}: deduplicated by event id, recorded in {@code consumed_event} in the same
 * transaction as the change the event causes (and as any record the change publishes through the {@link Outbox});</li>
 * <li>{@link #idempotent}: for work that is idempotent by a natural key of its own (an upsert, a
 * {@code ON CONFLICT DO NOTHING} on the event's key, a state transition that only happens once).</li>
 * </ul>
 * Either way a failure is retried with a growing pause until the work succeeds, so a database that is down for a
 * while holds the partition back instead of losing records; only a {@link PoisonRecord} fails the record (the
 * channel's failure strategy then sends it to its dead-letter topic).
 */
@ApplicationScoped
public class IdempotentConsumer {

    private static final Logger LOG = Logger.getLogger(IdempotentConsumer.class);

    private final ConsumedEventRepository consumed;
    private final Outbox outbox;
    private final ConsumerConfig config;
    private final ObjectMapper json;

    public IdempotentConsumer(ConsumedEventRepository consumed, Outbox outbox, ConsumerConfig config, ObjectMapper json) {
        this.consumed = consumed;
        this.outbox = outbox;
        this.config = config;
        this.json = json;
    }

    /** A record's JSON value as {@code type}; a value that is not one is a {@link PoisonRecord}. */
    public <T> T read(String payload, Class<T> type) {
        try {
            return json.readValue(payload, type);
        } catch (JsonProcessingException e) {
            throw new PoisonRecord("not a " + type.getSimpleName() + ": " + e.getOriginalMessage(), e);
        }
    }

    /** Runs {@code work} unless {@code consumer} processed {@code eventId} before; answers whether it ran. */
    public Uni<Boolean> once(String consumer, UUID eventId, Supplier<Uni<Void>> work) {
        return retried(consumer, () -> outbox.transaction(() -> consumed.claim(consumer, List.of(eventId))
                .chain(fresh -> fresh.isEmpty() ? Uni.createFrom().item(false) : work.get().replaceWith(true))));
    }

    /**
     * Runs {@code work} with the records of the batch that {@code consumer} has not processed before (in the batch's
     * order), in one transaction; answers those records.
     */
    public <R> Uni<List<R>> onceEach(String consumer, List<R> batch, Function<R, UUID> idOf, Function<List<R>, Uni<Void>> work) {
        return retried(consumer, () -> outbox.transaction(() -> consumed.claim(consumer, batch.stream().map(idOf).distinct().toList())
                .chain(fresh -> {
                    List<R> unseen = batch.stream().filter(record -> fresh.remove(idOf.apply(record))).toList();
                    return unseen.isEmpty() ? Uni.createFrom().item(unseen) : work.apply(unseen).replaceWith(unseen);
                })));
    }

    /** Runs {@code work}, whose writes are idempotent by a natural key, until it succeeds. */
    public <T> Uni<T> idempotent(String consumer, Supplier<Uni<T>> work) {
        return retried(consumer, work);
    }

    private <T> Uni<T> retried(String consumer, Supplier<Uni<T>> work) {
        return Uni.createFrom().deferred(work::get)
                .onFailure(failure -> !(failure instanceof PoisonRecord))
                .invoke(failure -> LOG.warnf("%s: processing failed, retrying until it succeeds: %s", consumer, failure.toString()))
                .onFailure(failure -> !(failure instanceof PoisonRecord))
                .retry().withBackOff(config.firstRetryPause(), config.maxRetryPause()).indefinitely();
    }
}
