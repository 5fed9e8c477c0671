package dev.relay.stream.sse;

import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import dev.relay.common.event.TaskEventTypes;
import dev.relay.stream.domain.EventFrame;

/**
 * What one viewer's stream has sent and holds, and the rules that decide what to send next; no I/O, no timers.
 * Events arrive from the log and live from the topic, in any order and more than once; they leave in seq order,
 * each once. A missing seq is a <em>hole</em>: normal while the log is behind the topic, a <em>gap</em> only once
 * the log shows it (a later seq stored, this one not).
 */
final class StreamSequence {

    /** First and longest pause before the log is read again for an event that came live ahead of it. */
    static final long FIRST_HOLE_READ_MILLIS = 5;
    static final long MAX_HOLE_READ_MILLIS = 250;

    /** Events known but not yet sent, by seq. */
    private final TreeMap<Long, EventFrame> pending = new TreeMap<>();
    private long lastSent;
    /** The seq this stream must send before it may end (0: none), unless it is given up on ({@link #giveUpUnseen}). */
    private long through;
    /** The highest seq read from the log or come live. */
    private long maxSeen;
    /**
     * Whether the event at the resume position was read, or no longer matters (nothing to resume after, or an event
     * was sent since): whether it ended its run decides whether a stream with nothing more to send ends.
     */
    private boolean positionRead;
    private final boolean runEndedAtOpen;
    /** The highest seq read from the log. */
    private long logMax;
    /** Whether the latest run event sent ended its run; events about the task itself do not change it. */
    private boolean lastSentEndsRun;
    private long holeReadMillis = FIRST_HOLE_READ_MILLIS;
    /** The run whose last event this stream must send before it may end (null: none, or given up at a gap). */
    private UUID untilRun;
    private boolean untilRunEnded;

    StreamSequence(long after) {
        this(after, 0, false, null);
    }

    /**
     * {@code runEndedAtOpen}: whether the log's last event about a run ended it when the stream opened;
     * {@code untilRun}: a run whose last event the stream must send before it may end (null: none), as a message
     * queued behind a working run waits for its own.
     */
    StreamSequence(long after, long through, boolean runEndedAtOpen, UUID untilRun) {
        this.lastSent = after;
        this.through = through;
        this.positionRead = after == 0;
        this.runEndedAtOpen = runEndedAtOpen;
        this.untilRun = untilRun;
    }

    /** An event from the topic. */
    void live(EventFrame frame) {
        hold(frame);
    }

    /** An event read from the log. */
    void logged(EventFrame frame) {
        logMax = Math.max(logMax, frame.seq());
        hold(frame);
    }

    private void hold(EventFrame frame) {
        maxSeen = Math.max(maxSeen, frame.seq());
        if (frame.seq() > lastSent) {
            pending.put(frame.seq(), frame);
        } else if (!positionRead && frame.seq() == lastSent) {
            // an event about the task itself says nothing of the run: the latest run event before it does, which is
            // the log's latest unless one comes after the position (and that one, once sent, decides)
            positionRead = true;
            lastSentEndsRun = TaskEventTypes.isTaskLevel(frame.type()) ? runEndedAtOpen : TaskEventTypes.isTerminal(frame.type());
        }
    }

    /** The seq to read the log after: the resume position itself, until its event is read. */
    long readAfter() {
        return positionRead ? lastSent : lastSent - 1;
    }

    /**
     * Whether the stream waits for what it has not seen (in the log or live): {@code through}, or the event at the
     * resume position.
     */
    boolean awaitsUnseen() {
        return through > lastSent && maxSeen < through || !positionRead;
    }

    /**
     * What was awaited was neither stored nor sent live within the wait: a seq that never comes (a mistaken or
     * made-up one, or an event the log never got) must not keep the stream open for ever. Without {@code through},
     * and with the resume position's event taken to end its run as the log's last run did when the stream opened.
     */
    void giveUpUnseen() {
        if (maxSeen < through) {
            through = 0;
        }
        if (!positionRead) {
            positionRead = true;
            lastSentEndsRun = runEndedAtOpen;
        }
    }

    /** The event to send now (and counts it as sent), or null: nothing held, or a hole before what is held. */
    EventFrame next() {
        while (!pending.isEmpty()) {
            Map.Entry<Long, EventFrame> first = pending.firstEntry();
            if (first.getKey() <= lastSent) {
                pending.pollFirstEntry();
                continue;
            }
            if (first.getKey() != lastSent + 1) {
                return null;
            }
            pending.pollFirstEntry();
            EventFrame frame = first.getValue();
            lastSent = frame.seq();
            positionRead = true;
            if (!TaskEventTypes.isTaskLevel(frame.type())) {
                lastSentEndsRun = TaskEventTypes.isTerminal(frame.type());
                untilRunEnded |= lastSentEndsRun && untilRun != null && untilRun.equals(frame.streamId());
            }
            holeReadMillis = FIRST_HOLE_READ_MILLIS;
            return frame;
        }
        return null;
    }

    /** Whether the next event to send is missing while later ones are held. */
    boolean hasHole() {
        while (!pending.isEmpty() && pending.firstKey() <= lastSent) {
            pending.pollFirstEntry();
        }
        return !pending.isEmpty() && pending.firstKey() > lastSent + 1;
    }

    /** The seq the stream waits for. */
    long missing() {
        return lastSent + 1;
    }

    /** Whether the log itself lacks {@code seq}: it holds a later one. A log that is only behind is no gap. */
    boolean logShowsGapAt(long seq) {
        return logMax > seq;
    }

    /** How long to wait before the log is read again for a hole; each call waits twice as long, up to a bound. */
    long nextHoleReadPause() {
        long pause = holeReadMillis;
        holeReadMillis = Math.min(holeReadMillis * 2, MAX_HOLE_READ_MILLIS);
        return pause;
    }

    /** The gap before the first held event, now given up on; null when there is none any more. */
    Gap skipGap() {
        long missingFrom = lastSent + 1;
        if (pending.isEmpty() || pending.firstKey() == missingFrom || !logShowsGapAt(missingFrom)) {
            return null;
        }
        Gap gap = new Gap(missingFrom, pending.firstKey() - 1);
        lastSent = gap.to();
        positionRead = true;
        // the gap may hold the awaited run's end: from here the stream ends as any does, at the end of a run
        untilRun = null;
        return gap;
    }

    /** Seqs {@code from..to} the log skipped; the stream goes on after {@code to}. */
    record Gap(long from, long to) {
    }

    /**
     * Whether {@code through} was sent and either the run the stream waits for has ended, or (waiting for none)
     * everything there is was sent and the run it belongs to has ended.
     */
    boolean isFinished() {
        if (untilRun != null) {
            // its run's end ends it, whatever of the next run is held already
            return untilRunEnded && lastSent >= through;
        }
        return lastSentEndsRun && pending.isEmpty() && lastSent >= through;
    }

    /** How many events are held, not yet sent (what the connection did not take). */
    int backlog() {
        return pending.size();
    }

    long lastSent() {
        return lastSent;
    }

    void clear() {
        pending.clear();
    }
}
