package dev.relay.task.task;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "relay.tasks")
public interface TaskDefaults {

    /** The model a task runs with when its request names none. */
    @WithDefault("sonnet-4.6")
    String model();

    /** The organization's approval mode for tasks created through the agents API without one. */
    @WithDefault("manual")
    String approvalMode();
}
