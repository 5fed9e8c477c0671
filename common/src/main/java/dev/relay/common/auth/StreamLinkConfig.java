package dev.relay.common.auth;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The stream links of task details: the task service signs them, the stream service checks them. Every service
 * reads this mapping; only those two set a secret, so it is optional here and required by {@link #signer()}.
 */
@ConfigMapping(prefix = "relay.stream-links")
public interface StreamLinkConfig {

    /** The secret stream links are signed with, the same in the task and stream services (at least 16 characters). */
    Optional<String> secret();

    /** Where clients reach the stream service: the gateway's base URL. */
    @WithDefault("http://127.0.0.1:8080")
    String baseUrl();

    /** How long a link in the task details works. */
    @WithDefault("15m")
    Duration ttl();

    /** The signer of {@link #secret()}; a service that signs or checks links fails here when none is set. */
    default StreamLinkSigner signer() {
        return new StreamLinkSigner(secret().orElseThrow(() -> new IllegalStateException(
                "relay.stream-links.secret (RELAY_STREAM_LINK_SECRET) is not set; the task and stream services need it")));
    }
}
