package dev.relay.task;

import java.time.Duration;
import java.util.function.Supplier;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

/** Calls a service's reactive method the way the runtime does: on a fresh duplicated Vert.x context. */
public final class OnVertxContext {

    private OnVertxContext() {
    }

    /** Subscribes to {@code call} on a new duplicated context; the answer completes the returned Uni. */
    public static <T> Uni<T> call(Vertx vertx, Supplier<Uni<T>> call) {
        return dev.relay.common.reactive.OnOwnContext.run(vertx, call);
    }

    /** As {@link #call}, waiting at most ten seconds for the answer. */
    public static <T> T await(Vertx vertx, Supplier<Uni<T>> call) {
        return call(vertx, call).await().atMost(Duration.ofSeconds(10));
    }
}
