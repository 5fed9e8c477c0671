package dev.relay.common.messaging;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "relay.consumer")
public interface ConsumerConfig {

    /** The first pause before a failed record (or batch) is processed again; it doubles up to {@link #maxRetryPause}. */
    @WithDefault("100ms")
    Duration firstRetryPause();

    /** The longest pause between two attempts; attempts go on until one succeeds. */
    @WithDefault("5s")
    Duration maxRetryPause();
}
