package dev.relay.stream.sse;

import java.util.List;
import java.util.UUID;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;

import dev.relay.stream.config.StreamConfig;
import dev.relay.stream.domain.EventFrame;
import dev.relay.stream.repository.StoredEventRepository;
import io.vertx.core.Context;

/**
 * One viewer's connection to one task's stream: every event after {@code after}, in seq order, each exactly once,
 * then live events until the task's run ends. It listens before it reads the log, holds live events back while it
 * replays, and fills any hole from the log, so the hand-over from history to live neither loses nor repeats an
 * event; what to send next is {@link StreamSequence}'s to decide, this class does the reading and writing, and
 * {@link StreamTimers} the timing. A hole is re-read from the log with a growing pause; a gap the log itself shows
 * becomes a {@code stream.gap} after {@code relay.stream.gap-wait}. It writes only as fast as the connection takes
 * frames; a viewer that falls more than {@code maxBacklog} events behind is cut off with a {@code stream.cutoff}
 * event naming the seq to resume after. All its work runs on one Vert.x context, so its state needs no locks.
 */
final class TaskStream {

    private static final Logger LOG = Logger.getLogger(TaskStream.class);
    /** A few times the storing consumers' fetch wait (20 ms) and batch. */
    private static final long SETTLE_READ_MILLIS = 100;

    private final Counter cutOffs;
    private final UUID taskId;
    private final SseWriter out;
    private final Runnable onClose;
    private final Context context;
    private final StoredEventRepository log;
    private final StreamConfig config;
    private final StreamSequence sequence;
    private final StreamTimers timers;

    private boolean replaying = true;
    private boolean reading;
    private boolean readAgain;
    private boolean awaitingDrain;
    private boolean closed;
    /** Log reads started and answered; reads run one at a time. */
    private long readsStarted;
    private long readsAnswered;
    /** The read after which what the stream still awaits is given up on; 0 while none is due. */
    private long giveUpAfterRead;
    private Runnable stopListening = () -> { };

    TaskStream(UUID taskId, StreamFrom from, SseWriter out, Runnable onClose, Context context, StoredEventRepository log,
            StreamConfig config, Counter cutOffs) {
        this.cutOffs = cutOffs;
        this.taskId = taskId;
        this.sequence = new StreamSequence(from.after(), from.through(), from.runEndedAtOpen(), from.untilRun());
        this.out = out;
        this.onClose = onClose;
        this.context = context;
        this.log = log;
        this.config = config;
        this.timers = new StreamTimers(context);
    }

    void start(LiveEvents live) {
        out.onClose(() -> context.runOnContext(ignored -> close()));
        out.open(config.retry().toMillis());
        stopListening = live.listen(taskId, frames -> context.runOnContext(ignored -> onLive(frames)));
        timers.heartbeat(config.heartbeat().toMillis(), () -> {
            if (!closed && !out.isFull()) {
                out.comment("keep-alive");
                out.flush();
            }
            readLog();
        });
        if (sequence.awaitsUnseen()) {
            // given up on after one more read that starts after the wait: one in flight may not show it yet
            timers.deadline(config.gapWait().toMillis(), () -> {
                if (sequence.awaitsUnseen()) {
                    giveUpAfterRead = readsStarted + 1;
                    readLog();
                }
            });
        }
        readLog();
    }

    private void onLive(List<EventFrame> frames) {
        if (closed) {
            return;
        }
        frames.forEach(sequence::live);
        // live events come in batches: the backlog is what the connection did not take, not what one batch held
        if (!replaying) {
            drain();
        }
        if (!closed && sequence.backlog() > config.maxBacklog()) {
            cutOff();
        }
    }

    /** Reads the next page of the log after what was sent; while replaying, drain() asks for the page after it. */
    private void readLog() {
        if (closed) {
            return;
        }
        if (reading) {
            readAgain = true;
            return;
        }
        int room = replaying ? config.replayPage() : Math.min(config.replayPage(), config.maxBacklog() - sequence.backlog());
        if (room <= 0) {
            return;
        }
        reading = true;
        readsStarted++;
        log.frames(taskId, sequence.readAfter(), room, config.replayPageBytes().asLongValue()).subscribe().with(
                frames -> context.runOnContext(ignored -> onPage(frames, room)),
                failure -> context.runOnContext(ignored -> {
                    reading = false;
                    LOG.warnf(failure, "reading the log of task %s failed", taskId);
                    fail();
                }));
    }

    private void onPage(List<EventFrame> frames, int limit) {
        reading = false;
        readsAnswered++;
        if (closed) {
            return;
        }
        frames.forEach(sequence::logged);
        if (giveUpAfterRead > 0 && readsAnswered >= giveUpAfterRead) {
            giveUpAfterRead = 0;
            sequence.giveUpUnseen();
        }
        // a page cut short by its byte budget is not the end of the log
        long bytes = frames.stream().mapToLong(frame -> frame.envelope().length()).sum();
        boolean full = frames.size() >= limit || bytes >= config.replayPageBytes().asLongValue();
        if (!full && !readAgain && replaying) {
            replaying = false;
            // an event sent just before this stream listened, and stored just after this read, comes neither live
            // nor from this read: read once more after storing's usual lag, rather than at the next heartbeat
            timers.settleRead(SETTLE_READ_MILLIS, this::readLog);
        }
        if (readAgain) {
            readAgain = false;
            readLog();
        }
        drain();
        if (!replaying && sequence.isFinished()) {
            complete();
        }
    }

    /** Sends held events that are next in sequence while the connection keeps up; on a hole, waits for it. */
    private void drain() {
        if (awaitingDrain) {
            return;
        }
        try {
            while (!closed) {
                if (sequence.hasHole()) {
                    awaitMissing();
                    return;
                }
                if (out.isFull()) {
                    awaitingDrain = true;
                    out.onDrain(() -> context.runOnContext(ignored -> {
                        awaitingDrain = false;
                        drain();
                    }));
                    return;
                }
                EventFrame next = sequence.next();
                if (next == null) {
                    break;
                }
                out.event(next.seq(), next.type(), next.envelope());
                if (!replaying && sequence.isFinished()) {
                    complete();
                }
            }
            timers.cancelGapClock();
            if (replaying && !reading && !closed) {
                readLog();
            }
        } finally {
            out.flush();
        }
    }

    /**
     * The next seq is not here yet. While replaying, the next page is read at once; otherwise the log is read again
     * after a pause that grows. The gap clock runs only once the log shows the hole.
     */
    private void awaitMissing() {
        long missing = sequence.missing();
        timers.awaitGap(missing, () -> sequence.logShowsGapAt(missing), config.gapWait().toMillis(), this::skipGap);
        if (reading) {
            return;
        }
        if (replaying) {
            readLog();
        } else {
            timers.holeRead(sequence::nextHoleReadPause, this::readLog);
        }
    }

    /** The log still lacks the next seq after the bounded wait: say so with a typed event, then go on. */
    private void skipGap() {
        if (closed) {
            return;
        }
        StreamSequence.Gap gap = sequence.skipGap();
        if (gap != null) {
            LOG.warnf("task %s: seq %d..%d missing from the log after %s", taskId, gap.from(), gap.to(), config.gapWait());
            // the gap event carries the seq before the resume point as its id, so a reconnect does not stop at the gap again
            out.event(gap.to(), "stream.gap", "{\"task_id\":\"" + taskId + "\",\"missing_from\":" + gap.from()
                    + ",\"missing_to\":" + gap.to() + "}");
        }
        drain();
    }

    /** What is already handed over still reaches the viewer, then this final event; nothing more is held for it. */
    private void cutOff() {
        cutOffs.increment();
        long resumeAfter = sequence.lastSent();
        LOG.infof("task %s: a viewer fell %d events behind; cutting it off after seq %d", taskId, sequence.backlog(), resumeAfter);
        out.event(resumeAfter, "stream.cutoff", "{\"task_id\":\"" + taskId + "\",\"resume_after\":" + resumeAfter
                + ",\"reason\":\"slow_consumer\"}");
        complete();
    }

    private void complete() {
        if (!closed) {
            out.end();
            close();
        }
    }

    /** Ends the stream as it is (its caller may no longer read it); a no-op once it is over. */
    void stop() {
        if (!closed) {
            out.end();
            close();
        }
    }

    private void fail() {
        if (!closed) {
            out.abort();
            close();
        }
    }

    private void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopListening.run();
        onClose.run();
        timers.cancelAll();
        sequence.clear();
    }
}
