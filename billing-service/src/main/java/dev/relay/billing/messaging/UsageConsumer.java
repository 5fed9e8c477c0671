package dev.relay.billing.messaging;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import com.fasterxml.jackson.databind.JsonNode;

import dev.relay.billing.domain.UsageReport;
import dev.relay.billing.service.Metering;
import dev.relay.common.event.EnvelopeReader;
import dev.relay.common.event.TaskEvent;
import dev.relay.common.event.TaskEventTypes;
import dev.relay.common.event.Topics;
import dev.relay.common.messaging.IdempotentConsumer;
import io.smallrye.mutiny.Uni;

/**
 * Meters the usage reports among the task events, a batch at a time; the ledger's key (the event id) makes it
 * idempotent, and the batch's offsets are committed once its transaction has. A report that can never be metered
 * goes alone to this consumer's dead-letter topic; the rest of its batch is metered.
 */
@ApplicationScoped
public class UsageConsumer {

    private final Metering metering;
    private final EnvelopeReader reader;
    private final IdempotentConsumer consumer;

    public UsageConsumer(Metering metering, EnvelopeReader reader, IdempotentConsumer consumer) {
        this.metering = metering;
        this.reader = reader;
        this.consumer = consumer;
    }

    @Incoming(Topics.TASK_EVENTS)
    public Uni<Void> onBatch(ConsumerRecords<String, String> records) {
        return consumer.records(Topics.TASK_EVENTS, records, this::usage, metering::record);
    }

    /** The report a usage event carries; null for every other event. */
    private UsageReport usage(String payload) {
        // most task events are not usage: skip them without parsing
        if (!payload.contains("\"" + TaskEventTypes.USAGE_REPORTED + "\"")) {
            return null;
        }
        TaskEvent event = reader.read(payload, TaskEventTypes.USAGE_REPORTED::equals);
        return TaskEventTypes.USAGE_REPORTED.equals(event.type()) ? report(event) : null;
    }

    private UsageReport report(TaskEvent event) {
        JsonNode data = event.data();
        String model = text(data, "model", "unknown");
        long input = data.path("input_tokens").asLong();
        long output = data.path("output_tokens").asLong();
        UUID run = event.streamId();
        return new UsageReport(event.id(), event.org(), text(data, "user", null), text(data, "project_id", null), event.taskId(), run,
                model, input, output, metering.neoTokens(model, input, output), event.createdAt());
    }

    private static String text(JsonNode data, String field, String fallback) {
        JsonNode value = data.get(field);
        return value == null || value.isNull() ? fallback : value.asText();
    }
}
