package dev.relay.stream.messaging;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import dev.relay.common.event.Topics;
import dev.relay.stream.service.EventStore;
import io.smallrye.mutiny.Uni;

/** Stores every record of the task-events topic; offsets are committed only after the events are stored. */
@ApplicationScoped
public class TaskEventConsumer {

    private static final Logger LOG = Logger.getLogger(TaskEventConsumer.class);

    private final EventStore store;
    private final EnvelopeReader reader;

    public TaskEventConsumer(EventStore store, EnvelopeReader reader) {
        this.store = store;
        this.reader = reader;
    }

    /** Records arrive in batches (one poll); the batch's offsets are committed once it is stored. */
    @Incoming(Topics.TASK_EVENTS)
    public Uni<Void> onEvents(List<String> envelopes) {
        List<EventStore.Received> batch = new ArrayList<>(envelopes.size());
        for (String envelope : envelopes) {
            try {
                batch.add(new EventStore.Received(reader.read(envelope), envelope));
            } catch (IOException e) {
                // not an event of ours: it can never be stored, and must not hold back the valid ones
                LOG.errorf("skipping a record of %s that is not a task event: %.200s", Topics.TASK_EVENTS, envelope);
            }
        }
        return batch.isEmpty() ? Uni.createFrom().voidItem() : store.store(batch).replaceWithVoid();
    }
}
