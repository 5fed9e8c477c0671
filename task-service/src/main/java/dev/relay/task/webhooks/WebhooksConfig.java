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

    /**
     * The most messages of one organization one look sends, one after another: an organization whose receiver is slow
     * holds up only its own messages.
     */
    @WithDefault("2")
    int perOrg();

    /**
     * The most messages one organization may have waiting (a receiver that is down for long, a flood of completions);
     * a message past it is recorded as {@code dropped} in the delivery log, logged and counted, and never sent.
     */
    @WithDefault("1000")
    int maxQueuedPerOrg();

    /** How many organizations an instance sends to at once (each one's messages one after another). */
    @WithDefault("8")
    int concurrency();

    /**
     * How long the messages taken for an organization are leased to this instance: longer than sending them can take,
     * every send bounded by {@link #timeout()}, so no other instance sends them meanwhile.
     */
    default Duration lease() {
        return timeout().multipliedBy(perOrg() + 1L);
    }
}
