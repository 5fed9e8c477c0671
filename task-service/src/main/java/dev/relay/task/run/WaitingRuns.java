package dev.relay.task.run;

import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Whether runs may be waiting their turn, as this instance last saw it: a claim that held a run back says so, a
 * dispatcher pass that found none says the opposite, unless a run was held back since the pass began; and whether
 * any message waits queued, as the last periodic pass found. Lets the end of a run skip the searches while nothing
 * waits (the periodic pass still searches every interval, for runs held back and messages queued anywhere).
 */
@ApplicationScoped
class WaitingRuns {

    private final AtomicLong heldBack = new AtomicLong(1);
    private volatile long noneSince;
    private volatile boolean queued = true;

    /** A claim held a run back. */
    void held() {
        heldBack.incrementAndGet();
    }

    /** Where the hint stands before a search, to pass to {@link #noneFound(long)}. */
    long mark() {
        return heldBack.get();
    }

    /** A search that began at {@code mark} found no waiting run. */
    void noneFound(long mark) {
        noneSince = mark;
    }

    boolean mayBeWaiting() {
        return heldBack.get() != noneSince;
    }

    /** What the last look found: whether any message waits queued behind its task's run (on any instance). */
    void queued(boolean any) {
        queued = any;
    }

    boolean queuedMayExist() {
        return queued;
    }
}
