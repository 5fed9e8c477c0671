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

    /**
     * How long a consumer remembers an event it processed: a redelivery later than this would be processed again, so
     * keep it above the retention of the topics consumed (Kafka's default is 7 days).
     */
    @WithDefault("14d")
    Duration rememberFor();

    /** How often each replica forgets what is older than {@link #rememberFor} ({@code off}: never). */
    @WithDefault("1h")
    String forgetInterval();

    /** Rows forgotten per statement. */
    @WithDefault("10000")
    int forgetBatch();
}
