package dev.relay.task.run;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

import dev.relay.common.reactive.OnOwnContext;
import dev.relay.task.agent.AgentRuntime;
import dev.relay.task.agent.ProviderFailure;
import dev.relay.task.task.RunAborted;
import dev.relay.task.task.TaskRun;
import dev.relay.task.task.TaskRunRepository;
import dev.relay.task.task.TaskMetrics;
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Executes runs: claims a requested run and works it on a Vert.x context of its own (so runs of many tasks proceed at
 * once), keeping the runs this instance works and how to stop each at once.
 */
@ApplicationScoped
class RunExecutor {

    /** The {@code run.failed} code of a run that worked past its {@code max_duration_seconds}. */
    static final String MAX_DURATION_EXCEEDED = "max_duration_exceeded";

    private static final Logger LOG = Logger.getLogger(RunExecutor.class);

    private final RunClaims claims;
    private final RunLoop loop;
    private final RunEndings endings;
    private final Vertx vertx;
    private final TaskMetrics metrics;
    /** The runs this instance works, each with the attempt it claimed and how to stop its agent at once. */
    private final Map<UUID, Work> working = new ConcurrentHashMap<>();
    /** Claims under way, counted against the room with the runs working. */
    private final AtomicInteger claiming = new AtomicInteger();
    private final WorkingLimit limit;
    private final TaskRunRepository runs;
    /** Told each time a run leaves this instance (its worker is free again). */
    private volatile Runnable onLeft = () -> { };

    RunExecutor(RunClaims claims, RunLoop loop, RunEndings endings, Vertx vertx, TaskMetrics metrics, WorkingLimit limit,
            TaskRunRepository runs) {
        this.limit = limit;
        this.runs = runs;
        this.claims = claims;
        this.loop = loop;
        this.endings = endings;
        this.vertx = vertx;
        this.metrics = metrics;
    }

    /** A run this instance works: the attempt it claimed, and how to stop its agent at once (its agent registers that). */
    private record Work(int attempt, Runnable stop) {
    }

    /** The runs this instance is working now, each with the attempt it claimed. */
    Map<UUID, Integer> working() {
        Map<UUID, Integer> attempts = new HashMap<>();
        working.forEach((streamId, work) -> attempts.put(streamId, work.attempt()));
        return attempts;
    }

    /** How many more runs this instance may take now. */
    int room() {
        return limit.current() - working.size() - claiming.get();
    }

    void onLeft(Runnable listener) {
        this.onLeft = listener;
    }

    /** Stops the agent of a run that was just cancelled at once, if this instance works it. */
    void stopHere(@Observes RunAborted aborted) {
        stop(aborted.streamId());
    }

    /** Stops the agent of a run that ended, if this instance works it (a run that ended its own way is left alone). */
    void stop(UUID streamId) {
        Work work = working.get(streamId);
        if (work != null) {
            work.stop().run();
        }
    }

    /** Stops the agent of attempt {@code attempt} of a run, if this instance works that attempt. */
    void stop(UUID streamId, int attempt) {
        Work work = working.get(streamId);
        if (work != null && work.attempt() == attempt) {
            work.stop().run();
        }
    }

    /**
     * Claims the run and starts executing it; completes once the claim is committed, before the run ends, answering
     * whether it started (a run already claimed, or one that must wait its turn, does not).
     */
    Uni<Boolean> start(UUID streamId) {
        return start(null, streamId, false);
    }

    /** As {@link #start(UUID)} for a run of task {@code taskId} (as its request named it). */
    Uni<Boolean> start(UUID taskId, UUID streamId) {
        return start(taskId, streamId, false);
    }

    /**
     * {@link #start} for the run's {@code task-runs} record: a run that never started and was held back already is
     * left to the dispatchers, whose turn it is (the record often comes after a start at once decided that).
     */
    Uni<Boolean> startRequested(UUID taskId, UUID streamId) {
        // most records come after their run started where its request committed: one look, without a transaction or
        // a place of the limit, says so (a run that is not pending now only becomes pending again with a record of its own)
        return runs.isPending(streamId).chain(pending -> pending ? start(taskId, streamId, true) : Uni.createFrom().item(false));
    }

    /** {@code taskId}: the run's task as its request named it (null: looked up). */
    private Uni<Boolean> start(UUID taskId, UUID streamId, boolean fromRecord) {
        // the place is taken when the claim is subscribed to, and given back when that subscription ends
        return Uni.createFrom().deferred(() -> claim(taskId, streamId, fromRecord, reserve()));
    }

    private Uni<Boolean> claim(UUID taskId, UUID streamId, boolean fromRecord, boolean room) {
        return claims.claim(taskId, streamId, room, fromRecord).map(claimed -> {
            if (claimed == null) {
                LOG.debugf("run %s not started here: claimed already, or waiting its turn", streamId);
                return false;
            }
            Work displaced = working.put(streamId, new Work(claimed.run().attempt, () -> { }));
            if (displaced != null && displaced.attempt() != claimed.run().attempt) {
                // an older attempt of the run still works here (this instance paused past stale-after): its writes are
                // refused already, and its model call is closed now
                displaced.stop().run();
            }
            try {
                executeDetached(claimed);
            } catch (RuntimeException e) {
                working.computeIfPresent(streamId, (id, work) -> work.attempt() == claimed.run().attempt ? null : work);
                throw e;
            }
            return true;
        }).onTermination().invoke(() -> {
            if (room) {
                claiming.decrementAndGet();
            }
        });
    }

    /**
     * Takes a place for a claim if the runs working and the claims under way leave one under the limit; a claim
     * without a place holds its run back and takes none (counted, claims that start nothing left no room to the ones
     * that would).
     */
    private boolean reserve() {
        while (true) {
            int under = claiming.get();
            if (under + working.size() >= limit.current()) {
                return false;
            }
            if (claiming.compareAndSet(under, under + 1)) {
                return true;
            }
        }
    }

    private void executeDetached(ClaimedRun claimed) {
        Context context = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
        VertxContextSafetyToggle.setContextSafe(context, true);
        UUID streamId = claimed.run().id;
        int attempt = claimed.run().attempt;
        io.opentelemetry.context.Context trace = io.opentelemetry.context.Context.current();
        context.runOnContext(ignored -> {
            // every line the run logs names its task, its run and the trace of the request that started it: the MDC and
            // the trace live in this context, which serves this run only (so the trace's scope is never closed)
            trace.makeCurrent();
            MDC.put("taskId", claimed.run().taskId.toString());
            MDC.put("runId", streamId.toString());
            metrics.runStarted();
            long overtime = watchDuration(claimed, context);
            loop.work(claimed, context, stop -> working.computeIfPresent(streamId, (id, work) -> work.attempt() == attempt ? new Work(attempt, stop) : work))
                    .onTermination().invoke(() -> {
                if (overtime >= 0) {
                    vertx.cancelTimer(overtime);
                }
                working.computeIfPresent(streamId, (id, work) -> work.attempt() == attempt ? null : work);
                metrics.runLeft();
                onLeft.run();
            }).subscribe().with(
                    done -> LOG.infof("run %s of task %s ended", streamId, claimed.run().taskId),
                    failure -> failed(claimed, context, failure));
        });
    }

    /**
     * Ends the run as failed once its {@code max_duration_seconds} have passed since it was requested (its agent is
     * stopped at once); answers the timer, or -1 when the run has no such limit.
     */
    private long watchDuration(ClaimedRun claimed, Context context) {
        TaskRun run = claimed.run();
        Instant endBy = run.runConfig.endBy(run.createdAt);
        if (endBy == null) {
            return -1;
        }
        long delay = Math.max(1, Duration.between(Instant.now(), endBy).toMillis());
        // ended on a context of its own: the run's context may be in the middle of a step's transaction
        return vertx.setTimer(delay, timer -> OnOwnContext.run(vertx, () -> endings.fail(run, "the run reached its max_duration ("
                + run.runConfig.maxDurationSeconds() + " s since it was requested)", MAX_DURATION_EXCEEDED)).subscribe().with(ended -> {
                    if (ended) {
                        context.runOnContext(ignored -> stop(run.id, run.attempt));
                    }
                }, failure -> LOG.errorf(failure, "could not end run %s at its max_duration", run.id)));
    }

    private void failed(ClaimedRun claimed, Context context, Throwable failure) {
        UUID streamId = claimed.run().id;
        if (failure instanceof AgentRuntime.RunStopped) {
            LOG.infof("run %s of task %s stopped while its agent worked", streamId, claimed.run().taskId);
            return;
        }
        String reason = failure instanceof ProviderFailure ? failure.getMessage() : "the agent runtime failed";
        if (failure instanceof ProviderFailure) {
            LOG.warnf("run %s failed: %s", streamId, reason);
        } else {
            LOG.errorf(failure, "run %s failed", streamId);
        }
        // the failure may come on a provider's thread: the run's steps use its own context
        context.runOnContext(again -> endings.fail(claimed.run(), reason, null)
                .subscribe().with(ok -> { }, e -> LOG.errorf(e, "could not record the failure of run %s", streamId)));
    }
}
