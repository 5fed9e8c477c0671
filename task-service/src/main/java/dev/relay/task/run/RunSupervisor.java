package dev.relay.task.run;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.relay.common.lifecycle.StartingOrStopping;
import dev.relay.common.reactive.InTurn;
import dev.relay.task.agent.RuntimeConfig;
import dev.relay.task.task.TaskRunRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;

/**
 * Keeps runs alive across the death of the instance working them: this instance says the runs it works are alive
 * every {@code relay.runtime.heartbeat-interval}; a run nobody spoke for within {@code relay.runtime.stale-after} lost
 * its worker (kill -9, a lost node) and is handed to a worker again, which resumes it from its recorded steps,
 * up to {@code relay.runtime.max-recoveries} times; then it is ended as failed, so it never stays busy forever.
 */
@ApplicationScoped
class RunSupervisor {

    private static final Logger LOG = Logger.getLogger(RunSupervisor.class);

    private final TaskRunRepository runs;
    private final RunRecovery recovery;
    private final RunEndings endings;
    private final RunExecutor executor;
    private final RuntimeConfig config;

    RunSupervisor(TaskRunRepository runs, RunRecovery recovery, RunEndings endings, RunExecutor executor, RuntimeConfig config) {
        this.runs = runs;
        this.recovery = recovery;
        this.endings = endings;
        this.executor = executor;
        this.config = config;
    }

    /**
     * Says this instance's runs are alive, each under the attempt it claimed, and stops the agents of those that ended
     * meanwhile by a request another instance served (a cancel, an interrupt, a max_duration) or that another instance
     * took over (this one was silent past {@code stale-after}, a long pause): their writes are refused already; this
     * closes their model call in flight too (a tool call in flight runs to its own timeout, its result refused). A
     * run taken over is not kept alive from here: only its new worker speaks for it.
     */
    @Scheduled(every = "{relay.runtime.heartbeat-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = StartingOrStopping.class)
    Uni<Void> heartbeat() {
        Map<UUID, Integer> working = executor.working();
        return working.isEmpty() ? Uni.createFrom().voidItem()
                : Panache.withTransaction(() -> runs.heartbeat(working, Instant.now())).invoke(alive -> {
                    Set<UUID> gone = new HashSet<>(working.keySet());
                    alive.forEach(gone::remove);
                    gone.forEach(streamId -> executor.stop(streamId, working.get(streamId)));
                }).replaceWithVoid();
    }

    @Scheduled(every = "{relay.runtime.reap-interval}", delayed = "{relay.runtime.reap-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = StartingOrStopping.class)
    Uni<Void> recover() {
        Instant staleBefore = Instant.now().minus(config.staleAfter());
        return Panache.withSession(() -> runs.activeSilentSince(staleBefore)).chain(silent -> recover(silent, staleBefore));
    }

    private Uni<Void> recover(List<UUID> silent, Instant staleBefore) {
        if (silent.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        LOG.warnf("%d runs lost their worker, handing them to a worker again: %s", silent.size(), silent);
        return InTurn.each(silent, streamId -> recovery.recover(streamId, staleBefore, config.maxRecoveries())
                .chain(handedOver -> handedOver ? Uni.createFrom().item(true)
                        : endings.failIfSilent(streamId, staleBefore, "the agent runtime stopped responding "
                                + "(its run was resumed " + config.maxRecoveries() + " times)")));
    }
}
