package dev.relay.task.run;

import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.netflix.concurrency.limits.Limit;
import com.netflix.concurrency.limits.limit.AIMDLimit;
import com.netflix.concurrency.limits.limit.WindowedLimit;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;

/**
 * How many runs this instance may work at once now: an additive-increase, multiplicative-decrease limit (Netflix's
 * concurrency-limits {@link AIMDLimit}, over {@link WindowedLimit} windows) between {@code relay.runs.min-working} and
 * {@code relay.runs.max-working}, fed with how long each {@code message.delta} of a run takes to commit. A window
 * lasts twice its fastest delta, at least 100 ms and at most a second; one of at least {@value #WINDOW_SAMPLES}
 * deltas whose average is past {@code relay.runs.step-latency-target} (the deltas waited for a database connection,
 * or for the event loops behind every other run's steps), or one with a delta that failed, takes a tenth off the
 * limit; a faster one adds one while at least half the limit works; one of fewer deltas (little load) leaves it as it
 * is.
 * Runs past the limit wait their turn as held-back runs, which the dispatcher starts as room comes back. A fixed count
 * cannot fit both kinds of run: runs that wait on a model's network answers cost the instance little each and many
 * fit, while runs that keep the database busy (the simulated runtime, a fast local model) made every run's next
 * transaction and every create wait behind thousands of others (creates.sh with the limits lifted,
 * docs/benchmarks.md).
 */
@Startup
@ApplicationScoped
class WorkingLimit {

    private static final int WINDOW_SAMPLES = 10;

    private final Limit limit;
    private final DeltaPacing working;

    @Inject
    WorkingLimit(RunQueueConfig config, DeltaPacing working, MeterRegistry registry) {
        this(config.minWorking(), config.maxWorking(), config.stepLatencyTarget().toNanos(), TimeUnit.MILLISECONDS.toNanos(100),
                TimeUnit.SECONDS.toNanos(1), working);
        Gauge.builder("relay.runs.working.limit", this, WorkingLimit::current)
                .description("Runs this instance may work at once now (adapted to how long the runs' steps take)")
                .register(registry);
    }

    WorkingLimit(int min, int max, long targetNanos, long shortestWindowNanos, long longestWindowNanos, DeltaPacing working) {
        if (min < 1 || max < 1) {
            throw new IllegalArgumentException("relay.runs.min-working and relay.runs.max-working must be at least 1");
        }
        // a max-working under the fewest is a fixed limit of that many
        int fewest = Math.min(min, max);
        this.working = working;
        this.limit = WindowedLimit.newBuilder().windowSize(WINDOW_SAMPLES)
                .minWindowTime(shortestWindowNanos, TimeUnit.NANOSECONDS).maxWindowTime(longestWindowNanos, TimeUnit.NANOSECONDS)
                .build(AIMDLimit.newBuilder().minLimit(fewest).maxLimit(max).initialLimit(Math.min(max, Math.max(fewest, 32)))
                        .backoffRatio(0.9).timeout(targetNanos, TimeUnit.NANOSECONDS).build());
    }

    /** The runs this instance may work at once now. */
    int current() {
        return limit.getLimit();
    }

    /** A run's step that started at {@code startNanos} ({@link System#nanoTime()}) has just committed. */
    void stepTook(long startNanos) {
        stepTook(startNanos, System.nanoTime());
    }

    void stepTook(long startNanos, long endNanos) {
        limit.onSample(startNanos, endNanos - startNanos, working.working(), false);
    }

    /** A run's step that started at {@code startNanos} has just failed (its window counts as a slow one). */
    void stepFailed(long startNanos) {
        stepFailed(startNanos, System.nanoTime());
    }

    void stepFailed(long startNanos, long endNanos) {
        limit.onSample(startNanos, endNanos - startNanos, working.working(), true);
    }
}
