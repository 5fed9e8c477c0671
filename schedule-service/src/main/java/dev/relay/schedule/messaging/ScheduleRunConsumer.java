package dev.relay.schedule.messaging;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import dev.relay.common.event.ScheduledRunReported;
import dev.relay.common.event.Topics;
import dev.relay.common.messaging.IdempotentConsumer;
import dev.relay.schedule.service.ExecutionReports;
import io.smallrye.mutiny.Uni;

/** Follows executions' runs from the task service's reports, once per report however often it is delivered. */
@ApplicationScoped
public class ScheduleRunConsumer {

    private static final String CONSUMER = "schedule-service-runs";

    private final ExecutionReports reports;
    private final IdempotentConsumer consumer;

    public ScheduleRunConsumer(ExecutionReports reports, IdempotentConsumer consumer) {
        this.reports = reports;
        this.consumer = consumer;
    }

    @Incoming(Topics.SCHEDULE_RUNS)
    public Uni<Void> onReport(String payload) {
        ScheduledRunReported report = consumer.read(payload, ScheduledRunReported.class);
        return consumer.once(CONSUMER, report.eventId(), () -> reports.apply(report)).replaceWithVoid();
    }
}
