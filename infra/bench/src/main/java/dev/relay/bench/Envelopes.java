package dev.relay.bench;

import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import dev.relay.common.event.TaskEvent;
import dev.relay.common.event.TaskEventTypes;
import dev.relay.common.event.Topics;

/** The task events the stream benchmark publishes, and the publish time its test events carry. */
final class Envelopes {

    static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    /** Pads a test event to the benchmark's message size. */
    static final String PAD = "x".repeat(40);
    private static final String SENT_NANOS = "\"sent_nanos\":";

    private Envelopes() {
    }

    static void send(KafkaProducer<String, String> producer, TaskEvent event) {
        try {
            producer.send(new ProducerRecord<>(Topics.TASK_EVENTS, event.taskId().toString(), JSON.writeValueAsString(event)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A message.delta envelope as the task service writes it (the TaskEvent JSON), built by hand: the load generator
     * shares the machine with what it measures, so it should cost as little as it can.
     */
    static String delta(String taskId, String org, long seq, UUID streamId) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        UUID id = new UUID((random.nextLong() & ~0xF000L) | 0x4000L, (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L);
        return new StringBuilder(320).append("{\"id\":\"").append(id).append("\",\"task_id\":\"").append(taskId)
                .append("\",\"org\":\"").append(org).append("\",\"seq\":").append(seq)
                .append(",\"stream_id\":\"").append(streamId).append("\",\"type\":\"").append(TaskEventTypes.MESSAGE_DELTA)
                .append("\",\"created_at\":\"").append(Instant.now()).append("\",\"data\":{\"delta\":\"").append(PAD)
                .append("\",\"sent_nanos\":").append(System.nanoTime()).append("}}").toString();
    }

    /**
     * The publish time a test event carries. Read by position, not with a JSON parser: the client shares the machine
     * with what it measures, so it should cost as little as it can (the same for Relay and nchan).
     */
    static long sentNanos(String body) {
        int at = body.indexOf(SENT_NANOS);
        if (at < 0) {
            throw new IllegalStateException("an event without sent_nanos: " + body);
        }
        int start = at + SENT_NANOS.length();
        int end = start;
        while (end < body.length() && (Character.isDigit(body.charAt(end)) || body.charAt(end) == '-')) {
            end++;
        }
        return Long.parseLong(body, start, end, 10);
    }
}
