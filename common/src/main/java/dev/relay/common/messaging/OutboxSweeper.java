package dev.relay.common.messaging;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.relay.common.lifecycle.StartingOrStopping;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;

/**
 * Deletes the records the broker acknowledged and resends those a crash or an outage left unsent (another
 * replica's too: consumers deduplicate).
 */
@ApplicationScoped
public class OutboxSweeper {

    private static final Logger LOG = Logger.getLogger(OutboxSweeper.class);

    private final OutboxRepository rows;
    private final OutboxSender sender;
    private final OutboxConfig config;

    public OutboxSweeper(OutboxRepository rows, OutboxSender sender, OutboxConfig config) {
        this.rows = rows;
        this.sender = sender;
        this.config = config;
    }

    @Scheduled(every = "{relay.outbox.sweep-interval}", delayed = "{relay.outbox.sweep-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = StartingOrStopping.class)
    Uni<Void> sweep() {
        return markAcknowledged()
                .chain(() -> Panache.withSession(() -> rows.unsent(Instant.now().minus(config.resendAfter()), config.sweepBatch())))
                .invoke(this::resend)
                .replaceWithVoid();
    }

    /** Deletes what the broker acknowledged so far. */
    Uni<Void> markAcknowledged() {
        List<UUID> ids = sender.takeAcknowledged();
        return ids.isEmpty() ? Uni.createFrom().voidItem() : rows.deleteSent(ids).replaceWithVoid();
    }

    private void resend(List<OutboxRecord> stale) {
        List<OutboxRecord> lost = stale.stream().filter(record -> !sender.isInFlight(record.id)).toList();
        if (!lost.isEmpty()) {
            LOG.infof("resending %d outbox records", lost.size());
            sender.send(lost);
        }
    }
}
