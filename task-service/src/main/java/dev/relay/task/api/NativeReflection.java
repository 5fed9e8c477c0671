package dev.relay.task.api;

import dev.relay.task.domain.RunConfig;
import dev.relay.task.domain.Schedule;
import dev.relay.task.domain.ScheduledRequest;
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
