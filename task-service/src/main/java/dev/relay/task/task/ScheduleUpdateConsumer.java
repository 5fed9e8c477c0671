package dev.relay.task.task;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import dev.relay.common.event.ScheduleChanged;
import dev.relay.common.event.Topics;
import dev.relay.common.messaging.IdempotentConsumer;
import io.smallrye.mutiny.Uni;

/** Keeps tasks' {@code schedule_info} up to date from the schedule service's reports; idempotent by version. */
@ApplicationScoped
public class ScheduleUpdateConsumer {

    private static final String CONSUMER = "task-service-schedules";

    private final TaskSchedules schedules;
    private final IdempotentConsumer consumer;

    public ScheduleUpdateConsumer(TaskSchedules schedules, IdempotentConsumer consumer) {
        this.schedules = schedules;
        this.consumer = consumer;
    }

    @Incoming(Topics.SCHEDULE_UPDATES)
    public Uni<Void> onChange(String payload) {
        ScheduleChanged change = consumer.read(payload, ScheduleChanged.class);
        return consumer.idempotent(CONSUMER, () -> schedules.apply(change)).replaceWithVoid();
    }
}
