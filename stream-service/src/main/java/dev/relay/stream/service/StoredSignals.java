package dev.relay.stream.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import dev.relay.stream.domain.ReceivedEvent;

/**
 * Tells the opens waiting on this replica for a task's log (an unknown task, a position not stored yet) that this
 * replica just stored events of it, so they look again at once instead of at their next pause's end. Another
 * replica's storing (the task's partition is its) tells nobody here: those opens look when their pause ends.
 */
@ApplicationScoped
public class StoredSignals {

    private final Map<UUID, List<Runnable>> waiting = new ConcurrentHashMap<>();

    /** Runs {@code wake} once, when events of the task are next stored here; answers what stops waiting (idempotent). */
    public Runnable onStored(UUID taskId, Runnable wake) {
        waiting.compute(taskId, (id, wakes) -> {
            List<Runnable> all = wakes == null ? new ArrayList<>(1) : wakes;
            all.add(wake);
            return all;
        });
        return () -> waiting.computeIfPresent(taskId, (id, wakes) -> {
            wakes.remove(wake);
            return wakes.isEmpty() ? null : wakes;
        });
    }

    /** These events were stored (and their tasks' access recorded): wakes whoever waits for their tasks. */
    void stored(List<ReceivedEvent> batch) {
        if (waiting.isEmpty()) {
            return;
        }
        for (ReceivedEvent received : batch) {
            List<Runnable> wakes = waiting.remove(received.event().taskId());
            if (wakes != null) {
                wakes.forEach(Runnable::run);
            }
        }
    }

    /** Opens waiting now (for the tests). */
    int waiting() {
        return waiting.values().stream().mapToInt(List::size).sum();
    }
}
