package dev.relay.billing.messaging;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import dev.relay.billing.domain.UsageReport;
import dev.relay.billing.service.Metering;
import dev.relay.common.event.EnvelopeReader;
import dev.relay.common.event.TaskEvent;
import dev.relay.common.event.TaskEventData;
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
        TaskEventData.UsageReported usage = reader.data(event, TaskEventData.UsageReported.class);
        String model = usage.model() == null ? "unknown" : usage.model();
        return new UsageReport(event.id(), event.org(), usage.user(), usage.projectId(), event.taskId(), event.streamId(), model,
                usage.inputTokens(), usage.outputTokens(), metering.neoTokens(model, usage.inputTokens(), usage.outputTokens()),
                event.createdAt());
    }
}
