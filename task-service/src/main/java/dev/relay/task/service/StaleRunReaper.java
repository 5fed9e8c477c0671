package dev.relay.task.service;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.relay.common.reactive.InTurn;
import dev.relay.task.config.RuntimeConfig;
import dev.relay.task.repository.TaskRunRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;

/**
 * Ends runs whose runtime stopped (the process died mid-run): an active run whose task has not changed for
 * {@code relay.runtime.stale-after} gets a {@code run.failed} event, so its viewers' streams end and the task can
 * be continued instead of staying busy forever.
 */
@ApplicationScoped
public class StaleRunReaper {

    private static final Logger LOG = Logger.getLogger(StaleRunReaper.class);

    private final TaskRunRepository runs;
    private final RunSteps steps;
    private final RuntimeConfig config;

    public StaleRunReaper(TaskRunRepository runs, RunSteps steps, RuntimeConfig config) {
        this.runs = runs;
        this.steps = steps;
        this.config = config;
    }

    @Scheduled(every = "{relay.runtime.reap-interval}", delayed = "{relay.runtime.reap-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> reap() {
        return Panache.withSession(() -> runs.activeIdleSince(Instant.now().minus(config.staleAfter())))
                .chain(this::fail);
    }

    private Uni<Void> fail(List<UUID> stale) {
        if (stale.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        LOG.warnf("ending %d runs whose runtime stopped: %s", stale.size(), stale);
        return InTurn.each(stale, streamId -> steps.fail(streamId, "the agent runtime stopped responding"));
    }
}
