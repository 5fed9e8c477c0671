package dev.relay.common.messaging;

import java.time.Clock;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.relay.common.lifecycle.StartingOrStopping;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;

/**
 * Keeps {@code consumed_event} from growing for ever: events processed longer ago than
 * {@code relay.consumer.remember-for} are forgotten, a batch per statement, by every replica (the statements do not
 * conflict: each deletes what it finds).
 */
@ApplicationScoped
public class ConsumedEventSweeper {

    private static final Logger LOG = Logger.getLogger(ConsumedEventSweeper.class);

    private final ConsumedEventRepository consumed;
    private final ConsumerConfig config;
    private final Clock clock;

    public ConsumedEventSweeper(ConsumedEventRepository consumed, ConsumerConfig config, Clock clock) {
        this.consumed = consumed;
        this.config = config;
        this.clock = clock;
    }

    @Scheduled(every = "{relay.consumer.forget-interval}", delayed = "{relay.consumer.forget-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = StartingOrStopping.class)
    Uni<Void> sweep() {
        return forgetBefore(clock.instant().minus(config.rememberFor()), 0).replaceWithVoid();
    }

    /** Forgets every event processed before {@code cutoff}, batch after batch; answers how many. */
    public Uni<Integer> forgetBefore(Instant cutoff, int sofar) {
        return consumed.forgetBefore(cutoff, config.forgetBatch()).chain(deleted -> {
            if (deleted < config.forgetBatch()) {
                if (sofar + deleted > 0) {
                    LOG.infof("forgot %d consumed events older than %s", sofar + deleted, cutoff);
                }
                return Uni.createFrom().item(sofar + deleted);
            }
            return forgetBefore(cutoff, sofar + deleted);
        });
    }
}
