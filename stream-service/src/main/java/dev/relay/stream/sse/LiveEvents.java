package dev.relay.stream.sse;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;

import dev.relay.stream.domain.EventFrame;

/**
 * This replica's fan-out of live events to its open streams. Every replica reads the whole task-events topic for
 * this (see {@code LiveEventConsumer}), so a viewer gets live events whichever replica it is connected to and
 * whichever replica stores them.
 */
@ApplicationScoped
public class LiveEvents {

    private final Map<UUID, Set<Consumer<List<EventFrame>>>> listeners = new ConcurrentHashMap<>();
    private volatile boolean receiving;

    /** Calls {@code listener} with each batch of the task's new events, in seq order, until the returned handle is run. */
    public Runnable listen(UUID taskId, Consumer<List<EventFrame>> listener) {
        listeners.computeIfAbsent(taskId, id -> ConcurrentHashMap.newKeySet()).add(listener);
        return () -> listeners.computeIfPresent(taskId, (id, set) -> {
            set.remove(listener);
            return set.isEmpty() ? null : set;
        });
    }

    /** Whether some stream of this replica follows the task: events of other tasks need not even be read. */
    public boolean isWatched(UUID taskId) {
        return listeners.containsKey(taskId);
    }

    /** Hands the events of one batch from the topic (in topic order) to the viewers of their tasks, one call per task. */
    public void publish(List<EventFrame> batch) {
        Map<UUID, List<EventFrame>> byTask = new HashMap<>();
        for (EventFrame notice : batch) {
            byTask.computeIfAbsent(notice.taskId(), id -> new ArrayList<>()).add(notice);
        }
        byTask.forEach((taskId, notices) -> {
            Set<Consumer<List<EventFrame>>> viewers = listeners.get(taskId);
            if (viewers != null) {
                List<EventFrame> shared = List.copyOf(notices);
                viewers.forEach(viewer -> viewer.accept(shared));
            }
        });
    }

    /** Whether live events reach this replica: its topic reader holds every partition. */
    public boolean isReceiving() {
        return receiving;
    }

    public void receiving(boolean receiving) {
        this.receiving = receiving;
    }
}
