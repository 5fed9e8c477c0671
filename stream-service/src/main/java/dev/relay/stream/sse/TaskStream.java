package dev.relay.stream.sse;

import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import org.jboss.logging.Logger;

import dev.relay.common.event.TaskEventTypes;
import dev.relay.stream.config.StreamConfig;
import io.smallrye.mutiny.subscription.MultiEmitter;
import io.vertx.core.Context;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * One viewer's stream of one task: every event after {@code after}, in seq order, each exactly once, then live
 * events until the task's run ends. It listens before it reads the log, holds live events back while it replays,
 * and fills any hole from the log, so the hand-over from history to live neither loses nor repeats an event.
 * All its work runs on one Vert.x context, so its state needs no locks.
 */
final class TaskStream {

    private static final Logger LOG = Logger.getLogger(TaskStream.class);
    private static final String PAGE = "SELECT seq, type, envelope FROM stream.task_event WHERE task_id = $1 AND seq > $2 ORDER BY seq LIMIT $3";

    private final UUID taskId;
    private final MultiEmitter<? super Frame> emitter;
    private final Context context;
    private final Pool pool;
    private final StreamConfig config;
    /** Live events not yet sent, by seq; a null value means the event must be read from the log. */
    private final TreeMap<Long, LiveNotice> pending = new TreeMap<>();

    private long lastSent;
    private boolean lastSentEndsRun;
    private boolean replaying = true;
    private boolean reading;
    private boolean readAgain;
    private boolean closed;
    private long heartbeatTimer = -1;
    private long gapTimer = -1;
    private Runnable stopListening = () -> { };

    TaskStream(UUID taskId, long after, MultiEmitter<? super Frame> emitter, Context context, Pool pool, StreamConfig config) {
        this.taskId = taskId;
        this.lastSent = after;
        this.emitter = emitter;
        this.context = context;
        this.pool = pool;
        this.config = config;
    }

    void start(LiveEvents live) {
        emitter.onTermination(() -> context.runOnContext(ignored -> close()));
        stopListening = live.listen(taskId, notice -> context.runOnContext(ignored -> onLive(notice)));
        heartbeatTimer = context.owner().setPeriodic(config.heartbeat().toMillis(), id -> context.runOnContext(ignored -> {
            emit(Frame.comment("keep-alive"));
            readLog();
        }));
        readLog();
    }

    private void onLive(LiveNotice notice) {
        if (closed || notice.seq() <= lastSent) {
            return;
        }
        pending.put(notice.seq(), notice);
        if (!replaying) {
            drain();
        }
    }

    /** Reads the log after {@code lastSent}, page by page, sending each event that is next in sequence. */
    private void readLog() {
        if (closed) {
            return;
        }
        if (reading) {
            readAgain = true;
            return;
        }
        reading = true;
        pool.preparedQuery(PAGE).execute(Tuple.of(taskId, lastSent, config.replayPage())).subscribe().with(
                rows -> context.runOnContext(ignored -> {
                    reading = false;
                    int count = 0;
                    for (Row row : rows) {
                        count++;
                        long seq = row.getLong("seq");
                        if (seq > lastSent) {
                            pending.put(seq, new LiveNotice(taskId, seq, row.getString("type"), row.getString("envelope")));
                        }
                    }
                    boolean more = count == config.replayPage();
                    drain();
                    if (more || readAgain) {
                        readAgain = false;
                        readLog();
                    } else {
                        replaying = false;
                        drain();
                        if (lastSentEndsRun && pending.isEmpty()) {
                            complete();
                        }
                    }
                }),
                failure -> context.runOnContext(ignored -> {
                    reading = false;
                    LOG.warnf(failure, "reading the log of task %s failed", taskId);
                    fail(failure);
                }));
    }

    /** Sends every pending event that is next in sequence; on a hole, reads the log or, after a while, reports a gap. */
    private void drain() {
        while (!closed && !pending.isEmpty()) {
            Map.Entry<Long, LiveNotice> first = pending.firstEntry();
            if (first.getKey() <= lastSent) {
                pending.pollFirstEntry();
                continue;
            }
            LiveNotice next = first.getValue();
            if (first.getKey() != lastSent + 1 || next.envelope() == null) {
                awaitMissing();
                return;
            }
            pending.pollFirstEntry();
            send(next);
        }
        cancelGapTimer();
    }

    private void send(LiveNotice event) {
        lastSent = event.seq();
        lastSentEndsRun = TaskEventTypes.isTerminal(event.type());
        emit(Frame.event(event.seq(), event.type(), event.envelope()));
        if (lastSentEndsRun && pending.isEmpty() && !replaying) {
            complete();
        }
    }

    private void awaitMissing() {
        if (!replaying && !reading) {
            readLog();
        }
        if (gapTimer < 0) {
            gapTimer = context.owner().setTimer(config.gapWait().toMillis(), id -> context.runOnContext(ignored -> skipGap()));
        }
    }

    /** The log still lacks the next seq after the bounded wait: say so with a typed event, then go on. */
    private void skipGap() {
        gapTimer = -1;
        if (closed || pending.isEmpty()) {
            return;
        }
        long missingFrom = lastSent + 1;
        long resumeAt = pending.firstKey();
        if (resumeAt == missingFrom) {
            drain();
            return;
        }
        LOG.warnf("task %s: seq %d..%d missing from the log after %s", taskId, missingFrom, resumeAt - 1, config.gapWait());
        // the gap event carries the seq before the resume point as its id, so a reconnect does not stop at the gap again
        emit(Frame.event(resumeAt - 1, "stream.gap", "{\"task_id\":\"" + taskId + "\",\"missing_from\":" + missingFrom
                + ",\"missing_to\":" + (resumeAt - 1) + "}"));
        lastSent = resumeAt - 1;
        drain();
    }

    private void emit(Frame frame) {
        if (!closed) {
            emitter.emit(frame);
        }
    }

    private void complete() {
        if (!closed) {
            emitter.complete();
            close();
        }
    }

    private void fail(Throwable failure) {
        if (!closed) {
            emitter.fail(failure);
            close();
        }
    }

    private void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopListening.run();
        if (heartbeatTimer >= 0) {
            context.owner().cancelTimer(heartbeatTimer);
        }
        cancelGapTimer();
        pending.clear();
    }

    private void cancelGapTimer() {
        if (gapTimer >= 0) {
            context.owner().cancelTimer(gapTimer);
            gapTimer = -1;
        }
    }
}
