package dev.relay.common.messaging;

import java.util.function.BiConsumer;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.eclipse.microprofile.reactive.messaging.Metadata;

import io.quarkus.arc.Unremovable;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.IncomingKafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaConnectorIncomingConfiguration;
import io.smallrye.reactive.messaging.kafka.KafkaConsumer;
import io.smallrye.reactive.messaging.kafka.fault.KafkaFailureHandler;
import io.vertx.mutiny.core.Vertx;

/**
 * The failure strategy of every incoming channel ({@code failure-strategy=relay-dead-letter}, the shared default): a
 * record its consumer failed on (a single-record consumer's permanent failure; {@link IdempotentConsumer} gives up on
 * nothing else) goes to the channel's dead-letter topic through {@link DeadLetters}, as a batch's isolated record does,
 * and is acknowledged once the broker has the copy; sending is retried until it succeeds.
 */
@ApplicationScoped
@Unremovable
@Identifier(DeadLetterStrategy.NAME)
public class DeadLetterStrategy implements KafkaFailureHandler.Factory {

    public static final String NAME = "relay-dead-letter";

    private final DeadLetters deadLetters;
    private final ConsumerConfig config;

    public DeadLetterStrategy(DeadLetters deadLetters, ConsumerConfig config) {
        this.deadLetters = deadLetters;
        this.config = config;
    }

    @Override
    public KafkaFailureHandler create(KafkaConnectorIncomingConfiguration channel, Vertx vertx, KafkaConsumer<?, ?> consumer,
            BiConsumer<Throwable, Boolean> reportFailure) {
        deadLetters.counter(channel.getChannel());
        return new KafkaFailureHandler() {
            @Override
            public <K, V> Uni<Void> handle(IncomingKafkaRecord<K, V> record, Throwable reason, Metadata metadata) {
                return deadLetters.send(channel.getChannel(), copy(record), reason)
                        .onFailure().retry().withBackOff(config.firstRetryPause(), config.maxRetryPause()).indefinitely()
                        .chain(() -> Uni.createFrom().completionStage(record.ack()));
            }
        };
    }

    private static ConsumerRecord<String, String> copy(IncomingKafkaRecord<?, ?> record) {
        return new ConsumerRecord<>(record.getTopic(), record.getPartition(), record.getOffset(), record.getTimestamp().toEpochMilli(),
                TimestampType.CREATE_TIME, -1, -1, text(record.getKey()), text(record.getPayload()),
                new RecordHeaders(record.getHeaders().toArray()), java.util.Optional.empty());
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }
}
