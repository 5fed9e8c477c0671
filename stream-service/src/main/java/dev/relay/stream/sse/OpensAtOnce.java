package dev.relay.stream.sse;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.relay.stream.config.StreamConfig;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * How many stream opens this replica checks at once (authentication, rate limit, access, where the log ends); more
 * wait their turn in arrival order. After a restart or a network blip every viewer reconnects at once: checked all
 * together, thousands of opens would each hold their work in memory until the database answered them all, which the
 * collector promotes and the heap keeps; in turns, the same opens take the same database time and little memory.
 */
@ApplicationScoped
public class OpensAtOnce {

    private final int limit;
    private final AtomicInteger checking = new AtomicInteger();
    private final Queue<Runnable> waiting = new ConcurrentLinkedQueue<>();

    @Inject
    public OpensAtOnce(StreamConfig config) {
        this(config.opensAtOnce());
    }

    OpensAtOnce(int limit) {
        this.limit = limit;
    }

    /**
     * Runs {@code open} on the caller's Vert.x context once its turn comes; it must call {@link #done()} exactly once
     * when its checks are over, however they end.
     */
    public void inTurn(Runnable open) {
        Context context = Vertx.currentContext();
        waiting.add(context == null ? open : () -> context.runOnContext(ignored -> open.run()));
        next();
    }

    public void done() {
        checking.decrementAndGet();
        next();
    }

    private void next() {
        while (!waiting.isEmpty()) {
            int now = checking.get();
            if (now >= limit) {
                return; // the one that ends next takes the next
            }
            if (!checking.compareAndSet(now, now + 1)) {
                continue;
            }
            Runnable open = waiting.poll();
            if (open == null) {
                checking.decrementAndGet(); // another thread took it: look again
                continue;
            }
            open.run();
        }
    }
}
