package dev.relay.task.run;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.relay.task.agent.RuntimeConfig;
import io.quarkus.runtime.Startup;

/**
 * How long a run holds its reply's text between two {@code message.delta} events: {@code relay.runtime.delta-interval}
 * while few runs work on this instance, longer as more do (each working run counted, whether it is writing or waiting
 * on its model), so that their paced deltas come to about {@code relay.runtime.max-deltas-per-second}, and never
 * longer than {@code relay.runtime.longest-delta-interval}. A message's first delta and the text flushed before a tool
 * call, a usage report or the run's end are not held. Each delta is a transaction and an event: with a fixed interval
 * a burst of runs wrote more than the database pool could take, and the creates queued behind their chunks
 * (creates.sh at 100 creates/s with the runs' limits lifted, docs/benchmarks.md). Watchers then get the same text in
 * fewer, larger deltas. Created with the application, so a rate below one stops the start.
 */
@Startup
@ApplicationScoped
class DeltaPacing {

    private final AtomicInteger working = new AtomicInteger();
    private final long shortestNanos;
    private final long longestNanos;
    private final long maxPerSecond;

    @Inject
    DeltaPacing(RuntimeConfig config) {
        this(config.deltaInterval().toNanos(), config.longestDeltaInterval().toNanos(), config.maxDeltasPerSecond());
    }

    DeltaPacing(long shortestNanos, long longestNanos, long maxPerSecond) {
        if (maxPerSecond < 1) {
            throw new IllegalArgumentException("relay.runtime.max-deltas-per-second must be at least 1");
        }
        this.shortestNanos = shortestNanos;
        this.longestNanos = Math.max(shortestNanos, longestNanos);
        this.maxPerSecond = maxPerSecond;
    }

    /** A run starts writing its reply here; the action answered says it stopped (running it again does nothing). */
    Runnable begin() {
        working.incrementAndGet();
        AtomicBoolean ended = new AtomicBoolean();
        return () -> {
            if (ended.compareAndSet(false, true)) {
                working.decrementAndGet();
            }
        };
    }

    /** The runs working on this instance now. */
    int working() {
        return working.get();
    }

    /** The shortest time between two deltas of one run now. */
    long intervalNanos() {
        return Math.min(longestNanos, Math.max(shortestNanos, working.get() * 1_000_000_000L / maxPerSecond));
    }
}
