package dev.relay.stream.sse;

import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

import io.vertx.core.Context;

/**
 * The timers of one {@link TaskStream}: the heartbeat, the gap clock of the hole it waits for, the pause before
 * the log is read again for a hole, and the one wait for the seq the stream must reach. Each fires on the stream's context; all are cancelled together when it closes.
 */
final class StreamTimers {

    private final Context context;

    private long heartbeat = -1;
    private long gap = -1;
    /** The seq the gap clock waits for; 0 while it does not run. */
    private long gapAwaited;
    private long holeRead = -1;
    private long once = -1;

    StreamTimers(Context context) {
        this.context = context;
    }

    void heartbeat(long periodMillis, Runnable tick) {
        heartbeat = context.owner().setPeriodic(periodMillis, id -> context.runOnContext(ignored -> tick.run()));
    }

    /**
     * Runs the gap clock for {@code missing} once the log shows that hole; the clock of an earlier hole says nothing
     * about this one and is cancelled.
     */
    void awaitGap(long missing, BooleanSupplier logShowsGap, long waitMillis, Runnable onExpiry) {
        if (gapAwaited == missing) {
            return;
        }
        cancelGapClock();
        if (!logShowsGap.getAsBoolean()) {
            return;
        }
        gapAwaited = missing;
        gap = context.owner().setTimer(waitMillis, id -> context.runOnContext(ignored -> {
            gap = -1;
            gapAwaited = 0;
            onExpiry.run();
        }));
    }

    void cancelGapClock() {
        if (gap >= 0) {
            context.owner().cancelTimer(gap);
            gap = -1;
        }
        gapAwaited = 0;
    }

    /** Re-reads the log after the next pause unless such a read is already pending. */
    void holeRead(LongSupplier nextPauseMillis, Runnable read) {
        if (holeRead >= 0) {
            return;
        }
        holeRead = context.owner().setTimer(nextPauseMillis.getAsLong(), id -> context.runOnContext(ignored -> {
            holeRead = -1;
            read.run();
        }));
    }

    /** Runs {@code action} once after {@code delayMillis}, unless the stream closed before. */
    void once(long delayMillis, Runnable action) {
        once = context.owner().setTimer(delayMillis, id -> context.runOnContext(ignored -> {
            once = -1;
            action.run();
        }));
    }

    void cancelAll() {
        if (once >= 0) {
            context.owner().cancelTimer(once);
        }
        if (heartbeat >= 0) {
            context.owner().cancelTimer(heartbeat);
        }
        cancelGapClock();
        if (holeRead >= 0) {
            context.owner().cancelTimer(holeRead);
        }
    }
}
