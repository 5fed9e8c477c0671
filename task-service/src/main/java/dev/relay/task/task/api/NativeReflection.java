package dev.relay.task.task.api;

import dev.relay.task.task.RunConfig;
import dev.relay.task.task.Schedule;
import dev.relay.task.task.ScheduledRequest;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * What Jackson reads and writes outside the REST layer in this service — the JSON columns Hibernate maps and the
 * answers kept for idempotent calls — registered for reflection so a native image can still do it.
 */
@RegisterForReflection(targets = { Schedule.class, ScheduledRequest.class, RunConfig.class, AgentTask.class })
final class NativeReflection {

    private NativeReflection() {
    }
}
