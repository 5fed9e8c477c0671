package dev.relay.task.webhooks;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How completions are delivered to organizations' webhooks. */
@ConfigMapping(prefix = "relay.webhooks")
public interface WebhooksConfig {

    /** How long the receiver has to answer one attempt. */
    @WithDefault("10s")
    Duration timeout();

    /** The pause after the first failed attempt; it doubles after each further one. */
    @WithDefault("5s")
    Duration retryBackoff();

    /** The longest pause between two attempts. */
    @WithDefault("1h")
    Duration maxBackoff();

    /** How long after it was written a message is still tried; then it is marked failed. */
    @WithDefault("24h")
    Duration giveUpAfter();

    /** How often due messages are looked for. */
    @WithDefault("1s")
    Duration dispatchInterval();

    /** The most messages one look sends. */
    @WithDefault("20")
    int batch();
}
