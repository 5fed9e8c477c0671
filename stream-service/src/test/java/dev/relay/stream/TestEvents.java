package dev.relay.stream;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.awaitility.Awaitility;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import dev.relay.common.event.TaskEvent;
import dev.relay.common.event.TaskEventTypes;
import dev.relay.common.event.Topics;
import dev.relay.testsupport.KafkaBroker;
import io.restassured.RestAssured;

/** Publishes task events to the real broker, as the task service would. */
public final class TestEvents {

    public static final String ORG = "acme";
    public static final String ALICE = "alice@acme.dev";
    public static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private static KafkaProducer<String, String> producer;

    private TestEvents() {
    }

    /** A run of events seq {@code from..to}: task.created at 1, deltas with {@code padding} extra characters, run.completed at {@code to}. */
    static List<String> run(UUID task, long from, long to, int padding) {
        return run(task, from, to, padding, ALICE);
    }

    /** As {@link #run(UUID, long, long, int)}, the task created by {@code creator}. */
    static List<String> run(UUID task, long from, long to, int padding, String creator) {
        UUID stream = UUID.randomUUID();
        String pad = "x".repeat(padding);
        List<String> envelopes = new ArrayList<>();
        for (long seq = from; seq <= to; seq++) {
            String type = seq == 1 ? TaskEventTypes.TASK_CREATED : seq == to ? TaskEventTypes.RUN_COMPLETED : TaskEventTypes.MESSAGE_DELTA;
            ObjectNode data = JSON.createObjectNode();
            if (seq == 1) {
                data.put("created_by", creator).put("visibility", "private").put("title", "t");
            } else {
                data.put("delta", "chunk " + seq + pad);
            }
            envelopes.add(write(new TaskEvent(UUID.randomUUID(), task, ORG, seq, stream, type, Instant.now(), data)));
        }
        return envelopes;
    }

    /** A task.updated event at {@code seq}, as the task service sends when the task is shared or unshared. */
    static String shared(UUID task, long seq, boolean shared) {
        ObjectNode data = JSON.createObjectNode().put("visibility", "private").put("is_shared", shared).put("title", "t");
        return write(new TaskEvent(UUID.randomUUID(), task, ORG, seq, null, TaskEventTypes.TASK_UPDATED, Instant.now(), data));
    }

    public static List<String> run(UUID task, long from, long to) {
        return run(task, from, to, 0);
    }

    /**
     * Waits until the service is ready, which includes its live reader holding the topic's partitions: before that,
     * streams would get events only from the log on their heartbeat, and tests would not see the live path at all.
     */
    public static void awaitReady() {
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> RestAssured.get("/q/health/ready").statusCode() == 200);
    }

    public static void publish(UUID task, List<String> envelopes) {
        envelopes.forEach(envelope -> send(task, envelope));
        producer().flush();
    }

    static void send(UUID task, String envelope) {
        try {
            producer().send(new ProducerRecord<>(Topics.TASK_EVENTS, task.toString(), envelope)).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Sends without waiting for each acknowledgement (order is kept: one producer, one partition per task). */
    static void sendAsync(UUID task, String envelope) {
        producer().send(new ProducerRecord<>(Topics.TASK_EVENTS, task.toString(), envelope));
    }

    private static synchronized KafkaProducer<String, String> producer() {
        if (producer == null) {
            Properties props = new Properties();
            props.put("bootstrap.servers", KafkaBroker.shared().bootstrapServers());
            props.put("acks", "all");
            props.put("linger.ms", "1");
            producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
            Runtime.getRuntime().addShutdownHook(new Thread(producer::close));
        }
        return producer;
    }

    private static String write(TaskEvent event) {
        try {
            return JSON.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
