package dev.relay.task.agent;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "relay.runtime")
public interface RuntimeConfig {

    /** The simulated agent's pause before each chunk of its reply, so that a stream can be watched live. */
    @WithDefault("40ms")
    Duration chunkDelay();

    /**
     * The shortest time between two {@code message.delta} events of a run: chunks the agent produces faster are
     * sent together, so a fast model does not cost a transaction and an event per token.
     */
    @WithDefault("50ms")
    Duration deltaInterval();

    /**
     * About how many paced {@code message.delta} events the runs of one instance write a second together: with more
     * runs working than this allows at {@code delta-interval}, each run's deltas are spaced further apart (larger ones).
     */
    @WithDefault("200")
    int maxDeltasPerSecond();

    /** The longest a run's text is held between two deltas, however many runs work on the instance. */
    @WithDefault("1s")
    Duration longestDeltaInterval();

    /** How often a running run checks that its budget still has room (it stops once a limit is used up). */
    @WithDefault("1s")
    Duration budgetCheckInterval();

    /**
     * An active run whose worker has not said it is alive for this long is taken to have lost its worker (the
     * instance died) and is handed to a worker again, where it resumes from its recorded steps.
     */
    @WithDefault("2m")
    Duration staleAfter();

    /** How often such runs are looked for. */
    @WithDefault("30s")
    Duration reapInterval();

    /** How often a worker says its runs are alive; well below {@code stale-after}. */
    @WithDefault("20s")
    Duration heartbeatInterval();

    /** How often one run is handed to a worker again before it is ended as failed instead. */
    @WithDefault("3")
    int maxRecoveries();
}
