package dev.relay.common.messaging;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.reactive.messaging.kafka.fault.KafkaDeadLetterQueue;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Puts a record that can never be processed on its channel's dead-letter topic
 * ({@code mp.messaging.incoming.<channel>.dead-letter-queue.topic}, one per consumer group:
 * {@code <topic>.<group>.dlq}), with SmallRye's dead-letter headers (the failure, the record's topic, partition and
 * offset), an ERROR log and {@code relay_consumer_dead_letters_total{channel}}. The returned Uni completes once
 * the broker has acknowledged the copy, so the original's offset is committed only after that.
 */
@ApplicationScoped
public class DeadLetters {

    private static final Logger LOG = Logger.getLogger(DeadLetters.class);

    private final Map<String, Object> kafka;
    private final Config config;
    private final MeterRegistry registry;
    private final Map<String, String> topics = new ConcurrentHashMap<>();
    private Producer<String, String> producer;

    public DeadLetters(@Identifier("default-kafka-broker") Map<String, Object> kafka, Config config, MeterRegistry registry) {
        this.kafka = kafka;
        this.config = config;
        this.registry = registry;
    }

    /** Sends {@code record} of {@code channel} to the channel's dead-letter topic, for {@code reason}. */
    public Uni<Void> send(String channel, ConsumerRecord<String, String> record, Throwable reason) {
        return Uni.createFrom().deferred(() -> {
            String deadLetterTopic = topicOf(channel);
            ProducerRecord<String, String> copy = new ProducerRecord<>(deadLetterTopic, null, record.key(), record.value(),
                    new RecordHeaders(record.headers().toArray()));
            describe(copy.headers(), record, reason);
            // the consumer's work goes on on the Vert.x context it began on (Hibernate Reactive's sessions need it)
            Context context = Vertx.currentContext();
            return Uni.createFrom().<Void>emitter(emitter -> producer().send(copy, (metadata, error) -> {
                if (error == null) {
                    emitter.complete(null);
                } else {
                    emitter.fail(error);
                }
            }))
                    // a send waits for the topic's metadata: never on an event loop
                    .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                    .emitOn(context == null ? Runnable::run : task -> context.runOnContext(ignored -> task.run()))
                    .invoke(() -> {
                        counter(channel).increment();
                        LOG.errorf("%s: record %s-%d@%d (key %s) can never be processed; sent to %s: %s", channel, record.topic(),
                                record.partition(), record.offset(), record.key(), deadLetterTopic, Failures.describe(reason));
                    });
        });
    }

    /** {@code relay_consumer_dead_letters_total{channel}}, there from the start at 0. */
    Counter counter(String channel) {
        return Counter.builder("relay.consumer.dead.letters").description("Records put on the channel's dead-letter topic")
                .tag("channel", channel).register(registry);
    }

    private String topicOf(String channel) {
        return topics.computeIfAbsent(channel, name -> config
                .getOptionalValue("mp.messaging.incoming." + name + ".dead-letter-queue.topic", String.class)
                .orElseThrow(() -> new IllegalStateException("channel " + name + " has no dead-letter-queue.topic")));
    }

    private static void describe(Headers headers, ConsumerRecord<String, String> record, Throwable reason) {
        Throwable cause = reason.getCause() == null ? reason : reason.getCause();
        header(headers, KafkaDeadLetterQueue.DEAD_LETTER_REASON, Failures.describe(reason));
        header(headers, KafkaDeadLetterQueue.DEAD_LETTER_EXCEPTION_CLASS_NAME, reason.getClass().getName());
        header(headers, KafkaDeadLetterQueue.DEAD_LETTER_CAUSE, String.valueOf(cause.getMessage()));
        header(headers, KafkaDeadLetterQueue.DEAD_LETTER_CAUSE_CLASS_NAME, cause.getClass().getName());
        header(headers, KafkaDeadLetterQueue.DEAD_LETTER_TOPIC, record.topic());
        header(headers, KafkaDeadLetterQueue.DEAD_LETTER_PARTITION, Integer.toString(record.partition()));
        header(headers, KafkaDeadLetterQueue.DEAD_LETTER_OFFSET, Long.toString(record.offset()));
    }

    private static void header(Headers headers, String name, String value) {
        headers.remove(name).add(name, value.getBytes(StandardCharsets.UTF_8));
    }

    private synchronized Producer<String, String> producer() {
        if (producer == null) {
            Map<String, Object> settings = new HashMap<>(kafka);
            settings.put(ProducerConfig.ACKS_CONFIG, "all");
            settings.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            settings.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
            settings.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
            settings.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
            settings.put(ProducerConfig.CLIENT_ID_CONFIG, "relay-dead-letters");
            producer = new KafkaProducer<>(settings, new StringSerializer(), new StringSerializer());
        }
        return producer;
    }

    @PreDestroy
    synchronized void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }
}
