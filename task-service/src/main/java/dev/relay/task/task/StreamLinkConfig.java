package dev.relay.task.task;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "relay.stream-links")
public interface StreamLinkConfig {

    /** The secret stream links are signed with, shared with the stream service (at least 16 characters). */
    String secret();

    /** Where clients reach the stream service: the gateway's base URL. */
    @WithDefault("http://127.0.0.1:8080")
    String baseUrl();

    /** How long a link in the task details works. */
    @WithDefault("15m")
    Duration ttl();
}
