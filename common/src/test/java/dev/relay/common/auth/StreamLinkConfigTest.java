package dev.relay.common.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import org.junit.jupiter.api.Test;

/** The one stream link mapping: a service without a secret reads it fine, and fails only when it asks for a signer. */
class StreamLinkConfigTest {

    @Test
    void aSignerNeedsTheSecretAndNamesItWhenItIsMissing() {
        assertThatThrownBy(() -> config(Optional.empty()).signer()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("relay.stream-links.secret").hasMessageContaining("RELAY_STREAM_LINK_SECRET");
        StreamLinkSigner signer = config(Optional.of("a-secret-of-sixteen-or-more")).signer();
        UUID stream = UUID.randomUUID();
        Instant expires = Instant.now().plusSeconds(60);
        String link = signer.link(stream, expires);
        String signature = link.substring(link.indexOf("signature=") + "signature=".length());
        assertThat(signer.isValid(stream, expires.getEpochSecond(), signature, Instant.now())).isTrue();
    }

    private static StreamLinkConfig config(Optional<String> secret) {
        return new StreamLinkConfig() {
            @Override
            public Optional<String> secret() {
                return secret;
            }

            @Override
            public String baseUrl() {
                return "http://127.0.0.1:8080";
            }

            @Override
            public Duration ttl() {
                return Duration.ofMinutes(15);
            }
        };
    }
}
