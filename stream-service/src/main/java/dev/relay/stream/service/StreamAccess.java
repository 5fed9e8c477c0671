package dev.relay.stream.service;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

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
     * then as {@link #awaitTask} while the task is unknown.
     */
    public Uni<LogEnd> authorize(Caller caller, String org, UUID taskId) {
        long firstLook = System.nanoTime();
        return checks.inTurn(() -> look(caller, org, taskId))
                .chain(end -> end != null ? Uni.createFrom().item(end) : awaitTask(caller, org, taskId, firstLook));
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
     * Looks again until the task is known, each look in a turn of its own and the pauses between them in none, and
     * answers 404 once {@code relay.stream.unknown-task-wait} has passed since {@code firstLook} ({@link System#nanoTime}).
     */
    public Uni<LogEnd> awaitTask(Caller caller, String org, UUID taskId, long firstLook) {
        return pause(taskId, 0, POLL.toMillis()).chain(() -> checks.inTurn(() -> look(caller, org, taskId))).chain(end -> {
            if (end != null) {
                return Uni.createFrom().item(end);
            }
            if (System.nanoTime() - firstLook > config.unknownTaskWait().toNanos()) {
                return Uni.createFrom().failure(notFound(taskId));
            }
            return awaitTask(caller, org, taskId, firstLook);
        });
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
                : awaitLog(taskId, end, needed, wanted, System.nanoTime(), FIRST_LOG_LOOK_MILLIS);
    }

    private Uni<LogEnd> awaitLog(UUID taskId, LogEnd last, long needed, BooleanSupplier wanted, long since, long pauseMillis) {
        long leftMillis = (config.gapWait().toNanos() - (System.nanoTime() - since)) / 1_000_000;
        if (!wanted.getAsBoolean() || leftMillis <= 0) {
            return Uni.createFrom().item(last);
        }
        return pause(taskId, needed, Math.min(pauseMillis, leftMillis)).chain(() -> checks.inTurn(() -> events.end(taskId))).chain(end -> end.lastSeq() >= needed
                ? Uni.createFrom().item(end)
                : awaitLog(taskId, end, needed, wanted, since, Math.min(pauseMillis * 2, MAX_LOG_LOOK_MILLIS)));
    }

    private static ApiException notFound(UUID taskId) {
        return ApiException.notFound("task " + taskId + " not found");
    }

    /**
     * A delay that resumes on the caller's Vert.x context: after {@code millis}, or as soon as this replica stores
     * seq {@code needed} of the task or a later one (0: any), whichever comes first.
     */
    private Uni<Void> pause(UUID taskId, long needed, long millis) {
        return Uni.createFrom().emitter(emitter -> {
            Context context = vertx.getOrCreateContext();
            AtomicBoolean over = new AtomicBoolean();
            long[] timer = {-1};
            Runnable stopWaiting = signals.onStored(taskId, needed, () -> context.runOnContext(ignored -> {
                if (over.compareAndSet(false, true)) {
                    vertx.cancelTimer(timer[0]);
                    emitter.complete(null);
                }
            }));
            timer[0] = vertx.setTimer(millis, id -> {
                if (over.compareAndSet(false, true)) {
                    stopWaiting.run();
                    emitter.complete(null);
                }
            });
            emitter.onTermination(() -> {
                if (over.compareAndSet(false, true)) { // cancelled
                    stopWaiting.run();
                    vertx.cancelTimer(timer[0]);
                }
            });
        });
    }
}
