package dev.relay.stream.config;

import io.smallrye.config.ConfigMapping;

@ConfigMapping(prefix = "relay.stream-links")
public interface StreamLinkConfig {

    /** The secret the task service signs stream links with (at least 16 characters); required in production. */
    String secret();
}
