package dev.relay.stream.sse;

import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

import io.vertx.core.Context;

/**
 * The timers of one {@link TaskStream}: the heartbeat, the gap clock of the hole it waits for, the pause before
 * the log is read again for a hole, the one read after the replay, and the one wait for what the log has not shown
 * (the seq the stream must reach, the event at its resume position). Each fires on the stream's context; all are cancelled together when it closes.
 */
final class StreamTimers {

    private final Context context;

    private long heartbeat = -1;
    private long gap = -1;
    /** The seq the gap clock waits for; 0 while it does not run. */
    private long gapAwaited;
    private long holeRead = -1;
    private long settleRead = -1;
    private long deadline = -1;

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

    /** Reads the log once after {@code delayMillis} (apart from any hole read, which must not wait for it). */
    void settleRead(long delayMillis, Runnable read) {
        if (settleRead < 0) {
            settleRead = context.owner().setTimer(delayMillis, id -> context.runOnContext(ignored -> {
                settleRead = -1;
                read.run();
            }));
        }
    }

    /** Runs {@code action} once after {@code delayMillis}, unless the stream closed before. */
    void deadline(long delayMillis, Runnable action) {
        deadline = context.owner().setTimer(delayMillis, id -> context.runOnContext(ignored -> {
            deadline = -1;
            action.run();
        }));
    }

    void cancelAll() {
        for (long timer : new long[] {settleRead, deadline}) {
            if (timer >= 0) {
                context.owner().cancelTimer(timer);
            }
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
