package dev.relay.task.task;

import java.util.Locale;

/** The life of one run (stream); a task's status is its latest run's. */
public enum RunStatus {
    PENDING, ACTIVE, COMPLETED, ERROR, ABORTED, SUSPENDED,
    /** Waits for its task's working run to end (a message sent with {@code multitask_strategy} enqueue or interrupt). */
    QUEUED;

    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean isFinished() {
        return this == COMPLETED || this == ERROR || this == ABORTED;
    }

    public static RunStatus of(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
