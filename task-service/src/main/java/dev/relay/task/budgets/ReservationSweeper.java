package dev.relay.task.budgets;

import java.time.Clock;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.relay.common.lifecycle.StartingOrStopping;
import dev.relay.common.reactive.InTurn;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;

/**
 * Releases reservations that outlived {@code relay.budget.reservation-ttl} (a run waiting long for an answer), so
 * they do not hold a budget's headroom forever; the run goes on, and its usage still counts when it comes.
 */
@ApplicationScoped
public class ReservationSweeper {

    private static final Logger LOG = Logger.getLogger(ReservationSweeper.class);
    private static final int BATCH = 100;

    private final BudgetAccountRepository accounts;
    private final BudgetAdmission budget;
    private final Clock clock;

    public ReservationSweeper(BudgetAccountRepository accounts, BudgetAdmission budget, Clock clock) {
        this.accounts = accounts;
        this.budget = budget;
        this.clock = clock;
    }

    @Scheduled(every = "{relay.budget.sweep-interval}", delayed = "{relay.budget.sweep-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = StartingOrStopping.class)
    Uni<Void> sweep() {
        return Panache.withSession(() -> accounts.expired(clock.instant(), BATCH)).chain(this::release);
    }

    private Uni<Void> release(List<UUID> expired) {
        if (expired.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        LOG.infof("releasing %d expired budget reservations", expired.size());
        return InTurn.each(expired, runId -> Panache.withTransaction(() -> budget.release(runId)));
    }
}
