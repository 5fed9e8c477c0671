package dev.relay.common.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.quarkus.runtime.ShutdownEvent;

class ApplicationStoppingTest {

    @Test
    void passesRunFromBeforeTheStartHasFinishedUntilTheShutdownBegins() {
        ApplicationStopping stopping = new ApplicationStopping();
        assertThat(stopping.test(null)).as("before and during the start").isFalse();

        stopping.onShutdown(new ShutdownEvent());
        assertThat(stopping.test(null)).as("once the shutdown began").isTrue();
    }
}
