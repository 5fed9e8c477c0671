package dev.relay.task.secrets;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The key secrets are sealed with at rest. Without one the secrets API answers 503 and nothing is stored. */
@ConfigMapping(prefix = "relay.secrets")
public interface SecretsConfig {

    /** 32 random bytes, base64 (RELAY_SECRETS_KEY, from a secret: {@code openssl rand -base64 32}). */
    Optional<String> key();

    /** The name stored with each sealed value, so a later key can be told from this one when keys are rotated. */
    @WithDefault("1")
    String keyId();

    /**
     * Earlier keys by their id ({@code relay.secrets.old-keys."<id>"}, base64 like {@link #key()}): values sealed under
     * one still open, and are re-sealed under the current key in the background.
     */
    Map<String, String> oldKeys();

    /** How often values sealed under an old key are re-sealed under the current one, a batch at a time. */
    @WithDefault("1m")
    Duration resealInterval();

    /** How many values one re-seal pass takes at most, per kind (secrets, webhook signing secrets). */
    @WithDefault("200")
    int resealBatch();
}
