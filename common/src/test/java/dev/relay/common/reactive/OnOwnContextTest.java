package dev.relay.common.reactive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

class OnOwnContextTest {

    private static Vertx vertx;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void theWorkRunsOnAContextOfItsOwnEachTime() {
        Context first = OnOwnContext.run(vertx, () -> Uni.createFrom().item(Vertx.currentContext())).await().atMost(Duration.ofSeconds(5));
        Context second = OnOwnContext.run(vertx, () -> Uni.createFrom().item(Vertx.currentContext())).await().atMost(Duration.ofSeconds(5));
        assertThat(first).isNotNull().isNotSameAs(second);
    }

    @Test
    void workThatThrowsInsteadOfFailingFailsTheUniAndDoesNotHangIt() {
        assertThatThrownBy(() -> OnOwnContext.<String>run(vertx, () -> {
            throw new IllegalStateException("thrown while building the work");
        }).await().atMost(Duration.ofSeconds(5))).isInstanceOf(IllegalStateException.class).hasMessageContaining("thrown while building");
    }
}
