package dev.relay.stream.sse;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import org.jboss.logging.Logger;

import dev.relay.common.event.TaskEventTypes;
import dev.relay.stream.config.StreamConfig;
import io.vertx.core.Context;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * One viewer's stream of one task: every event after {@code after}, in seq order, each exactly once, then live
 * events until the task's run ends. It listens before it reads the log, holds live events back while it replays,
 * and fills any hole from the log, so the hand-over from history to live neither loses nor repeats an event.
 * Live events come straight from the topic and may run ahead of the log: a hole is re-read with a growing pause
 * until the log has it, and only a hole the log itself shows (a later seq stored, this one not) becomes a
 * {@code stream.gap} after the bounded wait.
 * It writes only as fast as the connection takes frames (events ready together go out as one write); a viewer that
 * falls more than {@code maxBacklog} events behind is cut off with a {@code stream.cutoff} event naming the seq to
 * resume after.
 * All its work runs on one Vert.x context, so its state needs no locks.
 */
final class TaskStream {

    private static final Logger LOG = Logger.getLogger(TaskStream.class);
    private static final String PAGE = "SELECT seq, type, envelope FROM stream.task_event WHERE task_id = $1 AND seq > $2 ORDER BY seq LIMIT $3";
    /** First and longest pause before the log is read again for an event that came live ahead of it. */
    private static final long FIRST_HOLE_READ_MILLIS = 5;
    private static final long MAX_HOLE_READ_MILLIS = 250;
    private final UUID taskId;
    private final SseWriter out;
    private final Runnable onClose;
    private final Context context;
    private final Pool pool;
    private final StreamConfig config;
    /** Events known but not yet sent, by seq. */
    private final TreeMap<Long, LiveNotice> pending = new TreeMap<>();

    private long lastSent;
    /** The highest seq read from the log: a missing seq below it is a hole in the log, not a log lagging behind. */
    private long logMax;
    /** Whether the latest run event sent ended its run; events about the task itself do not change it. */
    private boolean lastSentEndsRun;
    private boolean replaying = true;
    private boolean reading;
    private boolean readAgain;
    private boolean awaitingDrain;
    private boolean closed;
    private long heartbeatTimer = -1;
    private long gapTimer = -1;
    /** The seq the gap timer waits for. */
    private long gapAwaited;
    private long holeReadTimer = -1;
    private long holeReadMillis = FIRST_HOLE_READ_MILLIS;
    private Runnable stopListening = () -> { };

    TaskStream(UUID taskId, long after, SseWriter out, Runnable onClose, Context context, Pool pool, StreamConfig config) {
        this.taskId = taskId;
        this.lastSent = after;
        this.out = out;
        this.onClose = onClose;
        this.context = context;
        this.pool = pool;
        this.config = config;
    }

    void start(LiveEvents live) {
        out.onClose(() -> context.runOnContext(ignored -> close()));
        out.open(config.retry().toMillis());
        stopListening = live.listen(taskId, notices -> context.runOnContext(ignored -> onLive(notices)));
        heartbeatTimer = context.owner().setPeriodic(config.heartbeat().toMillis(), id -> context.runOnContext(ignored -> {
            if (!closed && !out.isFull()) {
                out.comment("keep-alive");
                out.flush();
            }
            readLog();
        }));
        readLog();
    }

    private void onLive(List<LiveNotice> notices) {
        if (closed) {
            return;
        }
        for (LiveNotice notice : notices) {
            if (notice.seq() > lastSent) {
                pending.put(notice.seq(), notice);
            }
        }
        // live events come in batches: the backlog is what the connection did not take, not what one batch held
        if (!replaying) {
            drain();
        }
        if (!closed && pending.size() > config.maxBacklog()) {
            cutOff();
        }
    }

    /** Reads the next page of the log after {@code lastSent}; while replaying, drain() asks for the page after it. */
    private void readLog() {
        if (closed) {
            return;
        }
        if (reading) {
            readAgain = true;
            return;
        }
        int room = replaying ? config.replayPage() : Math.min(config.replayPage(), config.maxBacklog() - pending.size());
        if (room <= 0) {
            return;
        }
        reading = true;
        pool.preparedQuery(PAGE).execute(Tuple.of(taskId, lastSent, room)).subscribe().with(
                rows -> context.runOnContext(ignored -> onPage(rows, room)),
                failure -> context.runOnContext(ignored -> {
                    reading = false;
                    LOG.warnf(failure, "reading the log of task %s failed", taskId);
                    fail(failure);
                }));
    }

    private void onPage(Iterable<Row> rows, int limit) {
        reading = false;
        if (closed) {
            return;
        }
        int count = 0;
        for (Row row : rows) {
            count++;
            long seq = row.getLong("seq");
            logMax = Math.max(logMax, seq);
            if (seq > lastSent) {
                pending.put(seq, new LiveNotice(taskId, seq, row.getString("type"), row.getString("envelope")));
            }
        }
        if (count < limit && !readAgain) {
            replaying = false;
        }
        if (readAgain) {
            readAgain = false;
            readLog();
        }
        drain();
        if (!replaying && lastSentEndsRun && pending.isEmpty()) {
            complete();
        }
    }

    /** Sends pending events that are next in sequence while the connection keeps up; on a hole, waits for it. */
    private void drain() {
        if (awaitingDrain) {
            return;
        }
        try {
            while (!closed && !pending.isEmpty()) {
                Map.Entry<Long, LiveNotice> first = pending.firstEntry();
                if (first.getKey() <= lastSent) {
                    pending.pollFirstEntry();
                    continue;
                }
                LiveNotice next = first.getValue();
                if (first.getKey() != lastSent + 1) {
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
                pending.pollFirstEntry();
                send(next);
                holeReadMillis = FIRST_HOLE_READ_MILLIS;
            }
            cancelGapTimer();
            if (replaying && !reading && !closed) {
                readLog();
            }
        } finally {
            out.flush();
        }
    }

    private void send(LiveNotice event) {
        lastSent = event.seq();
        if (!TaskEventTypes.isTaskLevel(event.type())) {
            lastSentEndsRun = TaskEventTypes.isTerminal(event.type());
        }
        out.event(event.seq(), event.type(), event.envelope());
        if (lastSentEndsRun && pending.isEmpty() && !replaying) {
            complete();
        }
    }

    /**
     * The next seq is not here yet. While replaying, the next page is read at once. A live event ahead of the log
     * is normal (the topic is read live before the store commits), so the log is read again after a pause that
     * grows; the gap clock runs only once the log shows the hole: a later seq stored and this one not.
     */
    private void awaitMissing() {
        long missing = lastSent + 1;
        if (gapAwaited != missing) {
            // the clock of an earlier hole says nothing about this one
            cancelGapTimer();
            if (logMax > missing) {
                gapAwaited = missing;
                gapTimer = context.owner().setTimer(config.gapWait().toMillis(), id -> context.runOnContext(ignored -> skipGap()));
            }
        }
        if (reading) {
            return;
        }
        if (replaying) {
            readLog();
        } else if (holeReadTimer < 0) {
            holeReadTimer = context.owner().setTimer(holeReadMillis, id -> context.runOnContext(ignored -> {
                holeReadTimer = -1;
                readLog();
            }));
            holeReadMillis = Math.min(holeReadMillis * 2, MAX_HOLE_READ_MILLIS);
        }
    }

    /** The log still lacks the next seq after the bounded wait: say so with a typed event, then go on. */
    private void skipGap() {
        gapTimer = -1;
        gapAwaited = 0;
        if (closed || pending.isEmpty()) {
            return;
        }
        long missingFrom = lastSent + 1;
        long resumeAt = pending.firstKey();
        if (resumeAt == missingFrom || logMax <= missingFrom) {
            drain();
            return;
        }
        LOG.warnf("task %s: seq %d..%d missing from the log after %s", taskId, missingFrom, resumeAt - 1, config.gapWait());
        // the gap event carries the seq before the resume point as its id, so a reconnect does not stop at the gap again
        out.event(resumeAt - 1, "stream.gap", "{\"task_id\":\"" + taskId + "\",\"missing_from\":" + missingFrom
                + ",\"missing_to\":" + (resumeAt - 1) + "}");
        lastSent = resumeAt - 1;
        drain();
    }

    /** What is already handed over still reaches the viewer, then this final event; nothing more is held for it. */
    private void cutOff() {
        LOG.infof("task %s: a viewer fell %d events behind; cutting it off after seq %d", taskId, pending.size(), lastSent);
        out.event(lastSent, "stream.cutoff", "{\"task_id\":\"" + taskId + "\",\"resume_after\":" + lastSent
                + ",\"reason\":\"slow_consumer\"}");
        complete();
    }

    private void complete() {
        if (!closed) {
            out.end();
            close();
        }
    }

    private void fail(Throwable failure) {
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
        if (heartbeatTimer >= 0) {
            context.owner().cancelTimer(heartbeatTimer);
        }
        cancelGapTimer();
        if (holeReadTimer >= 0) {
            context.owner().cancelTimer(holeReadTimer);
        }
        pending.clear();
    }

    private void cancelGapTimer() {
        if (gapTimer >= 0) {
            context.owner().cancelTimer(gapTimer);
            gapTimer = -1;
        }
        gapAwaited = 0;
    }
}
