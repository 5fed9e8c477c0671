package dev.relay.stream.messaging;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import dev.relay.common.event.Topics;
import dev.relay.common.messaging.IdempotentConsumer;
import dev.relay.stream.domain.ReceivedEvent;
import dev.relay.stream.service.EventStore;
import io.smallrye.mutiny.Uni;

/**
 * Stores every record of the task-events topic, idempotently by the log's key (task, seq). A batch is retried
 * until it is stored (a database that refuses connections holds the partition back, it never loses an event), and
 * its offsets are committed only after that.
 */
@ApplicationScoped
public class TaskEventConsumer {

    private static final Logger LOG = Logger.getLogger(TaskEventConsumer.class);
    private static final String CONSUMER = "stream-service";

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
    public Uni<Void> onEvents(List<String> envelopes) {
        List<ReceivedEvent> batch = new ArrayList<>(envelopes.size());
        for (String envelope : envelopes) {
            try {
                batch.add(new ReceivedEvent(reader.read(envelope), envelope));
            } catch (IOException e) {
                // not an event of ours: it can never be stored, and must not hold back the valid ones
                LOG.errorf("skipping a record of %s that is not a task event: %.200s", Topics.TASK_EVENTS, envelope);
            }
        }
        return batch.isEmpty() ? Uni.createFrom().voidItem() : consumer.idempotent(CONSUMER, () -> store.store(batch)).replaceWithVoid();
    }
}
