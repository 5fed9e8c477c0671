package dev.relay.task.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "relay.outbox")
public interface OutboxConfig {

    /** How often sent records are marked and lost ones resent. */
    @WithDefault("1s")
    Duration sweepInterval();

    /** A record unsent for this long after its transaction is considered lost and sent again. */
    @WithDefault("10s")
    Duration resendAfter();

    /** The most records one sweep resends. */
    @WithDefault("500")
    int sweepBatch();
}
