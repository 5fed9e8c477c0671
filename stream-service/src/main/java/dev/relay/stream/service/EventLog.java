package dev.relay.stream.service;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.relay.common.auth.Caller;
import dev.relay.stream.domain.StoredEvent;
import dev.relay.stream.repository.StoredEventRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/** Reading the stored log: a task's events page by page (for a caller allowed to read it), and one run's events. */
@ApplicationScoped
public class EventLog {

    private final StreamAccess access;
    private final StoredEventRepository events;

    public EventLog(StreamAccess access, StoredEventRepository events) {
        this.access = access;
        this.events = events;
    }

    /** Up to {@code limit} events of the task after seq {@code after}; 404 when the caller may not read the task. */
    public Uni<List<StoredEvent>> page(Caller caller, String org, UUID taskId, long after, int limit) {
        return access.authorize(caller, org, taskId).chain(() -> Panache.withSession(() -> events.after(taskId, after, limit)));
    }

    /** Every stored event of one run, in seq order (the caller holds a signed link to it). */
    public Uni<List<StoredEvent>> ofStream(UUID streamId) {
        return Panache.withSession(() -> events.ofStream(streamId));
    }
}
