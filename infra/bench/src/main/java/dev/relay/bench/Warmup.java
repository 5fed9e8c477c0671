package dev.relay.bench;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * The unmeasured first part of a load: events sent before {@link #run} returns are counted as warm-up on receipt,
 * and {@code run} returns once all of them arrived, so they cannot queue into the measurement. Warm-up events that
 * do not all arrive within two minutes break the run.
 */
final class Warmup {

    private final AtomicLong received = new AtomicLong();
    private volatile long measureFrom = Long.MAX_VALUE;
    private long sent;

    long received() {
        return received.get();
    }

    /** How many warm-up events were published. */
    long sent() {
        return sent;
    }

    boolean isMeasured(long sentNanos) {
        if (sentNanos >= measureFrom) {
            return true;
        }
        received.incrementAndGet();
        return false;
    }

    void run(int rate, int seconds, LongConsumer publish, LongSupplier delivered, Runnable flush) throws InterruptedException {
        sent = seconds > 0 ? Pacing.pace(rate, seconds, publish, 0, delivered) : 0;
        flush.run();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (delivered.getAsLong() < sent && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        InvariantViolation.check(delivered.getAsLong() >= sent, "warm-up: %d events published, only %d through within 2 minutes",
                sent, delivered.getAsLong());
        System.out.printf("RESULT warmup.events %d%nRESULT warmup.received %d%n", sent, received.get());
        measureFrom = System.nanoTime();
    }
}
