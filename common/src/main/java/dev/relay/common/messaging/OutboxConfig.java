package dev.relay.common.messaging;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "relay.outbox")
public interface OutboxConfig {

    /** How often sent records are deleted and lost ones resent. */
    @WithDefault("1s")
    Duration sweepInterval();

    /** A record unsent for this long after its transaction committed is considered lost and sent again. */
    @WithDefault("10s")
    Duration resendAfter();

    /** The most records one sweep resends. */
    @WithDefault("500")
    int sweepBatch();

    /** How long the producer waits to fill a batch; records of many transactions share one request (Kafka 4's default). */
    @WithDefault("5ms")
    Duration linger();

    /** How long one send may wait for the broker before it fails (the record is then resent by a sweep). */
    @WithDefault("30s")
    Duration deliveryTimeout();

    /** How often the outbox's backlog and oldest record are read for the metrics. */
    @WithDefault("15s")
    Duration metricsInterval();
}
