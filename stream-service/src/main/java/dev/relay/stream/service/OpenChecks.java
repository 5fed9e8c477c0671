package dev.relay.stream.service;

import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.relay.common.error.ApiException;
import dev.relay.stream.config.StreamConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * The checks a replica runs at once to open streams (authentication, rate limit, who may read the task, where its log
 * ends); more wait their turn in arrival order, before any of their work has begun. After a restart or a network blip
 * every viewer reconnects at once: checked all together, thousands of opens would each hold their work in memory
 * until the database answered them all, which the collector promotes and the heap keeps; in turns, the same checks
 * take the same database time and little memory. A turn never holds a wait (an unknown task's next look waits outside
 * the turns and takes one of its own), and gives up after {@code relay.stream.open-check-timeout}, so no open,
 * however slow its answer, keeps the others out.
 */
@ApplicationScoped
public class OpenChecks {

    private final int limit;
    private final Duration timeout;
    private final AtomicInteger running = new AtomicInteger();
    private final Queue<Runnable> waiting = new ConcurrentLinkedQueue<>();

    @Inject
    public OpenChecks(StreamConfig config) {
        this(config.opensAtOnce(), config.openCheckTimeout());
    }

    OpenChecks(int limit, Duration timeout) {
        if (limit < 1) {
            throw new IllegalArgumentException("relay.stream.opens-at-once must be at least 1, not " + limit);
        }
        this.limit = limit;
        this.timeout = timeout;
    }

    /**
     * Runs {@code check} once a turn is free, on the caller's Vert.x context; the turn is given back once, when the
     * check answers, fails or is cancelled. A check still unanswered after the timeout fails with a 503.
     */
    public <T> Uni<T> inTurn(Supplier<Uni<T>> check) {
        return Uni.createFrom().<Turn>emitter(emitter -> {
            Context context = Vertx.currentContext();
            waiting.add(context == null ? () -> emitter.complete(new Turn())
                    : () -> context.runOnContext(ignored -> emitter.complete(new Turn())));
            next();
        }).chain(turn -> Uni.createFrom().<T>deferred(check::get)
                .ifNoItem().after(timeout).failWith(() -> ApiException.unavailable(
                        "the stream could not be checked in time; retry later", Duration.ofSeconds(1)))
                .onTermination().invoke(turn::end));
    }

    private void next() {
        while (!waiting.isEmpty()) {
            int now = running.get();
            if (now >= limit) {
                return; // the turn that ends next starts the next
            }
            if (!running.compareAndSet(now, now + 1)) {
                continue;
            }
            Runnable start = waiting.poll();
            if (start == null) {
                running.decrementAndGet(); // another thread started it: look again
                continue;
            }
            start.run();
        }
    }

    /** One check's turn, given back once. */
    private final class Turn {

        private final AtomicBoolean ended = new AtomicBoolean();

        void end() {
            if (ended.compareAndSet(false, true)) {
                running.decrementAndGet();
                next();
            }
        }
    }
}
