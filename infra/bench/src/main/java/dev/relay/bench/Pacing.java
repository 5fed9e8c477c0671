package dev.relay.bench;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/** How a load publishes: at a fixed rate, or as fast as the system delivers (a closed loop). */
final class Pacing {

    /** Events in flight end to end in a maximum-rate load. */
    static final int WINDOW = Integer.getInteger("bench.window", 20_000);

    private Pacing() {
    }

    /**
     * Calls {@code publish} with 0, 1, 2… for {@code seconds}: at {@code rate} per second, or with rate 0 as fast as
     * the system delivers, keeping at most {@link #WINDOW} events published but not yet received (a closed loop, so
     * the maximum is what the pipeline carries, not how fast a producer can fill a queue in front of it).
     * {@code deliveredBefore} is what {@code delivered} counted before this load began. Answers how many it published.
     */
    static long pace(int rate, int seconds, LongConsumer publish, long deliveredBefore, LongSupplier delivered) {
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        long n = 0;
        while (System.nanoTime() < end) {
            if (rate > 0) {
                long due = start + n * 1_000_000_000L / rate;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
            } else {
                while (n - (delivered.getAsLong() - deliveredBefore) >= WINDOW && System.nanoTime() < end) {
                    LockSupport.parkNanos(100_000);
                }
            }
            publish.accept(n++);
        }
        return n;
    }
}
