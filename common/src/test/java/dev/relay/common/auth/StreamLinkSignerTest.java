package dev.relay.common.auth;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        assertTrue(SIGNER.isValid(STREAM, expires.getEpochSecond(), signature, NOW));
        assertTrue(SIGNER.isValid(STREAM, expires.getEpochSecond(), signature, expires));
        assertFalse(SIGNER.isValid(STREAM, expires.getEpochSecond(), signature, expires.plusSeconds(1)));
    }

    @Test
    void anotherStreamAnotherExpiryOrAnotherSecretDoNotMatch() {
        Instant expires = NOW.plusSeconds(900);
        String signature = signatureOf(SIGNER.link(STREAM, expires));
        assertFalse(SIGNER.isValid(UUID.randomUUID(), expires.getEpochSecond(), signature, NOW));
        assertFalse(SIGNER.isValid(STREAM, expires.getEpochSecond() + 3600, signature, NOW));
        assertFalse(new StreamLinkSigner("another-secret-of-some-length").isValid(STREAM, expires.getEpochSecond(), signature, NOW));
        assertFalse(SIGNER.isValid(STREAM, expires.getEpochSecond(), null, NOW));
    }

    @Test
    void aShortSecretIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new StreamLinkSigner("short"));
    }
}
