package dev.relay.task.budgets;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How runs are admitted against their organization's budget (the state the billing service publishes). */
@ConfigMapping(prefix = "relay.budget")
public interface BudgetConfig {

    /** The Neo tokens a run reserves when admitted, until its usage settles it (less when less is left). */
    @WithDefault("2000")
    long runEstimate();

    /** A run is refused when a limit has less than this left. */
    @WithDefault("1")
    long minimumHeadroom();

    /** The share of a limit at which creates carry a warning (and the task's stream a budget.warning event). */
    @WithDefault("0.8")
    double warnAt();

    /**
     * How long a run's model call waits for the budget when other runs' reservations hold the room it needs (it
     * tries again as they settle); past it, the run stops as failed.
     */
    @WithDefault("30s")
    Duration callWait();

    /** A reservation whose run has not ended after this long is released (a run waiting for an answer, say). */
    @WithDefault("6h")
    Duration reservationTtl();

    /** How often expired reservations are looked for. */
    @WithDefault("1m")
    Duration sweepInterval();

    /**
     * How long an organization's budget state, once read, is answered without reading it again (0: read every time).
     * A replica that did not consume a newer state itself answers the older one for at most this long.
     */
    @WithDefault("1s")
    Duration stateCacheFor();
}
