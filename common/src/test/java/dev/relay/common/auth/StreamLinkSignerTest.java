package dev.relay.common.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.UUID;

import org.junit.jupiter.api.Test;

class StreamLinkSignerTest {

    private static final StreamLinkSigner SIGNER = new StreamLinkSigner("a-test-secret-of-some-length");
    private static final UUID STREAM = UUID.randomUUID();
    private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");

    private static String signatureOf(String link) {
        return link.substring(link.indexOf("signature=") + "signature=".length());
    }

    @Test
    void aLinkIsValidForItsStreamUntilItExpires() {
        Instant expires = NOW.plusSeconds(900);
        String signature = signatureOf(SIGNER.link(STREAM, expires));
        assertThat(SIGNER.isValid(STREAM, expires.getEpochSecond(), signature, NOW)).isTrue();
        assertThat(SIGNER.isValid(STREAM, expires.getEpochSecond(), signature, expires)).isTrue();
        assertThat(SIGNER.isValid(STREAM, expires.getEpochSecond(), signature, expires.plusSeconds(1))).isFalse();
    }

    @Test
    void anotherStreamAnotherExpiryOrAnotherSecretDoNotMatch() {
        Instant expires = NOW.plusSeconds(900);
        String signature = signatureOf(SIGNER.link(STREAM, expires));
        assertThat(SIGNER.isValid(UUID.randomUUID(), expires.getEpochSecond(), signature, NOW)).isFalse();
        assertThat(SIGNER.isValid(STREAM, expires.getEpochSecond() + 3600, signature, NOW)).isFalse();
        assertThat(new StreamLinkSigner("another-secret-of-some-length").isValid(STREAM, expires.getEpochSecond(), signature, NOW)).isFalse();
        assertThat(SIGNER.isValid(STREAM, expires.getEpochSecond(), null, NOW)).isFalse();
    }

    @Test
    void aShortSecretIsRefused() {
        assertThatThrownBy(() -> new StreamLinkSigner("short")).isInstanceOf(IllegalArgumentException.class);
    }
}
