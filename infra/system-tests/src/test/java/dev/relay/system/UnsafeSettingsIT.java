package dev.relay.system;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.relay.testsupport.PackagedService;

/**
 * A packaged service started as in production (no dev or test profile) refuses a weak stream-link secret before it
 * takes any request, and says why. The database half of the check (the default superuser without a password away from
 * loopback) is pure logic in {@code UnsafeSettingsTest}: a start here would have to reach a database off this machine.
 */
class UnsafeSettingsIT {

    @Test
    void aProductionStartWithTheRepositorysStreamLinkSecretStopsWithTheReason() {
        assertThatThrownBy(() -> {
            try (PackagedService started = PackagedService.start("stream-service",
                    Map.of("RELAY_STREAM_LINK_SECRET", "relay-dev-stream-link-secret"))) {
                // it became ready: the check let it through
            }
        })
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("stream-service exited")
                .hasMessageContaining("refusing to start with unsafe settings")
                .hasMessageContaining("RELAY_STREAM_LINK_SECRET");
    }

    @Test
    void aProductionStartWithAShortStreamLinkSecretStopsWithTheReason() {
        assertThatThrownBy(() -> {
            try (PackagedService started = PackagedService.start("task-service",
                    Map.of("RELAY_STREAM_LINK_SECRET", "0123456789abcdef", "RELAY_STREAM_SERVICE_URL", "http://127.0.0.1:1"))) {
                // it became ready: the check let it through
            }
        })
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("task-service exited")
                .hasMessageContaining("refusing to start with unsafe settings")
                .hasMessageContaining("at least 32 characters");
    }
}
