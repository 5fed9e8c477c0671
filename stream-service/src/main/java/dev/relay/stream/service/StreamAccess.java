package dev.relay.stream.service;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import dev.relay.common.auth.Caller;
import dev.relay.common.error.ApiException;
import dev.relay.stream.config.StreamConfig;
import dev.relay.stream.domain.LogEnd;
import dev.relay.stream.repository.StoredEventRepository;
import dev.relay.stream.repository.TaskAccessRepository;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Decides whether a caller may stream a task, with the task service's visibility rules, and where its log ends. A task
 * created a moment ago may not have reached this service yet, so an unknown task is awaited for a bounded time before
 * it is a 404; a seq the client saw live may not be stored yet, so the log is awaited too before it decides the open.
 */
@ApplicationScoped
public class StreamAccess {

    private static final Duration POLL = Duration.ofMillis(50);
    /** The first and the longest pause before the log's end is looked at again (it lags the live events by ms). */
    private static final long FIRST_LOG_LOOK_MILLIS = 5;
    private static final long MAX_LOG_LOOK_MILLIS = 1000;

    private final TaskAccessRepository access;
    private final StoredEventRepository events;
    private final StreamConfig config;
    private final Vertx vertx;
    private final OpenChecks checks;
    private final StoredSignals signals;

    public StreamAccess(TaskAccessRepository access, StoredEventRepository events, StreamConfig config, Vertx vertx, OpenChecks checks,
            StoredSignals signals) {
        this.signals = signals;
        this.checks = checks;
        this.access = access;
        this.events = events;
        this.config = config;
        this.vertx = vertx;
    }

    /**
     * Where the task's log ends now, once the caller is known to be allowed to read it: a look in a turn of its own,
     * then as {@link #known} while the task is unknown.
     */
    public Uni<LogEnd> authorize(Caller caller, String org, UUID taskId) {
        long firstLook = System.nanoTime();
        return checks.inTurn(() -> look(caller, org, taskId)).chain(end -> known(end, caller, org, taskId, firstLook));
    }

    /**
     * One look, whose statements run in the caller's turn ({@link OpenChecks}): where the task's log ends if the
     * caller may read it, null while this service has not heard of the task (its first event may still be on its
     * way), a 404 when the task is not the caller's to read.
     */
    public Uni<LogEnd> look(Caller caller, String org, UUID taskId) {
        caller.requireOrg(org);
        return access.find(taskId).chain(found -> {
            if (found == null) {
                return Uni.createFrom().nullItem();
            }
            if (!found.org.equals(org) || !found.isReadableBy(caller.org(), caller.email())) {
                return Uni.createFrom().failure(notFound(taskId));
            }
            return events.end(taskId);
        });
    }

    /**
     * Where the log ends once the task is known: {@code end} (what the first look found), or else looks again until the
     * task is known, each look in a turn of its own (with the interest in the task's first store taken before it) and
     * the pauses between them in none, and answers 404 once {@code relay.stream.unknown-task-wait} has passed since
     * {@code firstLook} ({@link System#nanoTime}).
     */
    public Uni<LogEnd> known(LogEnd end, Caller caller, String org, UUID taskId, long firstLook) {
        return end != null ? Uni.createFrom().item(end) : awaitTask(caller, org, taskId, firstLook, signals.watch(taskId, 0));
    }

    private Uni<LogEnd> awaitTask(Caller caller, String org, UUID taskId, long firstLook, StoredSignals.Watch watch) {
        return pause(watch, POLL.toMillis()).chain(() -> checks.inTurn(() -> watching(taskId, 0, () -> look(caller, org, taskId))))
                .chain(looked -> {
                    if (looked.end() != null) {
                        looked.watch().stop();
                        return Uni.createFrom().item(looked.end());
                    }
                    if (System.nanoTime() - firstLook > config.unknownTaskWait().toNanos()) {
                        looked.watch().stop();
                        return Uni.createFrom().failure(notFound(taskId));
                    }
                    return awaitTask(caller, org, taskId, firstLook, looked.watch());
                });
    }

    /**
     * {@code run} when the task's log shows it as one of the task's runs, else null (a made-up or foreign run would
     * hold the stream open for ever); a look in a turn of its own.
     */
    public Uni<UUID> runOfTask(UUID taskId, UUID run) {
        return run == null ? Uni.createFrom().nullItem()
                : checks.inTurn(() -> events.isRunOf(run, taskId)).map(isRun -> isRun ? run : null);
    }

    /**
     * {@code end}, or, when the log does not hold seq {@code needed} yet (a seq the client saw live, or one the task
     * service wrote for it, is stored a moment later), where the log ends once it does: looked at again after pauses
     * that grow (about ten looks in 5 s), each look in a turn of its own, while {@code wanted} (the client is still
     * there) and for at most {@code relay.stream.gap-wait}; after that, as it is then. Deciding from a log that is
     * only behind would answer 204 to a resume on a run the log has not shown yet, or keep open a stream whose run's
     * last event the client has seen.
     */
    public Uni<LogEnd> awaitLog(UUID taskId, LogEnd end, long needed, BooleanSupplier wanted) {
        return end.lastSeq() >= needed ? Uni.createFrom().item(end)
                : awaitLog(taskId, end, needed, wanted, System.nanoTime(), FIRST_LOG_LOOK_MILLIS, signals.watch(taskId, needed));
    }

    private Uni<LogEnd> awaitLog(UUID taskId, LogEnd last, long needed, BooleanSupplier wanted, long since, long pauseMillis,
            StoredSignals.Watch watch) {
        long leftMillis = (config.gapWait().toNanos() - (System.nanoTime() - since)) / 1_000_000;
        if (!wanted.getAsBoolean() || leftMillis <= 0) {
            watch.stop();
            return Uni.createFrom().item(last);
        }
        return pause(watch, Math.min(pauseMillis, leftMillis)).chain(() -> checks.inTurn(() -> watching(taskId, needed, () -> events.end(taskId))))
                .chain(looked -> {
                    if (looked.end().lastSeq() >= needed) {
                        looked.watch().stop();
                        return Uni.createFrom().item(looked.end());
                    }
                    return awaitLog(taskId, looked.end(), needed, wanted, since, Math.min(pauseMillis * 2, MAX_LOG_LOOK_MILLIS), looked.watch());
                });
    }

    /** What a look found (null: the task is unknown yet), with the interest in the task's next store taken before it. */
    private record Looked(LogEnd end, StoredSignals.Watch watch) {
    }

    /**
     * {@code look}, with the interest in the task's next store (of seq {@code needed} or later) taken before it, so a
     * store that lands between the look and the pause after it ends that pause at once. Only the looks of a wait take
     * it: an open's first look, which mostly finds what it needs, registers nothing.
     */
    private Uni<Looked> watching(UUID taskId, long needed, Supplier<Uni<LogEnd>> look) {
        StoredSignals.Watch watch = signals.watch(taskId, needed);
        return Uni.createFrom().<LogEnd>deferred(look::get).map(end -> new Looked(end, watch))
                .onTermination().invoke((looked, failure, cancelled) -> {
                    if (failure != null || cancelled) {
                        watch.stop();
                    }
                });
    }

    private static ApiException notFound(UUID taskId) {
        return ApiException.notFound("task " + taskId + " not found");
    }

    /**
     * A delay that resumes on the caller's Vert.x context: after {@code millis}, or as soon as {@code watch} sees its
     * seq stored (at once when that happened since the watch began), whichever comes first; the watch ends with it.
     */
    private Uni<Void> pause(StoredSignals.Watch watch, long millis) {
        return Uni.createFrom().emitter(emitter -> {
            Context context = vertx.getOrCreateContext();
            AtomicBoolean over = new AtomicBoolean();
            long[] timer = {-1};
            timer[0] = vertx.setTimer(millis, id -> {
                if (over.compareAndSet(false, true)) {
                    watch.stop();
                    emitter.complete(null);
                }
            });
            watch.then(() -> context.runOnContext(ignored -> {
                if (over.compareAndSet(false, true)) {
                    vertx.cancelTimer(timer[0]);
                    emitter.complete(null);
                }
            }));
            emitter.onTermination(() -> {
                if (over.compareAndSet(false, true)) { // cancelled (after the timer or the wake, nothing is left to do)
                    watch.stop();
                    vertx.cancelTimer(timer[0]);
                }
            });
        });
    }
}
