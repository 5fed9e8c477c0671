package dev.relay.task.run;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.relay.common.lifecycle.StartingOrStopping;
import dev.relay.common.reactive.InTurn;
import dev.relay.task.task.TaskRunRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;

/**
 * A run that waits its turn (its organization at its limit, no instance with room) fails when its
 * {@code start_deadline_seconds} pass, not only once its turn comes: every {@code relay.runs.dispatch-interval}, any
 * instance ends the waiting runs past their deadline (the claim's own check would end them only when taken).
 */
@ApplicationScoped
class StartDeadlines {

    private static final Logger LOG = Logger.getLogger(StartDeadlines.class);
    /** Runs ended in one pass at most; the rest in the next. */
    private static final int BATCH = 100;

    private final TaskRunRepository runs;
    private final RunClaims claims;

    StartDeadlines(TaskRunRepository runs, RunClaims claims) {
        this.runs = runs;
        this.claims = claims;
    }

    @Scheduled(every = "{relay.runs.dispatch-interval}", delayed = "{relay.runs.dispatch-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = StartingOrStopping.class)
    Uni<Void> endThosePastTheirDeadline() {
        return Panache.withSession(() -> runs.pastStartDeadline(Instant.now(), BATCH))
                .chain(late -> InTurn.each(late, streamId -> claims.endIfPastStartDeadline(streamId).onFailure().recoverWithItem(failure -> {
                    LOG.warnf(failure, "could not end run %s past its start deadline (tried again within the dispatch interval)", streamId);
                    return false;
                })))
                .replaceWithVoid();
    }
}
