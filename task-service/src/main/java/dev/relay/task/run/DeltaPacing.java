package dev.relay.task.run;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.relay.task.agent.RuntimeConfig;

/**
 * How long a run holds its reply's text before it goes out as a {@code message.delta}: {@code relay.runtime.delta-interval}
 * while few runs work on this instance, longer as more do, so that together they write about
 * {@code relay.runtime.max-deltas-per-second} at most. Each delta is a transaction and an event: with a fixed interval
 * a burst of runs wrote more than the database pool could take, and the creates queued behind their chunks until
 * neither got through (creates.sh at 100 creates/s with the runs' limits lifted: p99 16 s, no run finished during the
 * load). Watchers then get the same text in fewer, larger deltas.
 */
@ApplicationScoped
class DeltaPacing {

    private final AtomicInteger writing = new AtomicInteger();
    private final long shortestNanos;
    private final long maxPerSecond;

    @Inject
    DeltaPacing(RuntimeConfig config) {
        this(config.deltaInterval().toNanos(), config.maxDeltasPerSecond());
    }

    DeltaPacing(long shortestNanos, long maxPerSecond) {
        if (maxPerSecond < 1) {
            throw new IllegalArgumentException("relay.runtime.max-deltas-per-second must be at least 1");
        }
        this.shortestNanos = shortestNanos;
        this.maxPerSecond = maxPerSecond;
    }

    /** A run starts writing its reply here; the action answered says it stopped (running it again does nothing). */
    Runnable begin() {
        writing.incrementAndGet();
        AtomicBoolean ended = new AtomicBoolean();
        return () -> {
            if (ended.compareAndSet(false, true)) {
                writing.decrementAndGet();
            }
        };
    }

    /** The shortest time between two deltas of one run now. */
    long intervalNanos() {
        return Math.max(shortestNanos, writing.get() * 1_000_000_000L / maxPerSecond);
    }
}
