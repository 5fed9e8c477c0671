package dev.relay.task.run;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How runs share the workers: each organization's limit of runs working at once, and each instance's. */
@ConfigMapping(prefix = "relay.runs")
public interface RunQueueConfig {

    /**
     * Runs of one organization working at once, over all task-service instances, unless its admins set a limit of
     * their own; more wait their turn.
     */
    @WithDefault("32")
    int orgMaxActive();

    /** The highest limit of runs at once an organization's admins may set for it. */
    @WithDefault("256")
    int orgMaxActiveCeiling();

    /**
     * The most runs this instance works at once; more wait for a free worker. Below it the limit adapts to how long
     * the runs' steps take ({@link #stepLatencyTarget()}).
     */
    @WithDefault("512")
    int maxWorking();

    /** The fewest runs this instance works at once, however slow their steps (a lower max-working is a fixed limit). */
    @WithDefault("16")
    int minWorking();

    /**
     * How long a run's {@code message.delta} may take to commit, on average over a window (100 ms to 1 s; one of fewer
     * than ten deltas changes nothing), before the instance takes fewer runs at once (a tenth fewer per slower window or
     * one with a failed delta; one more per faster one while at least half the limit works).
     */
    @WithDefault("100ms")
    Duration stepLatencyTarget();

    /** How often an instance with room looks for waiting runs (a run ending here looks at once). */
    @WithDefault("1s")
    Duration dispatchInterval();

    /**
     * How long a run just requested is left to its request (which starts it with the request's trace) before an
     * instance's dispatcher takes it: past it the request is lagging (its partition of {@code task-runs} is behind
     * another tenant's burst, say) and the run waits its turn with the others.
     */
    @WithDefault("1s")
    Duration unclaimedAfter();
}
