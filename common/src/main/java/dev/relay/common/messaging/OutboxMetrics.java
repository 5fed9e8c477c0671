package dev.relay.common.messaging;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

import dev.relay.common.lifecycle.StartingOrStopping;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;

/** {@code relay_outbox_backlog} and {@code relay_outbox_oldest_age_seconds}: what the outbox holds unsent, read every few seconds. */
@ApplicationScoped
public class OutboxMetrics {

    private final OutboxRepository rows;
    private final AtomicLong backlog = new AtomicLong();
    private final AtomicLong oldestAgeMillis = new AtomicLong();

    public OutboxMetrics(OutboxRepository rows, MeterRegistry registry) {
        this.rows = rows;
        Gauge.builder("relay.outbox.backlog", backlog, AtomicLong::get)
                .description("Records written to the outbox and not yet acknowledged by the broker").register(registry);
        Gauge.builder("relay.outbox.oldest.age", oldestAgeMillis, age -> age.get() / 1000.0).baseUnit("seconds")
                .description("Age of the oldest record the outbox holds").register(registry);
    }

    @Scheduled(every = "{relay.outbox.metrics-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = StartingOrStopping.class)
    Uni<Void> read() {
        return rows.backlog().invoke(found -> {
            backlog.set(found.count());
            oldestAgeMillis.set(found.oldest() == null ? 0 : Math.max(0, Duration.between(found.oldest(), Instant.now()).toMillis()));
        }).onFailure().recoverWithNull().replaceWithVoid();
    }
}
