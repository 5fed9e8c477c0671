package dev.relay.common.messaging;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.relay.common.reactive.InTurn;
import io.smallrye.mutiny.Uni;

/**
 * The one way a service consumes a topic so that redelivery changes nothing and nothing is skipped:
 * <ul>
 * <li>{@link #once}/{@link #onceEach}: deduplicated by event id, recorded in {@code consumed_event} in the same
 * transaction as the change the event causes (and as any record the change publishes through the {@link Outbox});</li>
 * <li>{@link #idempotent}: for work that is idempotent by a natural key of its own (an upsert, a
 * {@code ON CONFLICT DO NOTHING} on the event's key, a state transition that only happens once).</li>
 * </ul>
 * One rule for failures (see {@link Failures}): one that can pass (a database that is down, a timeout) is retried
 * with a growing pause until the work succeeds, holding the partition back instead of losing records; one that never
 * can (a {@link PoisonRecord}, unreadable JSON, a data or constraint error) is not retried. {@link #records} then
 * splits the batch until the one record is found, puts it alone on its consumer's dead-letter topic
 * ({@link DeadLetters}) and processes every other record; a single-record channel's failure strategy does the same
 * for the record it was given.
 */
@ApplicationScoped
public class IdempotentConsumer {

    private static final Logger LOG = Logger.getLogger(IdempotentConsumer.class);

    private final ConsumedEventRepository consumed;
    private final Outbox outbox;
    private final DeadLetters deadLetters;
    private final ConsumerConfig config;
    private final ObjectMapper json;

    public IdempotentConsumer(ConsumedEventRepository consumed, Outbox outbox, DeadLetters deadLetters, ConsumerConfig config,
            ObjectMapper json) {
        this.consumed = consumed;
        this.outbox = outbox;
        this.deadLetters = deadLetters;
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

    /**
     * Processes the records of one poll of {@code channel}: {@code read} turns each record's value into what
     * {@code work} takes (null: not for this consumer), {@code work} processes them in topic order, idempotently and
     * all or nothing (as {@link #idempotent}). A record {@code read} fails on, or one that makes {@code work} fail
     * permanently, goes alone to the channel's dead-letter topic; all the others are processed.
     */
    public <R> Uni<Void> records(String channel, Iterable<ConsumerRecord<String, String>> records, Function<String, R> read,
            Function<List<R>, Uni<?>> work) {
        List<Readable<R>> readable = new ArrayList<>();
        List<Readable<R>> unreadable = new ArrayList<>();
        for (ConsumerRecord<String, String> record : records) {
            try {
                R value = read.apply(record.value());
                if (value != null) {
                    readable.add(new Readable<>(record, value, null));
                }
            } catch (RuntimeException failure) {
                // reading depends on the record alone: it would fail the same way every time
                unreadable.add(new Readable<>(record, null, failure));
            }
        }
        return InTurn.each(unreadable, bad -> deadLetter(channel, bad.record(), bad.failure()))
                .chain(() -> isolating(channel, readable, work));
    }

    /** Splits {@code part} in halves until each failing record stands alone, and dead-letters it. */
    private <R> Uni<Void> isolating(String channel, List<Readable<R>> part, Function<List<R>, Uni<?>> work) {
        if (part.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return retried(channel, () -> work.apply(part.stream().map(Readable::value).toList()).replaceWithVoid())
                .onFailure(Failures::isPermanent).recoverWithUni(failure -> {
                    if (part.size() == 1) {
                        return deadLetter(channel, part.get(0).record(), failure);
                    }
                    int half = part.size() / 2;
                    return isolating(channel, part.subList(0, half), work).chain(() -> isolating(channel, part.subList(half, part.size()), work));
                });
    }

    private Uni<Void> deadLetter(String channel, ConsumerRecord<String, String> record, Throwable failure) {
        return retried(channel, () -> deadLetters.send(channel, record, failure));
    }

    private record Readable<R>(ConsumerRecord<String, String> record, R value, RuntimeException failure) {
    }

    /** {@code work} again and again until it succeeds or fails permanently. */
    private <T> Uni<T> retried(String consumer, Supplier<Uni<T>> work) {
        return Uni.createFrom().deferred(work::get)
                .onFailure(failure -> !Failures.isPermanent(failure))
                .invoke(failure -> LOG.warnf("%s: processing failed, retrying until it succeeds: %s", consumer, Failures.describe(failure)))
                .onFailure(failure -> !Failures.isPermanent(failure))
                .retry().withBackOff(config.firstRetryPause(), config.maxRetryPause()).indefinitely();
    }
}
