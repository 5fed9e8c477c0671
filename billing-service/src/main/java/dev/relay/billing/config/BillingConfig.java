package dev.relay.billing.config;

import java.time.Duration;
import java.util.Map;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "relay.billing")
public interface BillingConfig {

    /** Neo tokens per input token of a model not in {@link #weights()}. */
    @WithDefault("1")
    double defaultInputWeight();

    /** Neo tokens per output token of a model not in {@link #weights()}. */
    @WithDefault("1")
    double defaultOutputWeight();

    /** At most how often an organization's state is published after its usage was metered. */
    @WithDefault("1s")
    Duration publishInterval();

    /** Per-model weights: {@code relay.billing.weights."<model>".input} and {@code .output}. */
    Map<String, Weight> weights();

    interface Weight {
        @WithDefault("1")
        double input();

        @WithDefault("1")
        double output();
    }
}
