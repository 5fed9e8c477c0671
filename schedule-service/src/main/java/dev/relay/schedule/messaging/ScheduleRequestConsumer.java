package dev.relay.schedule.messaging;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import dev.relay.common.event.ScheduleRequested;
import dev.relay.common.event.Topics;
import dev.relay.common.messaging.IdempotentConsumer;
import dev.relay.schedule.service.Schedules;
import io.smallrye.mutiny.Uni;

/** Makes the schedules task creates ask for, once per schedule id however often the request is delivered. */
@ApplicationScoped
public class ScheduleRequestConsumer {

    private static final String CONSUMER = "schedule-service-requests";

    private final Schedules schedules;
    private final IdempotentConsumer consumer;

    public ScheduleRequestConsumer(Schedules schedules, IdempotentConsumer consumer) {
        this.schedules = schedules;
        this.consumer = consumer;
    }

    @Incoming(Topics.SCHEDULE_REQUESTS)
    public Uni<Void> onRequest(String payload) {
        ScheduleRequested request = consumer.read(payload, ScheduleRequested.class);
        return consumer.once(CONSUMER, request.scheduleId(), () -> schedules.createRequested(request)).replaceWithVoid();
    }
}
