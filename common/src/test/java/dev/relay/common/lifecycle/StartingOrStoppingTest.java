package dev.relay.common.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

class StartingOrStoppingTest {

    @Test
    void passesRunOnceTheStartHasFinishedAndUntilTheShutdownBegins() {
        StartingOrStopping stopping = new StartingOrStopping();
        assertThat(stopping.test(null)).as("while starting").isTrue();

        stopping.onStarted(new StartupEvent());
        assertThat(stopping.test(null)).as("started").isFalse();

        stopping.onShutdown(new ShutdownEvent());
        assertThat(stopping.test(null)).as("once the shutdown began").isTrue();
    }
}
