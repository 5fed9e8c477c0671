package dev.relay.task.run;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.relay.common.lifecycle.StartingOrStopping;
import dev.relay.common.reactive.InTurn;
import dev.relay.common.reactive.OnOwnContext;
import dev.relay.task.task.TaskRunRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

/**
 * Starts the runs of queued messages whose turn came ({@link QueuedRuns}), then the runs that wait their turn, in {@link FairShare} order, whenever this instance has room: at once when one
 * of its runs ends, and every {@code relay.runs.dispatch-interval} for room freed elsewhere (a run ended on another
 * instance, a slot an organization got back). A run that could start at once never waits for this: its request
 * claims it directly; only runs left waiting are taken here, and the claim decides again (another instance may
 * take the same run, which then starts once).
 */
@ApplicationScoped
class RunDispatcher {

    private static final Logger LOG = Logger.getLogger(RunDispatcher.class);

    private final RunExecutor executor;
    private final TaskRunRepository runs;
    private final OrgRunLimits limits;
    private final QueuedRuns queued;
    private final Vertx vertx;
    private final AtomicBoolean passing = new AtomicBoolean();
    /** What a wake asks for: queued messages whose turn came, runs waiting their turn, whether any message is queued. */
    private static final int QUEUED = 1;
    private static final int WAITING = 2;
    private static final int RECHECK = 4;

    /** What the wakes during a pass asked for after it. */
    private final AtomicInteger again = new AtomicInteger();
    private final WaitingRuns waiting;
    private final RunQueueConfig config;
    private final StartingOrStopping lifecycle;

    RunDispatcher(RunExecutor executor, TaskRunRepository runs, OrgRunLimits limits, QueuedRuns queued, Vertx vertx, WaitingRuns waiting,
            RunQueueConfig config, StartingOrStopping lifecycle) {
        this.lifecycle = lifecycle;
        this.waiting = waiting;
        this.config = config;
        this.queued = queued;
        this.executor = executor;
        this.runs = runs;
        this.limits = limits;
        this.vertx = vertx;
    }

    @PostConstruct
    void listen() {
        // a run's end looks for what this instance last saw may wait: often nothing, and then it asks nothing
        executor.onLeft(() -> wake((waiting.queuedMayExist() ? QUEUED : 0) | (waiting.mayBeWaiting() ? WAITING : 0)));
    }

    @Scheduled(every = "{relay.runs.dispatch-interval}", delayed = "{relay.runs.dispatch-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = StartingOrStopping.class)
    void scheduled() {
        wake(QUEUED | WAITING | RECHECK);
    }

    /**
     * Looks now for queued messages whose turn came ({@link #QUEUED}), for runs waiting their turn ({@link #WAITING}),
     * and whether any message is queued at all ({@link #RECHECK}); a wake during a pass makes one more pass after it,
     * for all that the wakes in between asked (one that comes just as a pass ends is taken by the next wake, at the
     * latest the next periodic one). Nothing while the service starts or stops.
     */
    void wake(int what) {
        if (what == 0 || !lifecycle.isRunning()) {
            // a run that ends while the service stops claims nothing more (its pool is closing); one that ends
            // before the start has finished leaves it to the first pass
            return;
        }
        if (!passing.compareAndSet(false, true)) {
            again.accumulateAndGet(what, (asked, more) -> asked | more);
            return;
        }
        // what wakes asked while the last pass ended (after it took its own) joins this one instead of being lost
        int asked = what | again.getAndSet(0);
        // messages queued behind a task's run that ended become runs of their own first: they wait their turn with the rest
        OnOwnContext.run(vertx, () -> ((asked & QUEUED) != 0 ? queued.startThoseWhoseTurnCame().onFailure().recoverWithItem(failure -> {
                    LOG.warnf(failure, "could not look for queued messages whose turn came (tried again within the dispatch interval)");
                    return 0;
                }) : Uni.createFrom().item(0))
                .chain(() -> (asked & RECHECK) != 0 ? queued.anyQueued().invoke(waiting::queued).replaceWithVoid() : Uni.createFrom().voidItem())
                .chain(() -> (asked & WAITING) != 0 ? pass() : Uni.createFrom().item(0)))
                .subscribe().with(started -> passed(), failure -> {
                    LOG.warnf(failure, "could not start waiting runs (tried again within the dispatch interval)");
                    passing.set(false);
                });
    }

    private void passed() {
        passing.set(false);
        wake(again.getAndSet(0));
    }

    /** Starts up to this instance's room of waiting runs, fairly; answers how many started. */
    Uni<Integer> pass() {
        int room = executor.room();
        if (room <= 0) {
            return Uni.createFrom().item(0);
        }
        // a run just requested is its request's to start (with the request's trace); one held back, or whose request
        // was not taken up for a while, is the dispatcher's
        Instant before = Instant.now().minus(config.unclaimedAfter());
        long mark = waiting.mark();
        return Panache.withSession(() -> runs.waitingLines(before).chain(rows -> {
            if (rows.isEmpty()) {
                waiting.noneFound(mark);
                return Uni.createFrom().item(List.<UUID>of());
            }
            List<FairShare.Line> lines = rows.stream()
                    .map(row -> new FairShare.Line((String) row[0], (String) row[1], (Long) row[2])).toList();
            List<String> orgs = lines.stream().map(FairShare.Line::org).distinct().toList();
            return limits.of(orgs).chain(free -> runs.activePerOrg(orgs).chain(active -> {
                active.forEach(row -> free.merge((String) row[0], -((Long) row[1]).intValue(), Integer::sum));
                return next(FairShare.plan(lines, free, room), before);
            }));
        })).chain(next -> {
            if (next.isEmpty()) {
                return Uni.createFrom().item(0);
            }
            List<Boolean> started = new ArrayList<>();
            return InTurn.each(next, streamId -> executor.start(streamId).invoke(started::add).onFailure().recoverWithUni(failure -> {
                        LOG.warnf(failure, "could not start waiting run %s (tried again later)", streamId);
                        return Uni.createFrom().item(false);
                    }))
                    .map(done -> (int) started.stream().filter(Boolean::booleanValue).count())
                    .invoke(count -> LOG.debugf("started %s of %s waiting runs", (Object) count, (Object) next.size()));
        });
    }

    /** The runs the turns name, in the turns' order. */
    private Uni<List<UUID>> next(List<FairShare.Turn> turns, Instant before) {
        Map<FairShare.Turn, Integer> perLine = new LinkedHashMap<>();
        turns.forEach(turn -> perLine.merge(turn, 1, Integer::sum));
        Map<FairShare.Turn, Deque<UUID>> heads = new HashMap<>();
        Uni<Void> read = Uni.createFrom().voidItem();
        for (var line : perLine.entrySet()) {
            FairShare.Turn turn = line.getKey();
            read = read.chain(() -> runs.nextWaiting(turn.org(), turn.user(), line.getValue(), before)
                    .invoke(ids -> heads.put(turn, new ArrayDeque<>(ids))).replaceWithVoid());
        }
        return read.map(done -> {
            List<UUID> ordered = new ArrayList<>();
            for (FairShare.Turn turn : turns) {
                UUID id = heads.get(turn).poll();
                if (id != null) {
                    ordered.add(id);
                }
            }
            return ordered;
        });
    }
}
