package dev.relay.stream.messaging;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.relay.common.event.TaskEvent;
import dev.relay.common.event.Topics;
import dev.relay.stream.service.EventStore;
import io.smallrye.mutiny.Uni;

/** Stores every record of the task-events topic; the offset is committed only after the event is stored. */
@ApplicationScoped
public class TaskEventConsumer {

    private final EventStore store;
    private final ObjectMapper json;

    public TaskEventConsumer(EventStore store, ObjectMapper json) {
        this.store = store;
        this.json = json;
    }

    @Incoming(Topics.TASK_EVENTS)
    public Uni<Void> onEvent(String envelope) throws JsonProcessingException {
        TaskEvent event = json.readValue(envelope, TaskEvent.class);
        return store.store(event, envelope).replaceWithVoid();
    }
}
