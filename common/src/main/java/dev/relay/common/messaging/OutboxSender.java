package dev.relay.common.messaging;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.smallrye.common.annotation.Identifier;

/**
 * Hands committed outbox records to one idempotent Kafka producer (acks=all), from a thread of its own: in the
 * order given, never blocking the caller (a broker that is down costs the sender thread, not a request), and
 * batching records of many transactions into one request. Remembers which records the broker acknowledged, for
 * {@link OutboxSweeper} to mark.
 */
@ApplicationScoped
public class OutboxSender {

    private static final Logger LOG = Logger.getLogger(OutboxSender.class);

    private final Map<String, Object> kafka;
    private final OutboxConfig config;
    private final byte[] producerName;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(task -> {
        Thread sender = new Thread(task, "relay-outbox-sender");
        sender.setDaemon(true);
        return sender;
    });
    private final Queue<UUID> acknowledged = new ConcurrentLinkedQueue<>();
    private final Set<UUID> inFlight = ConcurrentHashMap.newKeySet();
    private Producer<String, String> producer;

    public OutboxSender(@Identifier("default-kafka-broker") Map<String, Object> kafka, OutboxConfig config,
            @ConfigProperty(name = "quarkus.application.name") String service) {
        this.kafka = kafka;
        this.config = config;
        this.producerName = service.getBytes(StandardCharsets.UTF_8);
    }

    /** Queues the records for sending, in this order after every record queued before. */
    public void send(List<OutboxRecord> records) {
        if (records.isEmpty()) {
            return;
        }
        List<OutboxRecord> copy = List.copyOf(records);
        copy.forEach(record -> inFlight.add(record.id));
        thread.execute(() -> copy.forEach(this::sendOne));
    }

    /** Whether a record is queued or sent and not yet answered by the broker. */
    public boolean isInFlight(UUID id) {
        return inFlight.contains(id);
    }

    /** The records acknowledged since the last call. */
    public List<UUID> takeAcknowledged() {
        List<UUID> ids = new ArrayList<>();
        for (UUID id = acknowledged.poll(); id != null; id = acknowledged.poll()) {
            ids.add(id);
        }
        return ids;
    }

    private void sendOne(OutboxRecord record) {
        try {
            ProducerRecord<String, String> message = new ProducerRecord<>(record.topic, record.recordKey, record.payload);
            message.headers().add(Outbox.EVENT_ID_HEADER, record.id.toString().getBytes(StandardCharsets.US_ASCII));
            message.headers().add(Outbox.PRODUCER_HEADER, producerName);
            if (record.traceParent != null) {
                message.headers().add(TraceParent.HEADER, record.traceParent.getBytes(StandardCharsets.US_ASCII));
            }
            producer().send(message, (metadata, failure) -> {
                inFlight.remove(record.id);
                if (failure == null) {
                    acknowledged.add(record.id);
                } else {
                    LOG.warnf("sending outbox record %s to %s failed (a sweep resends it): %s", record.id, record.topic, failure.toString());
                }
            });
        } catch (RuntimeException e) {
            inFlight.remove(record.id);
            LOG.warnf(e, "sending outbox record %s to %s failed (a sweep resends it)", record.id, record.topic);
        }
    }

    private Producer<String, String> producer() {
        if (producer == null) {
            Map<String, Object> settings = new HashMap<>(kafka);
            settings.put(ProducerConfig.ACKS_CONFIG, "all");
            settings.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            settings.put(ProducerConfig.LINGER_MS_CONFIG, (int) config.linger().toMillis());
            settings.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) config.deliveryTimeout().toMillis());
            settings.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(30_000, config.deliveryTimeout().toMillis() / 2));
            settings.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, config.deliveryTimeout().toMillis());
            settings.put(ProducerConfig.CLIENT_ID_CONFIG, "relay-outbox");
            producer = new KafkaProducer<>(settings, new StringSerializer(), new StringSerializer());
        }
        return producer;
    }

    @PreDestroy
    void close() {
        thread.execute(() -> {
            if (producer != null) {
                producer.close(Duration.ofSeconds(5));
            }
        });
        thread.shutdown();
        try {
            thread.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
