package dev.relay.stream.messaging;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import dev.relay.common.event.EnvelopeReader;
import dev.relay.common.event.TaskEventTypes;
import dev.relay.common.event.Topics;
import dev.relay.common.messaging.IdempotentConsumer;
import dev.relay.stream.domain.ReceivedEvent;
import dev.relay.stream.service.EventStore;
import io.smallrye.mutiny.Uni;

/**
 * Stores every record of the task-events topic, idempotently by the log's key (task, seq). A batch is retried
 * until it is stored (a database that refuses connections holds the partition back, it never loses an event), and
 * its offsets are committed only after that; a record that can never be stored (not an envelope, data the database
 * refuses, a stream id of another task) goes alone to this consumer's dead-letter topic.
 */
@ApplicationScoped
public class TaskEventConsumer {

    private final EventStore store;
    private final EnvelopeReader reader;
    private final IdempotentConsumer consumer;

    public TaskEventConsumer(EventStore store, EnvelopeReader reader, IdempotentConsumer consumer) {
        this.store = store;
        this.reader = reader;
        this.consumer = consumer;
    }

    /** Records arrive in batches (one poll); the batch's offsets are committed once it is stored. */
    @Incoming(Topics.TASK_EVENTS)
    public Uni<Void> onEvents(ConsumerRecords<String, String> records) {
        return consumer.records(Topics.TASK_EVENTS, records,
                envelope -> new ReceivedEvent(reader.read(envelope, TaskEventTypes::isTaskLevel), envelope), store::store);
    }
}
