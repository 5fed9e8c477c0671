package dev.relay.stream.service;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;

import dev.relay.common.reactive.InTurn;
import dev.relay.common.event.TaskEvent;
import dev.relay.common.event.TaskEventTypes;
import dev.relay.stream.domain.ReceivedEvent;
import dev.relay.stream.domain.TaskAccess;
import dev.relay.stream.repository.StoredEventRepository;
import dev.relay.stream.repository.TaskAccessRepository;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;

/**
 * Stores each task event exactly once: a redelivered event hits the (task, seq) key and inserts nothing. Who may
 * read a task is recorded idempotently too: an access row only moves forward in seq. Viewers learn of new events
 * from the topic itself ({@code LiveEventConsumer}), not from the store.
 */
@ApplicationScoped
public class EventStore {

    private final StoredEventRepository events;
    private final TaskAccessRepository access;
    private final Counter stored;
    private final StoredSignals signals;

    public EventStore(StoredEventRepository events, TaskAccessRepository access, MeterRegistry registry, StoredSignals signals) {
        this.signals = signals;
        this.events = events;
        this.access = access;
        this.stored = Counter.builder("relay.events.stored").description("Task events stored for the first time (redeliveries not counted)")
                .register(registry);
    }

    /** Stores a batch (in topic order); answers how many events were new. Opens waiting here for them are woken. */
    public Uni<Integer> store(List<ReceivedEvent> batch) {
        List<TaskEvent> accessChanges = batch.stream().map(ReceivedEvent::event)
                .filter(event -> TaskEventTypes.isTaskLevel(event.type())).toList();
        Uni<Integer> inserted = events.store(batch).invoke(count -> stored.increment(count));
        if (!accessChanges.isEmpty()) {
            inserted = inserted.call(() -> InTurn.each(accessChanges, this::recordAccess));
        }
        return inserted.invoke(() -> signals.stored(batch));
    }

    private Uni<Void> recordAccess(TaskEvent event) {
        boolean created = TaskEventTypes.TASK_CREATED.equals(event.type());
        if (!created && !TaskEventTypes.TASK_UPDATED.equals(event.type())) {
            return Uni.createFrom().voidItem();
        }
        JsonNode data = event.data();
        String visibility = data.hasNonNull("visibility") ? data.get("visibility").asText() : null;
        Boolean shared = data.hasNonNull("is_shared") ? data.get("is_shared").asBoolean() : null;
        TaskAccess row = new TaskAccess();
        row.taskId = event.taskId();
        row.org = event.org();
        row.createdBy = data.path("created_by").asText("");
        row.visibility = visibility == null ? "private" : visibility;
        row.shared = shared != null && shared;
        row.asOfSeq = event.seq();
        return access.record(row, created ? null : visibility, created ? null : shared);
    }
}
