package dev.relay.stream.service;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.relay.stream.domain.ReceivedEvent;

/**
 * Tells the opens waiting on this replica for a task's log (an unknown task, a position not stored yet) that this
 * replica just stored the seq they wait for, so they look again at once instead of at their next pause's end. Another
 * replica's storing (the task's partition is its) tells nobody here: those opens look when their pause ends.
 */
@ApplicationScoped
public class StoredSignals {

    private static final Logger LOG = Logger.getLogger(StoredSignals.class);

    /** One open's wait: woken once a seq at or past {@code needed} of its task is stored. */
    private record Waiter(long needed, Runnable wake) {
    }

    private final Map<UUID, Set<Waiter>> waiting = new ConcurrentHashMap<>();

    /**
     * Runs {@code wake} once, when a seq of the task at or past {@code needed} (0: any) is next stored here; answers
     * what stops waiting (idempotent).
     */
    public Runnable onStored(UUID taskId, long needed, Runnable wake) {
        Waiter waiter = new Waiter(needed, wake);
        waiting.compute(taskId, (id, waiters) -> {
            Set<Waiter> all = waiters == null ? ConcurrentHashMap.newKeySet() : waiters;
            all.add(waiter);
            return all;
        });
        return () -> waiting.computeIfPresent(taskId, (id, waiters) -> {
            waiters.remove(waiter);
            return waiters.isEmpty() ? null : waiters;
        });
    }

    /** These events were stored (and their tasks' access recorded): wakes whoever waits for what they reach. */
    void stored(List<ReceivedEvent> batch) {
        if (waiting.isEmpty()) {
            return;
        }
        Map<UUID, Long> reached = new HashMap<>();
        for (ReceivedEvent received : batch) {
            if (waiting.containsKey(received.event().taskId())) {
                reached.merge(received.event().taskId(), received.event().seq(), Math::max);
            }
        }
        reached.forEach((taskId, seq) -> waiting.computeIfPresent(taskId, (id, waiters) -> {
            waiters.removeIf(waiter -> {
                if (waiter.needed() > seq) {
                    return false;
                }
                try {
                    waiter.wake().run();
                } catch (RuntimeException e) {
                    // the store stands whatever a waiter does; that open looks again when its pause ends
                    LOG.debugf(e, "waking an open of task %s failed", taskId);
                }
                return true;
            });
            return waiters.isEmpty() ? null : waiters;
        }));
    }

    /** Opens waiting now (for the tests). */
    int waiting() {
        return waiting.values().stream().mapToInt(Set::size).sum();
    }
}
