package dev.relay.task.task;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import dev.relay.common.event.ScheduleFired;
import dev.relay.common.event.Topics;
import dev.relay.common.messaging.IdempotentConsumer;
import io.smallrye.mutiny.Uni;

/**
 * Starts a run of a task when one of its schedules fires, once per execution: the execution id is recorded as
 * consumed in the transaction that starts the run, so a trigger delivered again starts nothing.
 */
@ApplicationScoped
public class ScheduleTriggerConsumer {

    private static final String CONSUMER = "task-service-triggers";

    private final ScheduledRuns scheduledRuns;
    private final IdempotentConsumer consumer;

    public ScheduleTriggerConsumer(ScheduledRuns scheduledRuns, IdempotentConsumer consumer) {
        this.scheduledRuns = scheduledRuns;
        this.consumer = consumer;
    }

    @Incoming(Topics.TASK_TRIGGERS)
    public Uni<Void> onTrigger(String payload) {
        ScheduleFired trigger = consumer.read(payload, ScheduleFired.class);
        return consumer.once(CONSUMER, trigger.triggerId(), () -> scheduledRuns.start(trigger).replaceWithVoid()).replaceWithVoid();
    }
}
