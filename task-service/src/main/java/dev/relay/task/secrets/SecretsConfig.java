package dev.relay.task.secrets;

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
}
