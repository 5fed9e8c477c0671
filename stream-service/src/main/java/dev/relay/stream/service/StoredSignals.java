package dev.relay.stream.service;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.relay.common.lifecycle.StartingOrStopping;
import dev.relay.stream.domain.ReceivedEvent;
import io.quarkus.scheduler.Scheduled;

/**
 * Tells the opens waiting on this replica for a task's log (an unknown task, a position not stored yet) that this
 * replica just stored the seq they wait for, so they look again at once instead of at their next pause's end. Another
 * replica's storing (the task's partition is its) tells nobody here: those opens look when their pause ends.
 */
@ApplicationScoped
public class StoredSignals {

    private static final Logger LOG = Logger.getLogger(StoredSignals.class);

    /** Waits older than this are forgotten: every open's wait ends well before (its pause's timer ends it anyway). */
    private static final long STALE_NANOS = 60_000_000_000L;

    /** One open's wait: woken once a seq at or past {@code needed} of its task is stored; {@code since}: nanoTime. */
    private record Waiter(long needed, Runnable wake, long since) {
    }

    private final Map<UUID, Set<Waiter>> waiting = new ConcurrentHashMap<>();

    /**
     * Runs {@code wake} once, when a seq of the task at or past {@code needed} (0: any) is next stored here; answers
     * what stops waiting (idempotent).
     */
    public Runnable onStored(UUID taskId, long needed, Runnable wake) {
        Waiter waiter = new Waiter(needed, wake, System.nanoTime());
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

    /**
     * Interest in the store of seq {@code needed} of the task (or a later one; 0: any), taken before an open looks at
     * the log: a store that lands between that look and the pause after it still ends the pause at once
     * ({@link Watch#then}), where {@link #onStored} from the pause would have missed it.
     */
    public Watch watch(UUID taskId, long needed) {
        Watch watch = new Watch();
        watch.stopWaiting = onStored(taskId, needed, watch::stored);
        return watch;
    }

    /** One look's interest in the next store ({@link #watch}): remembers a store that came before anyone waits on it. */
    public static final class Watch {

        private final AtomicBoolean stored = new AtomicBoolean();
        private final AtomicReference<Runnable> wake = new AtomicReference<>();
        private final AtomicBoolean woke = new AtomicBoolean();
        private volatile Runnable stopWaiting = () -> {
        };

        private void stored() {
            stored.set(true);
            runOnce();
        }

        /**
         * Runs {@code wake} once the seq is stored, at once when it was stored since the watch began; at most once, and
         * to be called once. {@code wake} may run on the caller's thread or on the storing consumer's, inside the map's
         * update: it must only hand over (as {@code Context.runOnContext} does), never block.
         */
        public void then(Runnable wake) {
            this.wake.set(wake);
            if (stored.get()) {
                runOnce();
            }
        }

        /** No wake any more (idempotent). */
        public void stop() {
            wake.set(null);
            stopWaiting.run();
        }

        private void runOnce() {
            Runnable next = wake.getAndSet(null);
            if (next != null && woke.compareAndSet(false, true)) {
                next.run();
            }
        }
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

    /**
     * Forgets waits older than a minute: a watch whose look was dropped unanswered (its check timed out between the
     * look and its answer) is never stopped, and a task that is never stored would keep it for ever.
     */
    @Scheduled(every = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = StartingOrStopping.class)
    void forgetStale() {
        forgetOlderThan(STALE_NANOS);
    }

    void forgetOlderThan(long nanos) {
        long now = System.nanoTime();
        waiting.keySet().forEach(taskId -> waiting.computeIfPresent(taskId, (id, waiters) -> {
            waiters.removeIf(waiter -> now - waiter.since() > nanos);
            return waiters.isEmpty() ? null : waiters;
        }));
    }

    /** Opens waiting now (for the tests). */
    public int waiting() {
        return waiting.values().stream().mapToInt(Set::size).sum();
    }
}
